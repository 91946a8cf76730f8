#!/usr/bin/env bash
# Builds the deployable package for Azure Functions (Flex Consumption, one deploy): the app self-contained for
# linux-x64 with ReadyToRun, laid out the way host.json expects it (functions-custom-handlers.md §2 and §5):
#
#   host.json
#   <Function>/function.json     one folder per function, from src/AssignBridge/functions/
#   app/AssignBridge             the executable (mode 755), with the rest of the publish output beside it
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

echo "==> dotnet publish (Release, linux-x64, self-contained, ReadyToRun)"
dotnet publish src/AssignBridge/AssignBridge.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishReadyToRun=true -p:DebugType=none -p:SatelliteResourceLanguages=en \
  --artifacts-path "$build_artifacts" -o "$package/app" -warnaserror

# The SDK copies the manifests into the app as content; the host reads them only at the package root.
rm -rf "$package/app/functions"
cp host.json "$package/host.json"
for manifest in src/AssignBridge/functions/*/function.json; do
  name="$(basename "$(dirname "$manifest")")"
  mkdir -p "$package/$name"
  cp "$manifest" "$package/$name/function.json"
done

# The host starts app/AssignBridge directly, so it must be executable on every plan (the host itself sets the bit only
# on Linux Consumption and Flex). Python's zipfile (on every machine here; the zip tool is not) keeps the mode bits.
chmod 755 "$package/app/AssignBridge"

rm -f "$zip_path"
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
