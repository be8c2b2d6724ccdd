#!/usr/bin/env bash
# Runs every benchmark once, one after another, the way the README's performance table was made: each in Release, each
# printing its own limit measured in the same run, with the load average before and after each one. Output goes to one
# file per benchmark under the folder given (default .local/benchmarks/<UTC time>), and a summary of times and loads.
#   bash eng/benchmarks.sh [output folder] [only=<name substring>]
# Needs the local PostgreSQL and RabbitMQ (eng/local-servers.sh) and, for the chain figures, anvil (npm ci). Nothing else
# should run on the machine meanwhile: the figures are ratios, but the tails follow the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.local/benchmarks/$(date -u +%Y%m%dT%H%M%SZ)}
only=${2:-}
mkdir -p "$out"
export COMMUNITYAI_TEST_INFRA=${COMMUNITYAI_TEST_INFRA:-local}
artifacts=$(mktemp -d /tmp/communityai-bench-XXXXXX)
trap 'rm -rf "$artifacts"' EXIT

# name | project | arguments (as in the README's "how to run" column)
runs=(
  "intake|ContributionsIntake|"
  "intake-batch|ContributionsIntake|batch 30000 2 1000"
  "intake-content|ContributionsIntake|1000 16 16384"
  "upload|ContributionsIntake|upload 8 8 1 4"
  "upload-memory|ContributionsIntake|upload-memory 64 1"
  "read-memory|ContributionsIntake|read-memory 64 1"
  "export|ContributionsIntake|export 200 262144"
  "audit-verify|AuditVerify|"
  "audit-replay|AuditReplay|"
  "ledger|RewardLedger|3000 16"
  "ledger-epochs|RewardLedger|epochs"
  "scoring|QualityScoring|"
  "chain-bridge|ChainBridge|"
  "audit-watch|AuditWatch|"
  "model-training|CommunityModel|"
  "model-evaluation|CommunityModel|evaluation 100,1000"
  "model-predictions|CommunityModel|predictions 400 2000 8"
  "review-game|ReviewGame|"
  "governance|Governance|1000 16 100000"
)

load() { cut -d' ' -f1-3 /proc/loadavg; }
printf '%s\n' "machine: $(nproc) cores, $(. /etc/os-release; echo "$PRETTY_NAME"), $(dotnet --version) SDK, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')" | tee "$out/summary.txt"
for run in "${runs[@]}"; do
  IFS='|' read -r name project arguments <<< "$run"
  [[ -z "$only" || "$name" == *"$only"* ]] || continue
  dotnet build -c Release "benchmarks/$project" --artifacts-path "$artifacts/$project" -v q -nologo > "$out/$name.build.txt" 2>&1
  before=$(load); start=$(date +%s)
  # shellcheck disable=SC2086 # the arguments are words
  if dotnet run -c Release --no-build --project "benchmarks/$project" --artifacts-path "$artifacts/$project" -- $arguments > "$out/$name.txt" 2>&1; then
    status=ok
  else
    status="failed ($?)"
  fi
  printf '%-18s %-8s %5ss  load before %s, after %s\n' "$name" "$status" "$(( $(date +%s) - start ))" "$before" "$(load)" | tee -a "$out/summary.txt"
done
echo "output: $out"
