#!/usr/bin/env bash
# Runs AssignBridge locally (standalone, no Functions host) on embedded defaults: Azurite (tables and queues) with its
# data under .local/azurite (kept between runs), the Kibana simulator with the sample alerts, the sample people
# mappings, and the bridge in Development (src/AssignBridge/appsettings.Development.json: a local secret for every
# sender and an admin token). Prints the commands to try each sender. Ctrl-C or SIGTERM stops everything.
#
# Usage: scripts/dev.sh [--fresh]
#   --fresh   start from an empty local store (deletes .local/azurite first)
# Ports, when the defaults are taken: BRIDGE_PORT (7071), KIBANA_PORT (5601), AZURITE_BLOB_PORT (10000),
# AZURITE_QUEUE_PORT (10001), AZURITE_TABLE_PORT (10002).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fresh=0
for arg in "$@"; do
  case "$arg" in
    --fresh) fresh=1 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown argument '$arg'. Usage: scripts/dev.sh [--fresh]" >&2; exit 2 ;;
  esac
done

bridge_port=${BRIDGE_PORT:-7071}
kibana_port=${KIBANA_PORT:-5601}
blob_port=${AZURITE_BLOB_PORT:-10000}
queue_port=${AZURITE_QUEUE_PORT:-10001}
table_port=${AZURITE_TABLE_PORT:-10002}
state="$root/.local"
mkdir -p "$state"

# Node: the pinned Azurite (tools/package.json) declares Node.js 22 or later and runs on 20 (npm warns EBADENGINE).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( node_major < 20 )); then
  echo "Node.js 20 or later is needed for Azurite (found: $(node --version 2>/dev/null || echo none)); Azurite itself asks for 22." >&2
  exit 1
elif (( node_major < 22 )); then
  echo "Node.js $(node --version): Azurite asks for 22 or later but runs on it; npm's EBADENGINE warnings change nothing." >&2
fi

# What listens on a port, for the error message: ss or lsof when present.
owner_of() {
  local port=$1 who=""
  if command -v ss >/dev/null 2>&1; then
    who=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1 | sed 's/users:(("\([^"]*\)",pid=\([0-9]*\)/\1 (pid \2)/')
  elif command -v lsof >/dev/null 2>&1; then
    who=$(lsof -nP -iTCP:"$port" -sTCP:LISTEN 2>/dev/null | awk 'NR==2 {print $1 " (pid " $2 ")"}')
  fi
  echo "${who:-another process}"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Every port is checked before anything starts, so nothing talks to whatever already answers there.
require_free() { # port, what, variable
  if listening "$1"; then
    echo "Port $1 ($2) is already taken by $(owner_of "$1"). Stop it, or choose another port: $3=<port> scripts/dev.sh" >&2
    exit 1
  fi
}
require_free "$blob_port" "Azurite blob service" AZURITE_BLOB_PORT
require_free "$queue_port" "Azurite queue service" AZURITE_QUEUE_PORT
require_free "$table_port" "Azurite table service" AZURITE_TABLE_PORT
require_free "$kibana_port" "Kibana simulator" KIBANA_PORT
require_free "$bridge_port" "AssignBridge" BRIDGE_PORT

if [ ! -x tools/node_modules/.bin/azurite ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  npm ci --prefix tools --no-audit --no-fund
fi
dotnet build AssignBridge.sln -c Debug -nologo -v quiet

pids=()
stopping=0
cleanup() {
  stopping=1
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'echo; echo "Stopping AssignBridge, the Kibana simulator and Azurite."; cleanup; exit 0' INT TERM

# Started in the background and waited for, so that a signal reaches this script's trap at once.
wait_for() { # port, name, pid, log
  for _ in $(seq 1 300); do
    if listening "$1"; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then
      echo "$2 stopped before listening on port $1." >&2
      if [ "$4" != /dev/null ]; then echo "Its log ($4) ends:" >&2; tail -n 20 "$4" >&2; fi
      exit 1
    fi
    sleep 0.2
  done
  echo "$2 did not listen on port $1 within 60 s; see $4" >&2
  exit 1
}

if (( fresh )); then
  rm -rf "$state/azurite"
  echo "Starting from an empty local store (--fresh)."
fi
mkdir -p "$state/azurite"
(cd "$state" && exec "$root/tools/node_modules/.bin/azurite" --silent --location "$state/azurite" --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --blobPort "$blob_port" --queuePort "$queue_port" --tablePort "$table_port") >"$state/azurite.log" 2>&1 &
pids+=($!)
wait_for "$table_port" Azurite "$!" "$state/azurite.log"
wait_for "$queue_port" Azurite "${pids[-1]}" "$state/azurite.log"

dotnet "$root/tests/KibanaSimulator/bin/Debug/net10.0/KibanaSimulator.dll" --port "$kibana_port" --api-key local-dev-key --seed "$root/samples/alerts.json" >"$state/kibana-simulator.log" 2>&1 &
pids+=($!)
wait_for "$kibana_port" "The Kibana simulator" "$!" "$state/kibana-simulator.log"

# Azurite's well-known development account (its documented key, not a secret), on the ports chosen above.
dev_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
export Storage__ConnectionString="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$dev_key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
export Kibana__Url="${Kibana__Url:-http://127.0.0.1:$kibana_port/}"

# The built assembly, started directly: `dotnet run` on a Functions project hands over to Core Tools (`func start`).
bridge="$root/src/AssignBridge/bin/Debug/net10.0/AssignBridge.dll"
dotnet "$root/src/AssignBridge.Cli/bin/Debug/net10.0/AssignBridge.Cli.dll" people import "$root/samples/people.json"

# Its log goes to this terminal.
dotnet "$bridge" --urls "http://127.0.0.1:$bridge_port" &
bridge_pid=$!
pids+=("$bridge_pid")
wait_for "$bridge_port" AssignBridge "$bridge_pid" /dev/null

cat <<EOF

AssignBridge      http://127.0.0.1:$bridge_port/api/health   (log: this terminal)
Kibana simulator  http://127.0.0.1:$kibana_port/_simulator/alerts?space=default   (log: .local/kibana-simulator.log)
Local store       .local/azurite (kept between runs; scripts/dev.sh --fresh empties it)

Try each sender, signed as that product signs, with the local secrets of appsettings.Development.json:
EOF
url=""
[ "$bridge_port" = 7071 ] || url=" --url http://127.0.0.1:$bridge_port"
for sample in samples/*/*.json samples/*/*.txt; do
  [ -e "$sample" ] || continue
  sender=$(basename "$(dirname "$sample")")
  name=$(basename "$sample"); name=${name%.*}
  printf '  scripts/send.sh %-12s %s%s\n' "$sender" "$name" "$url"
done
cat <<EOF

The assignments API and the admin routes, with the local tokens:
  curl -s http://127.0.0.1:$bridge_port/api/assignments -H 'Authorization: Bearer local-dev-token' \\
    -H 'Content-Type: application/json' -d '{"alertIds":["alert-1"],"add":["jira:5b10ac8d82e05b22cc7d4ef5"]}'
  curl -s http://127.0.0.1:$bridge_port/api/manage/audit?alert=alert-1 -H 'Authorization: Bearer local-admin-token'
  curl -s 'http://127.0.0.1:$kibana_port/_simulator/alerts?space=default'

Ctrl-C (or SIGTERM) stops everything.
EOF

# Waits for the bridge; a signal interrupts the wait and runs the trap.
set +e
wait "$bridge_pid"
rc=$?
set -e
if (( ! stopping )); then
  echo "AssignBridge stopped (exit $rc); see its log above." >&2
fi
exit "$rc"
