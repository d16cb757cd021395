#!/usr/bin/env bash
# A throwaway PostgreSQL 15 on 127.0.0.1 for the tests that need one (no Docker).
#   dev/postgres.sh start   -> prints the connection string to export
#   dev/postgres.sh stop
# Installs Debian's postgresql package when its binaries are missing (needs root, as in CI).
set -euo pipefail
PORT="${PGPORT_TEST:-54329}"
DIR="${PGDIR_TEST:-/tmp/azure-devops-repositories-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"

start() {
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  if [ -f "$DIR/data/postmaster.pid" ]; then stop || true; fi
  rm -rf "$DIR" && mkdir -p "$DIR"/{data,sock,log}
  # PostgreSQL refuses to run as root.
  local as=()
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$DIR"; as=(runuser -u postgres --); fi
  "${as[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  "${as[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log/pg.log" -w \
    -o "-p $PORT -k $DIR/sock -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
  echo "postgresql://postgres:postgres@127.0.0.1:$PORT"
}

stop() {
  local as=()
  if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
  "${as[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
