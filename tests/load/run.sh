#!/usr/bin/env bash
# Runs a load test against a release build of renda on SQLite, and on
# PostgreSQL when RENDA_LOAD_PG_URL names a database it may recreate
# (default: the local server's renda_load, when it answers).
#
#   tests/load/run.sh [ballots] --deputies 500 --duplicates 100 --rounds 3
#   tests/load/run.sh integration --rows 100000 --events 200
#
# `ballots` (the default) is tests/load/ballots.py; `integration` is
# tests/load/integration.py (webhook latency, import and export
# throughput, the server's memory). Other arguments go to the script.
set -uo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet || exit 1
script=ballots
case "${1:-}" in
    ballots|integration) script=$1; shift ;;
esac
bin=target/release/renda
password='Load-System-Pass-2026'
port=${RENDA_LOAD_PORT:-18090}
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null' EXIT INT TERM

run() {
    local label=$1 url=$2 dir
    shift 2
    dir=$(mktemp -d)
    if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
        echo "port $port is taken by another server" >&2
        return 1
    fi
    RENDA_DATABASE_URL=$url RENDA_DATA_DIR=$dir RENDA_BIND=127.0.0.1:$port \
        RENDA_ADMIN_PASSWORD=$password RENDA_LOG=warn RENDA_LOGIN_LIMIT=0 RENDA_CALLER_LIMIT=0 \
        RENDA_WEBHOOK_ALLOW_NETWORKS=127.0.0.1/32 "$bin" serve >"$dir/server.log" 2>&1 &
    pid=$!
    local ready=
    for _ in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || break
        if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
            ready=1
            break
        fi
        sleep 0.2
    done
    if [ -z "$ready" ]; then
        echo "$label: the server did not start; its log is $dir/server.log" >&2
        return 1
    fi
    echo "== $label"
    local rc=0
    local extra=()
    [ "$script" = integration ] && extra=(--server-pid "$pid")
    python3 "tests/load/$script.py" --base "http://127.0.0.1:$port" --admin-password "$password" \
        "${extra[@]}" "$@" || rc=$?
    kill "$pid"
    wait "$pid" 2>/dev/null
    pid=
    if [ $rc -eq 0 ]; then rm -rf "$dir"; else echo "server log: $dir/server.log" >&2; fi
    return $rc
}

status=0
tmp=$(mktemp -d)
run SQLite "sqlite://$tmp/load.db" "$@" || status=1
rm -rf "$tmp"
pg=${RENDA_LOAD_PG_URL:-}
if [ -z "$pg" ] && pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS renda_load" -c "CREATE DATABASE renda_load" >/dev/null &&
        pg=postgres://postgres@127.0.0.1:5432/renda_load
fi
if [ -n "$pg" ]; then
    run PostgreSQL "$pg" "$@" || status=1
fi
exit $status
