#!/usr/bin/env bash
# Sends a sample delivery to the local bridge, signed as its sender signs it: `assignbridge send` from the source.
#
#   scripts/send.sh <sender> <sample> [--url http://127.0.0.1:7071] [--environment …] [--delivery-id …]
#   scripts/send.sh jira assigned        # samples/jira/assigned.json
#
# Builds the tool (src/AssignBridge.Cli, Release) when it is missing or older than its sources, then runs it; all
# arguments go to `assignbridge send` (`scripts/send.sh --help` lists them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="$root/src/AssignBridge.Cli/bin/Release/net10.0/AssignBridge.Cli.dll"

stale() {
  [[ ! -f "$tool" ]] && return 0
  [[ -n "$(find "$root/src/AssignBridge.Cli" "$root/src/AssignBridge.Core" "$root/src/AssignBridge/appsettings.json" \
    "$root/src/AssignBridge/appsettings.Development.json" "$root/Directory.Build.props" "$root/Directory.Packages.props" "$root/src/Usings.props" \
    \( -name bin -o -name obj \) -prune -o -type f -newer "$tool" -print -quit)" ]]
}

if stale; then
  echo "Building the assignbridge tool (Release) ..." >&2
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$root/src/AssignBridge.Cli/AssignBridge.Cli.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  touch "$tool" # an up-to-date build leaves the assembly as it was: date it after the sources it was checked against
fi

exec dotnet "$tool" send "$@"
