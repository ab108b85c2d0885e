# Start a throw-away PostgreSQL server on loopback for the test suite (sourced by test.sh).
# PostgreSQL refuses to run as root, so the cluster belongs to the 'postgres' user.
start_postgres() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PG_DIR=$(mktemp -d /tmp/tinnhiem-pg.XXXXXX)
    # A free port unless PG_PORT is given: several test runs may share the machine.
    PG_PORT=${PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    local as=()
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$PG_DIR"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U tinnhiem -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" \
        -l "$PG_DIR/log" -w start >/dev/null
    PG_URL="postgres://tinnhiem@127.0.0.1:$PG_PORT/postgres"
    export PG_URL
}
stop_postgres() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    else
        "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
}
