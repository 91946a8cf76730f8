#!/usr/bin/env bash
# Builds and tests the whole solution the way CI does (.ci/run execs this).
# Installs the pinned Azurite into tools/node_modules when it is missing or older than the lock file; the
# integration tests start their own Azurite from there. The last line printed is always "N passed, N failed",
# counted from the .trx files: a skipped or not-executed test counts as failed, because here it is a defect.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results_dir="$root/TestResults"
rm -rf "$results_dir"

summary() {
  # $1 passed, $2 failed; must stay the very last line of output.
  echo "$1 passed, $2 failed"
}

# npm writes node_modules/.package-lock.json on every install, so it dates the installed tree.
if [[ ! -x tools/node_modules/.bin/azurite || tools/package-lock.json -nt tools/node_modules/.package-lock.json ]]; then
  echo "==> npm ci --prefix tools"
  npm ci --prefix tools --no-audit --no-fund
fi

echo "==> dotnet build"
build_rc=0
# Warnings are errors through Directory.Build.props (TreatWarningsAsErrors); not -warnaserror, which would also turn
# the NU1603 warnings of the Functions SDK's generated WorkerExtensions project into errors (AssignBridge.csproj).
dotnet build AssignBridge.sln -c Release || build_rc=$?
if [[ $build_rc -ne 0 ]]; then
  echo "dotnet build failed (exit $build_rc); no tests were run." >&2
  summary 0 1
  exit "$build_rc"
fi

echo "==> scripts/publish.sh"
# The host-contract tests run the package as the Functions host would; publishing once here spares them doing it.
publish_rc=0
bash scripts/publish.sh "$root/artifacts/assignbridge.zip" || publish_rc=$?
if [[ $publish_rc -ne 0 ]]; then
  echo "scripts/publish.sh failed (exit $publish_rc); no tests were run." >&2
  summary 0 1
  exit "$publish_rc"
fi
export ASSIGNBRIDGE_TEST_PACKAGE="$root/artifacts/assignbridge.zip"

echo "==> dotnet test"
test_rc=0
# A hung test is cut off (and reported) rather than holding CI.
dotnet test AssignBridge.sln -c Release --no-build --blame-hang-timeout 10m \
  --logger "trx;LogFilePrefix=results" --results-directory "$results_dir" || test_rc=$?

trx_files=()
if [[ -d "$results_dir" ]]; then
  while IFS= read -r -d '' file; do
    trx_files+=("$file")
  done < <(find "$results_dir" -type f -name '*.trx' -print0)
fi

if [[ ${#trx_files[@]} -eq 0 ]]; then
  echo "No .trx file was written under $results_dir (dotnet test exit $test_rc)." >&2
  summary 0 1
  exit 1
fi

# One <UnitTestResult ... outcome="..."> start tag per executed test case. Attribute values never hold a raw '<',
# so '[^<]*' stays inside the start tag (and the text right after it), whatever a test's name contains.
outcomes="$(cat "${trx_files[@]}" | tr '\n\r' '  ' | grep -o '<UnitTestResult [^<]*' | grep -o ' outcome="[A-Za-z]*"' || true)"
total=0
passed=0
if [[ -n "$outcomes" ]]; then
  total="$(grep -c . <<<"$outcomes")"
  passed="$(grep -c '"Passed"' <<<"$outcomes" || true)"
fi
failed=$((total - passed))

if [[ $total -eq 0 ]]; then
  echo "The .trx files list no test results: nothing was tested." >&2
  failed=1
fi

echo "Test results: ${#trx_files[@]} .trx file(s) in $results_dir"
if [[ $failed -gt 0 || $test_rc -ne 0 ]]; then
  [[ $test_rc -ne 0 ]] && echo "dotnet test exited with $test_rc." >&2
  [[ $failed -eq 0 ]] && failed=1
  summary "$passed" "$failed"
  exit 1
fi

summary "$passed" "$failed"
