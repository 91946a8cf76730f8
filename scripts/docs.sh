#!/usr/bin/env bash
# Writes docs/configuration.md from the options classes (tests/AssignBridge.Tests/Docs). The same tests, run without
# ASSIGNBRIDGE_WRITE_DOCS, fail when the file and the classes disagree. Extra arguments go to dotnet test (-c Release).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export ASSIGNBRIDGE_WRITE_DOCS=1
exec dotnet test tests/AssignBridge.Tests --filter ConfigurationDocs "$@"
