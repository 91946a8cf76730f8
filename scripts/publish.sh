#!/usr/bin/env bash
# Builds the deployable package for Azure Functions (Flex Consumption, dotnet-isolated 10.0, one deploy): the
# `dotnet publish` output of the isolated-worker app for linux-x64 with ReadyToRun, framework-dependent (the platform
# brings .NET 10), zipped with everything at the root as the host reads it:
#
#   host.json  functions.metadata  worker.config.json  extensions.json  .azurefunctions/  AssignBridge.dll  …
#
# Usage: scripts/publish.sh [zip]   (default artifacts/assignbridge.zip; the unzipped layout stays in artifacts/package/)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

zip_path="${1:-$root/artifacts/assignbridge.zip}"
[[ "$zip_path" = /* ]] || zip_path="$root/$zip_path"
package="$root/artifacts/package"
# Its own bin/obj: a linux-x64 restore must not rewrite the project.assets.json that `dotnet build` and `dotnet test` use.
build_artifacts="$root/artifacts/publish-build"

started=$SECONDS
rm -rf "$package"
mkdir -p "$package" "$(dirname "$zip_path")"

echo "==> dotnet publish (Release, linux-x64, framework-dependent, ReadyToRun)"
dotnet publish src/AssignBridge/AssignBridge.csproj -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -p:DebugType=none -p:SatelliteResourceLanguages=en \
  --artifacts-path "$build_artifacts" -o "$package"

for required in host.json functions.metadata worker.config.json extensions.json AssignBridge.dll; do
  if [[ ! -f "$package/$required" ]]; then
    echo "publish output lacks $required: not a Functions package" >&2
    exit 1
  fi
done
rm -f "$package/local.settings.json" "$package/appsettings.Development.json"

rm -f "$zip_path"
# Python's zipfile (present wherever the build runs; the zip tool may not be) keeps the folder layout and mode bits.
python3 - "$package" "$zip_path" <<'PY'
import os, sys, zipfile
package, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
    for folder, directories, files in os.walk(package):
        directories.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            archive.write(path, os.path.relpath(path, package))
PY

size="$(du -k "$zip_path" | cut -f1)"
echo "Wrote $zip_path (${size} KiB) in $((SECONDS - started)) s"
