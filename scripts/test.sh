#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing, starts PostgreSQL and
# Redis if they are not running, creates the test database, applies the migrations, and
# runs formatting, lints and the whole test suite against the real services.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

build_deps
# systemd only for `systemd-analyze verify` of the unit; nothing here runs systemd.
apt_install postgresql postgresql-contrib redis-server python3 python3-venv python3-pip systemd

export PGHOST=127.0.0.1 PGPORT=${PGPORT:-5432}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:${PGPORT}/securetag_test}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}

start_postgres() {
  pg_isready -q -h 127.0.0.1 -p "$PGPORT" && return 0
  local ver
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  if [ -z "$ver" ]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    as_root pg_createcluster "$ver" main >/dev/null
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$PGPORT" && return 0; sleep 0.2; done
  echo "PostgreSQL did not start on 127.0.0.1:$PGPORT" >&2; return 1
}

start_redis() {
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/securetag-test.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "Redis did not start on 127.0.0.1:6379" >&2; return 1
}

start_postgres
start_redis

# A password for the postgres role makes the URL work under trust and md5/scram alike. It is
# set over the local socket (peer auth), not over TCP: PGHOST above points at 127.0.0.1,
# where a fresh Debian cluster asks for the very password that is not set yet.
if ! psql "postgres://postgres:postgres@127.0.0.1:${PGPORT}/postgres" -qtAc 'select 1' >/dev/null 2>&1; then
  as_root su postgres -c "PGHOST=/var/run/postgresql psql -p $PGPORT -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
fi
psql "postgres://postgres:postgres@127.0.0.1:${PGPORT}/postgres" -qtAc \
  "SELECT 1 FROM pg_database WHERE datname = 'securetag_test'" | grep -q 1 ||
  psql "postgres://postgres:postgres@127.0.0.1:${PGPORT}/postgres" -qc "CREATE DATABASE securetag_test"

# The official OpenAI SDK, for the client compatibility tests.
if ! .venv/bin/python -c 'import openai' >/dev/null 2>&1; then
  python3 -m venv .venv
  .venv/bin/pip install -q 'openai>=1.40,<4'
fi

cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked --no-run
cargo run --locked --quiet -- migrate --database-url "$DATABASE_URL"
cargo test --locked
