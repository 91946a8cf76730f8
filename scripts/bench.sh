#!/usr/bin/env bash
# The benchmark suite (README "Performance"): warm overhead, cold start, burst and memory, each figure a ratio against
# a baseline measured in the same run, all on loopback. Prints a Markdown table and writes artifacts/bench/results.json.
#
# Usage: scripts/bench.sh [--quick] [--no-publish] [--skip load|cold]
#   --quick       fewer requests and cold-start runs (about a minute; the figures are noisier)
#   --no-publish  reuse the packages of the last run under artifacts/bench/packages
#   --skip X      leave out the warm/burst/memory phases (load) or the cold-start phase (cold)
#
# It publishes eight self-contained linux-x64 packages with its own `dotnet publish` flags, each a plain publish output
# with the executable at its root, started standalone (--urls=http://127.0.0.1:<port>, readiness GET /api/health), not
# under the Functions host: the bridge and an empty ASP.NET Core app (bench/EmptyApp, the cold-start floor), each
# ReadyToRun, composite ReadyToRun, plain JIT and Native AOT (when clang is installed). It starts its own in-memory
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
    for flavour in r2r composite jit aot; do
      case "$flavour" in
        r2r) flags=(-p:PublishReadyToRun=true) ;;
        composite) flags=(-p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true) ;;  # app and framework in one image
        jit) flags=(-p:PublishReadyToRun=false) ;;
        aot)
          # Native AOT needs a C toolchain (clang); without one this variant is left out of the table.
          linker="$(command -v clang || ls /usr/bin/clang-[0-9]* 2>/dev/null | head -n 1 || true)"
          if [[ -z "$linker" ]]; then echo "==> no clang: the Native AOT variant is left out"; continue; fi
          # Azure.Data.Tables serialises its own models (a table's properties when creating it) with reflection-based
          # JSON, which Native AOT turns off; turned back on here, with the warnings that come with it (IL2026, IL3050,
          # and the library's own IL2104, IL3053) not errors. An experiment for the table, not how the bridge ships.
          notaserror="IL2026%3BIL3050%3BIL2104%3BIL3053"
          flags=(-p:PublishAot=true -p:CppCompilerAndLinker="$linker" -p:JsonSerializerIsReflectionEnabledByDefault=true
            -p:WarningsNotAsErrors="$notaserror" -warnnotaserror:"$notaserror") ;;
      esac
      echo "==> publish $name ($flavour)"
      # Its own bin/obj: a linux-x64 restore must not rewrite what `dotnet build` uses. The Functions SDK generates and
      # restores a WorkerExtensions project, whose restore warns NU1603 (the one warning src/AssignBridge's csproj lets
      # through; -warnaserror on the command line reaches the generated project too).
      dotnet publish "$project" -c Release -r linux-x64 --self-contained true "${flags[@]}" \
        -p:DebugType=none -p:SatelliteResourceLanguages=en --artifacts-path "$root/artifacts/bench/build/$name-$flavour" \
        -o "$packages/$name-$flavour" -warnaserror -warnnotaserror:NU1603 -v quiet -nologo
    done
  done
fi

echo "==> bench"
dotnet run --project bench/AssignBridge.Bench -c Release -- --root "$root" --packages "$packages" \
  --out "$root/artifacts/bench/results.json" "${quick[@]}" "${extra[@]}"
