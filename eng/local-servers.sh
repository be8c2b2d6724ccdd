#!/usr/bin/env bash
# Starts (or reuses) the local PostgreSQL and RabbitMQ servers the tests use when no container runtime
# answers. Test-only credentials: postgres/postgres on loopback, RabbitMQ's guest/guest (loopback only).
set -euo pipefail
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"

wait_for() { # name, attempts, command...
  local name=$1 tries=$2; shift 2
  for _ in $(seq "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "local-servers: $name did not come up" >&2; return 1
}

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  $sudo service postgresql start
fi
wait_for postgresql 60 pg_isready -h 127.0.0.1 -p 5432
$sudo runuser -u postgres -- psql -qc "ALTER USER postgres PASSWORD 'postgres'" >/dev/null
# Test projects run in parallel, each with its own pools: Debian's default of 100 connections is too few.
if [ "$($sudo runuser -u postgres -- psql -tAc 'SHOW max_connections')" -lt 500 ]; then
  $sudo runuser -u postgres -- psql -qc "ALTER SYSTEM SET max_connections = 500" >/dev/null
  $sudo service postgresql restart
  wait_for postgresql 60 pg_isready -h 127.0.0.1 -p 5432
fi

$sudo rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
if ! curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview >/dev/null 2>&1; then
  $sudo service rabbitmq-server start
fi
wait_for "rabbitmq management API" 120 curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview
echo "local-servers: PostgreSQL on 127.0.0.1:5432, RabbitMQ on 127.0.0.1:5672 (management :15672)"
