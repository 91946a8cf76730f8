#!/usr/bin/env bash
# Walks the README's path as a newcomer would, from a fresh clone of this repository: `scripts/dev.sh`, every
# "try" command with the outcome the README promises, the admin curls, a second dev.sh on taken ports, SIGTERM
# (everything stops, every port is free again), a restart that keeps the local store, and `--fresh` that empties it.
# Prints one line per check and ends with "N passed, N failed"; exit code 1 when any check failed.
#
# Usage: scripts/newcomer.sh [clone folder]   (default: a new temporary folder; it is left for inspection)
set -uo pipefail
source_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$(mktemp -d /tmp/assignbridge-newcomer.XXXXXX)}
passed=0
failed=0
check() { # description, then the command that must succeed
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok    $what"; else failed=$((failed + 1)); echo "FAIL  $what"; fi
}

git clone -q "$source_root" "$dir/repo" || { echo "could not clone $source_root"; exit 1; }
cd "$dir/repo"
log="$dir/dev.log"

ports_free() { for port in 7071 5601 10000 10001 10002; do if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 1; fi; done; }
check "the default ports are free before the run" ports_free

start_dev() { # extra arguments for dev.sh; waits until it prints its try commands
  : >"$log"
  setsid bash scripts/dev.sh "$@" >>"$log" 2>&1 &
  dev_pid=$!
  for _ in $(seq 1 900); do
    grep -q "stops everything" "$log" && return 0
    kill -0 "$dev_pid" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

stop_dev() { kill -TERM "$dev_pid" 2>/dev/null; for _ in $(seq 1 60); do kill -0 "$dev_pid" 2>/dev/null || return 0; sleep 1; done; return 1; }

assignees() { curl -s "http://127.0.0.1:5601/_simulator/alerts?space=$1" | python3 -c "import json,sys; a=[x for x in json.load(sys.stdin) if x.get('id',x.get('_id'))=='$2']; print(' '.join(sorted((a[0].get('assignees') or a[0].get('kibana.alert.workflow_assignee_ids') or []) if a else [])))"; }
has() { [[ " $(assignees "$1" "$2") " == *" $3 "* ]]; }
lacks() { [[ " $(assignees "$1" "$2") " != *" $3 "* ]]; }
send_ok() { local out; out=$(bash scripts/send.sh "$@" 2>&1) && [[ "$out" == *"$SEND_EXPECT"* ]]; }

check "scripts/dev.sh starts and prints the try commands (first run: npm ci and the build)" start_dev
check "the printed commands name every sample" grep -q "scripts/send.sh jira         assigned" "$log"
check "GET /api/health answers" curl -s -o /dev/null http://127.0.0.1:7071/api/health

SEND_EXPECT='"status": "applied"'; check "send.sh jira assigned answers applied" send_ok jira assigned
check "  alert-1 has u_alice_0" has default alert-1 u_alice_0
check "send.sh jira unassigned answers applied" send_ok jira unassigned
check "  u_alice_0 left alert-1" lacks default alert-1 u_alice_0
SEND_EXPECT='200'; check "send.sh jira automation" send_ok jira automation
check "  alert-3 in soc has u_alice_0" has soc alert-3 u_alice_0
check "send.sh servicenow assigned" send_ok servicenow assigned
check "  alert-2 has u_alice_0" has default alert-2 u_alice_0
check "send.sh servicenow unassigned" send_ok servicenow unassigned
check "  u_alice_0 left alert-2, u_bob_0 stays" bash -c "$(declare -f assignees has lacks); lacks default alert-2 u_alice_0 && has default alert-2 u_bob_0"
SEND_EXPECT='Applied: assigned'; check "send.sh slack assign replies Applied" send_ok slack assign
check "  alert-1 has u_bob_0" has default alert-1 u_bob_0
SEND_EXPECT='Applied: unassigned'; check "send.sh slack unassign replies Applied" send_ok slack unassign
check "  u_bob_0 left alert-2" lacks default alert-2 u_bob_0
SEND_EXPECT='Applied: assigned'; check "send.sh teams assign replies Applied" send_ok teams assign
check "  alert-3 in soc has u_bob_0" has soc alert-3 u_bob_0
SEND_EXPECT='"status": "applied"'; check "send.sh assignments add" send_ok assignments add
SEND_EXPECT='200'; check "send.sh assignments remove" send_ok assignments remove
check "the admin token reads the audit trail" bash -c "curl -sf 'http://127.0.0.1:7071/api/manage/audit?alert=alert-1' -H 'Authorization: Bearer local-admin-token' | grep -q u_alice_0"
check "the admin token reads the journal" curl -sf http://127.0.0.1:7071/api/manage/journal -H 'Authorization: Bearer local-admin-token'
check "the assignments curl of the README" bash -c "curl -s http://127.0.0.1:7071/api/assignments -H 'Authorization: Bearer local-dev-token' -H 'Content-Type: application/json' -d '{\"alertIds\":[\"alert-1\"],\"add\":[\"jira:5b10ac8d82e05b22cc7d4ef5\"]}' | grep -q '\"applied\"\\|nothing-to-apply'"
check "the dry-run curl of the README answers a plan" bash -c "curl -s 'http://127.0.0.1:7071/api/assignments?dryRun=true' -H 'Authorization: Bearer local-dev-token' -H 'Content-Type: application/json' -d '{\"alertIds\":[\"alert-2\"],\"add\":[\"jira:5b10ac8d82e05b22cc7d4ef5\"]}' | grep -q '\"dry-run\"'"
check "  and Kibana was not changed by it" lacks default alert-2 u_alice_0

second=$(bash scripts/dev.sh 2>&1)
second_refused() { [[ "$second" == *"Port 10000"*"already taken"*"AZURITE_BLOB_PORT"* ]]; }
check "a second dev.sh stops at once on the taken port, naming it and the variable" second_refused

check "SIGTERM stops dev.sh" stop_dev
check "  every port is free again" bash -c "sleep 2; $(declare -f ports_free); ports_free"
check "  no bridge, simulator or Azurite process is left" bash -c "! pgrep -f '$dir/repo/(src|tests|tools)' >/dev/null"

check "dev.sh starts again on the kept store" start_dev
check "  the journal still holds the earlier deliveries" bash -c "curl -s http://127.0.0.1:7071/api/manage/journal -H 'Authorization: Bearer local-admin-token' | grep -q jira"
stop_dev
check "dev.sh --fresh starts on an empty store" start_dev --fresh
check "  the journal is empty" bash -c "! curl -s http://127.0.0.1:7071/api/manage/journal -H 'Authorization: Bearer local-admin-token' | grep -q jira"
stop_dev

echo "(clone and logs: $dir)"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
