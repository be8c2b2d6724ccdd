#!/usr/bin/env bash
# Sets up and runs the whole system under the Aspire AppHost: PostgreSQL, RabbitMQ, anvil, the services
# (contributions :5101, quality-scoring :5102, reward-ledger :5103, chain-bridge :5104, governance :5105,
# community model :5106), the portal (:5100), a crew of five demo validators (--Demo:Validators=false: none) and a
# witness cosigning the log's checkpoints with the public development witness key (--Demo:Witness=false: none).
# The dashboard URL is printed at start-up.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/eng/bootstrap.sh"
exec dotnet run --project "$root/AppHost/CommunityAI.AppHost.csproj" "$@"
