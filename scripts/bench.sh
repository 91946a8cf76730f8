#!/usr/bin/env bash
# The benchmark suite (docs/performance.md): warm overhead, burst and memory (phase load), storage requests per
# delivery from Azurite's request log (storage), the backlog after a Kibana outage (backlog), cold start (cold); each
# figure set against a baseline measured in the same run, all on loopback. Prints a Markdown table, writes
# artifacts/bench/results.json and, from it, the tables of docs/performance.md (every row) and README.md (the headline
# rows), between their perf-table markers.
#
# Usage: scripts/bench.sh [--quick] [--no-publish] [--only PHASES] [--skip PHASES]
#   --quick         fewer requests, cold-start runs and backlog deliveries (500 instead of 5,000; noisier figures)
#   --no-publish    reuse the packages of the last run under artifacts/bench/packages
#   --only PHASES   run only these phases, comma-separated: load, storage, backlog, cold (e.g. --only backlog)
#   --skip PHASES   leave these phases out (e.g. --skip cold)
#
# Each package is a plain `dotnet publish` output, self-contained linux-x64, with the executable at its root; the bench
# starts it standalone (--urls=http://127.0.0.1:<port>, readiness GET /api/health), not under the Functions host. The
# cold-start phase needs eight packages: the bridge and an empty ASP.NET Core app (bench/EmptyApp, the cold-start
# floor), each ReadyToRun, composite ReadyToRun, plain JIT and Native AOT (when clang is installed), and an empty
# isolated-worker app (bench/EmptyWorkerApp, ReadyToRun only: the floor when the bench's stand-in for the Functions host
# starts the bridge as a worker); the other phases only the bridge's ReadyToRun package, so only that one is published
# when cold does not run. It starts its own
# in-memory Azurite from tools/node_modules (never installs it: run scripts/test.sh or `npm ci --prefix tools` once)
# and hosts the Kibana simulator in process. Not part of scripts/test.sh: it takes several minutes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

quick=()
phases=()
publish=1
only=""
skip=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=(--quick) ;;
    --no-publish) publish=0 ;;
    --only|--skip)
      [[ $# -ge 2 ]] || { echo "$1 needs a comma-separated list of phases: load, storage, backlog, cold" >&2; exit 2; }
      [[ $1 == --only ]] && only="$2" || skip="$2"
      phases+=("$1" "$2")
      shift ;;
    *) echo "Unknown argument '$1'. Usage: scripts/bench.sh [--quick] [--no-publish] [--only PHASES] [--skip PHASES]" >&2; exit 2 ;;
  esac
  shift
done

# Whether a phase runs, by the same rule as the harness: named by --only (or no --only) and not named by --skip.
runs() { [[ ( -z $only || ,$only, == *,$1,* ) && ,$skip, != *,$1,* ]]; }

if [[ ! -x tools/node_modules/.bin/azurite ]]; then
  echo "Azurite is missing (tools/node_modules/.bin/azurite); run scripts/test.sh or npm ci --prefix tools first." >&2
  exit 1
fi

packages="$root/artifacts/bench/packages"
if [[ $publish -eq 1 ]]; then
  rm -rf "$packages"
  projects=(src/AssignBridge/AssignBridge.csproj)
  flavours=(r2r)
  if runs cold; then
    projects+=(bench/EmptyApp/EmptyApp.csproj bench/EmptyWorkerApp/EmptyWorkerApp.csproj)
    flavours=(r2r composite jit aot)
  fi
  # The Functions SDK generates and restores a WorkerExtensions project, whose restore warns NU1603 (src/AssignBridge's
  # csproj lets that one warning through; -warnaserror on the command line reaches the generated project too).
  notaserror="NU1603"
  for project in "${projects[@]}"; do
    case "$project" in
      *EmptyWorkerApp*) name=emptyworker executable=EmptyWorkerApp ;;
      *EmptyApp*) name=empty executable=EmptyApp ;;
      *) name=bridge executable=AssignBridge ;;
    esac
    for flavour in "${flavours[@]}"; do
      # The worker floor is measured against the bridge's ReadyToRun package only.
      if [[ $name == emptyworker && $flavour != r2r ]]; then continue; fi
      optional=0
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
          # and the library's own IL2104, IL3053) not errors, nor IL3000 (Assembly.Location in the Functions worker and
          # the ASP.NET Core MVC parts its HTTP extension brings). An experiment for the table, not how the bridge
          # ships: when it does not publish, the variant is left out and the rest goes on.
          aotnotaserror="$notaserror%3BIL2026%3BIL3050%3BIL2104%3BIL3053%3BIL3000"
          flags=(-p:PublishAot=true -p:CppCompilerAndLinker="$linker" -p:JsonSerializerIsReflectionEnabledByDefault=true
            -p:WarningsNotAsErrors="$aotnotaserror")
          optional=1 ;;
      esac
      echo "==> publish $name ($flavour)"
      # Its own bin/obj: a linux-x64 restore must not rewrite what `dotnet build` uses.
      log="$root/artifacts/bench/publish-$name-$flavour.log"
      mkdir -p "$(dirname "$log")"
      if ! dotnet publish "$project" -c Release -r linux-x64 --self-contained true "${flags[@]}" \
        -p:DebugType=none -p:SatelliteResourceLanguages=en --artifacts-path "$root/artifacts/bench/build/$name-$flavour" \
        -o "$packages/$name-$flavour" -warnaserror -warnnotaserror:"${aotnotaserror:-$notaserror}" -v quiet -nologo >"$log" 2>&1; then
        grep -E "error|Error" "$log" | sort -u | tail -n 20 >&2 || tail -n 20 "$log" >&2
        if [[ $optional -eq 1 ]]; then
          echo "==> $name ($flavour) did not publish (log: $log): left out of the table"
          rm -rf "$packages/$name-$flavour"
        else
          echo "publish $name ($flavour) failed (log: $log)" >&2
          exit 1
        fi
      fi
      unset aotnotaserror
      if [[ ! -x "$packages/$name-$flavour/$executable" && $optional -eq 0 ]]; then
        echo "publish $name ($flavour) wrote no executable at the package root ($packages/$name-$flavour)" >&2
        exit 1
      fi
    done
  done
fi

echo "==> bench"
dotnet run --project bench/AssignBridge.Bench -c Release -- --root "$root" --packages "$packages" \
  --out "$root/artifacts/bench/results.json" "${quick[@]}" "${phases[@]}"
dotnet run --project bench/AssignBridge.Bench -c Release --no-build -- --results "$root/artifacts/bench/results.json" \
  --tables "$root/docs/performance.md" --headline "$root/README.md"
