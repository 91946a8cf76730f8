#!/usr/bin/env bash
# Builds and lints infra/ with the real Bicep CLI, restored from NuGet (Azure.Bicep.CommandLine.linux-x64, pinned in
# tools/bicep/bicep.csproj), so it needs nothing but the .NET SDK. Fails on any error or warning: CI runs it through
# the InfraTests test (tests/AssignBridge.IntegrationTests/Deployment/InfraTests.cs).
# Usage: scripts/bicep.sh            build + lint every .bicep file under infra/
#        scripts/bicep.sh --path     only restore and print the CLI's path
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The CLI is a .NET single-file app; it needs no culture data for this.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

version="$(sed -n 's/.*Include="Azure.Bicep.CommandLine.linux-x64" Version="\[\([^]]*\)\]".*/\1/p' tools/bicep/bicep.csproj)"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"
if [[ ! -f "$bicep" ]]; then
  dotnet restore tools/bicep/bicep.csproj --verbosity quiet >&2
fi
[[ -f "$bicep" ]] || { echo "Bicep CLI not found at $bicep after restore." >&2; exit 1; }
# NuGet does not keep file modes.
[[ -x "$bicep" ]] || chmod +x "$bicep"

if [[ "${1:-}" == "--path" ]]; then
  echo "$bicep"
  exit 0
fi

echo "Bicep CLI $("$bicep" --version | sed 's/Bicep CLI version //')"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
log="$out/bicep.log"
status=0
echo "==> bicep build infra/**/*.bicep"
"$bicep" build --pattern 'infra/**/*.bicep' --outdir "$out/json" 2>&1 | tee -a "$log" || status=1
echo "==> bicep lint infra/**/*.bicep"
"$bicep" lint --pattern 'infra/**/*.bicep' 2>&1 | tee -a "$log" || status=1

# lint exits 0 on warnings; count them from what it printed.
if grep -Eq ': (Warning|Error) ' "$log"; then
  echo "Bicep reported warnings or errors (above)." >&2
  status=1
fi
[[ $status -eq 0 ]] && echo "Bicep: no errors, no warnings."
exit "$status"
