#!/usr/bin/env bash
# Sets up and runs the whole system under the Aspire AppHost: PostgreSQL, RabbitMQ, anvil and the four
# services (contributions :5101, quality-scoring :5102, reward-ledger :5103, chain-bridge :5104).
# The dashboard URL is printed at start-up.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/eng/bootstrap.sh"
exec dotnet run --project "$root/AppHost/CommunityAI.AppHost.csproj" "$@"
