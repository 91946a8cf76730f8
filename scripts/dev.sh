#!/usr/bin/env bash
# Runs AssignBridge locally (standalone, no Functions host) on embedded defaults: Azurite (tables and queues), the Kibana simulator on :5601 with
# sample alerts, the sample people mappings, and the bridge on :7071. Ctrl-C stops everything.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
state="$root/.local"
mkdir -p "$state"

if [ ! -x tools/node_modules/.bin/azurite ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  npm ci --prefix tools --no-audit --no-fund
fi
dotnet build AssignBridge.sln -c Debug -nologo -v quiet

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_for_port() { # port, name
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "$2 did not start listening on port $1; see $state/$2.log" >&2
  exit 1
}

# In memory: every start is a clean slate, seeded below.
(cd "$state" && exec "$root/tools/node_modules/.bin/azurite" --silent --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry \
  --blobPort 10000 --queuePort 10001 --tablePort 10002) >"$state/azurite.log" 2>&1 &
pids+=($!)
wait_for_port 10002 azurite

dotnet run --project tests/KibanaSimulator --no-build -- --port 5601 --api-key local-dev-key --seed "$root/samples/alerts.json" >"$state/kibana-simulator.log" 2>&1 &
pids+=($!)
wait_for_port 5601 kibana-simulator

export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
# The built assembly, started directly: `dotnet run` on a Functions project hands over to Core Tools (`func start`).
bridge="$root/src/AssignBridge/bin/Debug/net10.0/AssignBridge.dll"
dotnet "$bridge" people import "$root/samples/people.json"

echo "Kibana simulator: http://127.0.0.1:5601/_simulator/alerts  (log: $state/kibana-simulator.log)"
echo "AssignBridge:     http://127.0.0.1:7071/api/health"
dotnet "$bridge"
