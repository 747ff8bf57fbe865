#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: `start DIR PORT` prints the database URL, `stop DIR`.
# Installs Debian's PostgreSQL when it is missing; runs the server as the `postgres` user when root.
set -euo pipefail
command=${1:?start|stop}
directory=${2:?data directory}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ]; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
start)
    port=${3:?port}
    mkdir -p "$directory"
    [ "$(id -u)" = 0 ] && chown postgres "$directory"
    as_owner "$bin/initdb" -D "$directory/data" -U switchboard --auth=trust -E UTF8 >/dev/null
    # Tests wait on fsync like production does; more connections for several nodes and the test suite.
    as_owner "$bin/pg_ctl" -D "$directory/data" -l "$directory/log" -w \
        -o "-p $port -k $directory -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
    echo "postgres://switchboard@127.0.0.1:$port/postgres"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$directory/data" -m fast stop >/dev/null || true
    rm -rf "$directory"
    ;;
esac
