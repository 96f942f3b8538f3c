#!/bin/sh
# Prepare a Debian machine for the web UI tests: Chromium (browser tests) and
# a running PostgreSQL with a test database. Prints the line to export:
#   MATCHER_TEST_POSTGRES_URL=postgresql+psycopg://matcher:matcher@127.0.0.1:5432/matcher_test
# Run as root (or with sudo). Safe to run again: every step checks first.
set -eu

DB_NAME="${MATCHER_TEST_DB:-matcher_test}"
DB_USER="${MATCHER_TEST_DB_USER:-matcher}"
DB_PASS="${MATCHER_TEST_DB_PASSWORD:-matcher}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v pg_ctlcluster >/dev/null 2>&1 || need="$need postgresql"
if [ -n "$need" ]; then
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $need
fi

# Start the first PostgreSQL cluster found (Debian: pg_ctlcluster VERSION main start).
cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    $SUDO pg_createcluster "$version" main
    cluster="$version main"
fi
# shellcheck disable=SC2086
$SUDO pg_ctlcluster $cluster start 2>/dev/null || true
i=0
until as_postgres psql -qtAc "SELECT 1" >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -gt 30 ] && { echo "PostgreSQL did not start" >&2; exit 1; }
    sleep 1
done

as_postgres psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1 \
    || as_postgres psql -qc "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS'"
as_postgres psql -qtAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1 \
    || as_postgres psql -qc "CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"

echo "MATCHER_TEST_POSTGRES_URL=postgresql+psycopg://$DB_USER:$DB_PASS@127.0.0.1:5432/$DB_NAME"
