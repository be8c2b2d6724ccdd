#!/usr/bin/env bash
# Sets up and runs every test against real PostgreSQL, RabbitMQ and anvil.
# Containers (Testcontainers) when Docker answers; otherwise local servers, started here.
# Extra arguments go to 'dotnet test' (e.g. --filter Category!=Fault).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

"$root/eng/bootstrap.sh"
if docker info >/dev/null 2>&1; then
  echo "test: a container runtime answers; fixtures use Testcontainers"
else
  echo "test: no container runtime; using local servers"
  "$root/eng/local-servers.sh"
  export COMMUNITYAI_TEST_INFRA=local
fi

# The house style (.editorconfig) holds without review: whitespace only, file by file, no build needed (seconds).
echo "test: checking the house style (dotnet format whitespace)"
if ! dotnet format whitespace --folder --verify-no-changes --exclude "**/bin/**" "**/obj/**" "node_modules/**" ".local/**"; then
  echo "test: the files above differ from the house style in .editorconfig; fix them with:"
  echo "  dotnet format whitespace --folder --exclude '**/bin/**' '**/obj/**' node_modules .local"
  exit 1
fi

log=$(mktemp)
# The errors the services log during the tests, one file per test project (tests/CommunityAI.Testing/ServerErrorFile.cs):
# printed below for a project that failed, so a 500 in a browser test shows its exception.
errors=$(mktemp -d)
export COMMUNITYAI_SERVER_ERRORS="$errors"
set +e
# Without arguments: everything but the long fault scenarios (run those with --filter Category=FaultFull).
args=("$@"); [ ${#args[@]} -gt 0 ] || args=(--filter "Category!=FaultFull")
# No test starting or ending in a project for COMMUNITYAI_TEST_HANG_MINUTES (15; the longest test takes a few) means a
# hang: vstest stops that test host and names the test it was running, so a hang fails the run with a name instead of
# running into CI's time limit silently. The whole run, counted from this script's start, stops at
# COMMUNITYAI_TEST_LIMIT_MINUTES (75; a clean run takes about 30), in time to name the projects that never finished.
hang=${COMMUNITYAI_TEST_HANG_MINUTES:-15}
limit=${COMMUNITYAI_TEST_LIMIT_MINUTES:-75}
left=$(( limit * 60 - SECONDS )); [ "$left" -gt 60 ] || left=60
# timeout puts dotnet test and everything it starts in a process group of its own, which it stops at the limit; so
# Ctrl-C (or a TERM to this script) is passed on to it by hand, and tee ignores Ctrl-C to keep the last lines.
exec 3> >(trap '' INT; tee "$log")
copier=$!
# The run writes to the copier through its standard output only (3>&-): a process the tests leave running (a fixture's
# chain node, a private broker) must not inherit the copier's pipe and keep it open after the run.
timeout --kill-after=60s "${left}s" \
  dotnet test CommunityAI.sln -c Release --blame-hang-timeout "${hang}m" --blame-hang-dump-type none "${args[@]}" >&3 2>&1 3>&- &
runner=$!
interrupted=0
trap 'interrupted=1; kill -TERM "$runner" 2>/dev/null' INT TERM
wait "$runner"; status=$?
# A signal ends the wait early: wait again, for the run's own status.
while kill -0 "$runner" 2>/dev/null; do wait "$runner"; status=$?; done
trap - INT TERM
# What the run left running in its process group (a fixture never released, say after its test host was stopped for a
# hang) is named and stopped: it would otherwise hold ports and files into the next run.
leftover=$(ps -e -o pid=,pgid=,stat=,args= | awk -v group="$runner" '$2 == group && $3 !~ /^Z/' | cut -c1-160)
if [ -n "$leftover" ]; then
  echo "test: left running after the tests, now stopped:"
  echo "$leftover" | sed 's/^ */  /'
  kill -KILL -- -"$runner" 2>/dev/null || true
fi
exec 3>&-
# Bounded: a process outside that group (a server that made a session of its own) still holding the pipe must not keep
# the run from ending; everything the run printed has been copied by then.
( sleep 30; kill "$copier" 2>/dev/null ) & watchdog=$!
wait "$copier" || true
kill "$watchdog" 2>/dev/null || true
# dotnet test ends with 0 when told to stop; a stopped run has not passed.
[ "$interrupted" -eq 0 ] || { echo "test: stopped by a signal"; status=130; }
# 124: the limit; 137: killed a minute after it (or by the kernel for memory, hence the clock).
if [ "$status" -eq 124 ] || { [ "$status" -eq 137 ] && [ "$SECONDS" -ge $(( limit * 60 )) ]; }; then
  echo "test: the run passed its limit of $limit minutes and was stopped; test projects that started and never finished:"
  started=$({ grep -Eo 'Test run for .*/[A-Za-z.]+\.dll' "$log" || true; } | sed -E 's|.*/([A-Za-z.]+)\.dll|\1|' | sort -u)
  ended=$({ grep -Eo ' - [A-Za-z.]+\.dll \(' "$log" || true; } | sed -E 's/ - ([A-Za-z.]+)\.dll \(/\1/' | sort -u)
  if [ -z "$started" ]; then echo "  none: it was still building"; else comm -23 <(echo "$started") <(echo "$ended") | sed 's/^/  /'; fi
fi
set -e

# One closing line for the whole run, summed over the test projects.
count() { { grep -Eo "$1: +[0-9]+" "$log" || true; } | awk '{s+=$2} END {print s+0}'; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
failing=$(grep -Eo 'Failed! .* - [A-Za-z.]+\.dll' "$log" | sed -E 's/.* - ([A-Za-z.]+)\.dll/\1/' | sort -u || true)
for project in $failing; do
  file="$errors/$project.log"
  [ -s "$file" ] || continue
  echo "test: the last errors the services logged in $project (all of them: a fault test's are expected):"
  tail -n 200 "$file"
done
# The failing tests' messages (what a timed-out wait was still waiting for), then their names last, next to the closing
# line, where a reader of only the tail still sees them.
if [ "$failed" -ne 0 ]; then
  echo "test: why they failed (the first 40 lines of each of the first five messages):"
  awk '/^[ \t]+Failed [^ ].* \[[0-9][^]]*\][ \t]*$/ { name = $0; next }
       /^[ \t]+Error Message:/ { grab = (++shown <= 5); lines = 0; if (grab) print name; next }
       /^[ \t]+Stack Trace:/ { grab = 0; next }
       grab && lines++ < 40 { print }' "$log"
  echo "test: the tests that failed:"
  { grep -E '^\s+Failed \S.* \[[0-9][^]]*\]\s*$' "$log" || true; } | sed -E 's/^\s+//' | sort -u | head -n 40
fi
# A test host stopped for a hang or a crash has no "Failed" line: what vstest said of it, and the test it was running.
awk '/test run was aborted|inactivity time/ { print } /running when the crash occurred/ { grab = 1 } grab && /^$/ { grab = 0 } grab' "$log" | head -n 40
rm -rf "$log" "$errors"
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
