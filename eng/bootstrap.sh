#!/usr/bin/env bash
# Installs what CommunityAI needs to run and test on Debian/Ubuntu without a container runtime:
# PostgreSQL, RabbitMQ and Chromium (for the portal's browser tests) from the distribution, anvil, solc, ethers and the
# OpenZeppelin packages from npm.
# Safe to run again: it installs only what is missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# Playwright drives the distribution's Chromium by path; it is never allowed to download a browser of its own.
[ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

if [ ! -x "$root/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil" ] || [ ! -d "$root/node_modules/@openzeppelin/merkle-tree" ]; then
  echo "bootstrap: installing npm packages (anvil, solc, OpenZeppelin, ethers)"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
