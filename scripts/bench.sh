#!/usr/bin/env bash
# The benchmark suite (README "Performance"): warm overhead, cold start, burst and memory, each figure a ratio against
# a baseline measured in the same run, all on loopback. Prints a Markdown table and writes artifacts/bench/results.json.
#
# Usage: scripts/bench.sh [--quick] [--no-publish] [--skip load|cold]
#   --quick       fewer requests and cold-start runs (about a minute; the figures are noisier)
#   --no-publish  reuse the packages of the last run under artifacts/bench/packages
#   --skip X      leave out the warm/burst/memory phases (load) or the cold-start phase (cold)
#
# It publishes six self-contained linux-x64 packages with the flags of scripts/publish.sh: the bridge and an empty
# ASP.NET Core app (bench/EmptyApp, the cold-start floor), each ReadyToRun, composite ReadyToRun and plain JIT. It starts its own in-memory
# Azurite from tools/node_modules (never installs it: run scripts/test.sh or `npm ci --prefix tools` once) and hosts
# the Kibana simulator in process. Not part of scripts/test.sh: it takes several minutes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

quick=()
extra=()
publish=1
for argument in "$@"; do
  case "$argument" in
    --quick) quick=(--quick) ;;
    --no-publish) publish=0 ;;
    *) extra+=("$argument") ;;  # passed to the harness, e.g. --skip cold or --skip load
  esac
done

if [[ ! -x tools/node_modules/.bin/azurite ]]; then
  echo "Azurite is missing (tools/node_modules/.bin/azurite); run scripts/test.sh or npm ci --prefix tools first." >&2
  exit 1
fi

packages="$root/artifacts/bench/packages"
if [[ $publish -eq 1 ]]; then
  rm -rf "$packages"
  for project in src/AssignBridge/AssignBridge.csproj bench/EmptyApp/EmptyApp.csproj; do
    name="$([[ $project == *EmptyApp* ]] && echo empty || echo bridge)"
    for flavour in r2r composite jit; do
      case "$flavour" in
        r2r) flags=(-p:PublishReadyToRun=true) ;;
        composite) flags=(-p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true) ;;  # app and framework in one image
        jit) flags=(-p:PublishReadyToRun=false) ;;
      esac
      echo "==> publish $name ($flavour)"
      # Its own bin/obj, as in scripts/publish.sh: a linux-x64 restore must not rewrite what `dotnet build` uses.
      dotnet publish "$project" -c Release -r linux-x64 --self-contained true "${flags[@]}" \
        -p:DebugType=none -p:SatelliteResourceLanguages=en --artifacts-path "$root/artifacts/bench/build/$name-$flavour" \
        -o "$packages/$name-$flavour" -warnaserror -v quiet -nologo
    done
  done
fi

echo "==> bench"
dotnet run --project bench/AssignBridge.Bench -c Release -- --root "$root" --packages "$packages" \
  --out "$root/artifacts/bench/results.json" "${quick[@]}" "${extra[@]}"
