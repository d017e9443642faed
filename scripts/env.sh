# Shared set-up for scripts/run, scripts/test, scripts/faults and scripts/bench: source it, then
# call `warren_stack_up`. It installs what is missing, starts a private RabbitMQ and PostgreSQL
# on loopback with data under .local/ (unless WARREN_AMQP_URL / WARREN_DATABASE_URL are set),
# and exports the URLs. `warren_stack_down` stops only what this shell started.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL="$ROOT/.local"
mkdir -p "$LOCAL"
# A name unique to this checkout, so two clones never share a node or a data directory.
STACK_ID=$(printf '%s' "$ROOT" | md5sum | cut -c1-8)
STARTED_RABBIT=""
STARTED_POSTGRES=""
STARTED_SMTP=""

log() { printf '[warren] %s\n' "$*" >&2; }
die() { printf '[warren] error: %s\n' "$*" >&2; exit 1; }

warren_install_packages() {
    local missing=()
    local pkg
    for pkg in rabbitmq-server librabbitmq-dev libpq-dev postgresql amqp-tools pkg-config wrk iproute2 \
        openssl python3-aiosmtpd python3-venv prometheus; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}); run as root or install them"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Package scripts must not start system-wide services: we start our own, on our own ports.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
    fi
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$LOCAL/apt.log" 2>&1 \
        || { tail -20 "$LOCAL/apt.log" >&2; die "apt-get install failed (see .local/apt.log)"; }
}

# schemathesis (PyPI), which the tests run against a live API: the one on PATH, or one installed
# into a virtual environment under .local/ (Debian's Python refuses pip installs of its own).
warren_install_schemathesis() {
    if ! command -v schemathesis >/dev/null 2>&1; then
        if [ ! -x "$LOCAL/venv/bin/schemathesis" ]; then
            log "installing schemathesis into .local/venv"
            python3 -m venv "$LOCAL/venv" || die "python3 -m venv failed"
            "$LOCAL/venv/bin/pip" install -q schemathesis >"$LOCAL/pip.log" 2>&1 \
                || { tail -20 "$LOCAL/pip.log" >&2; die "pip install schemathesis failed (see .local/pip.log)"; }
        fi
        export PATH="$LOCAL/venv/bin:$PATH"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The first port at or above $1 that nothing listens on.
free_port() {
    local port=$1
    while port_in_use "$port"; do port=$((port + 1)); done
    echo "$port"
}

as_user() { local user=$1; shift; runuser -u "$user" -- "$@"; }

rabbit_env() {
    local dir="$LOCAL/rabbitmq"
    export RABBITMQ_NODENAME="warren-$STACK_ID@localhost"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_MNESIA_BASE="$dir/mnesia"
    export RABBITMQ_LOG_BASE="$dir/log"
    export RABBITMQ_PID_FILE="$dir/rabbit.pid"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    export RABBITMQ_CONFIG_FILE="$dir/rabbitmq"
    export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
}

rabbitmqctl_local() { rabbitmqctl -n "$RABBITMQ_NODENAME" "$@"; }

start_rabbitmq() {
    rabbit_env
    local dir="$LOCAL/rabbitmq"
    mkdir -p "$dir/mnesia" "$dir/log"
    # The management plugin's HTTP API tells GET /v1/queues what AMQP cannot: unacknowledged
    # messages, and the age of the oldest waiting one.
    echo '[rabbitmq_management].' > "$dir/enabled_plugins"
    chown -R rabbitmq:rabbitmq "$dir"
    if [ -f "$dir/ports" ]; then
        read -r AMQP_PORT RABBITMQ_DIST_PORT MANAGEMENT_PORT < "$dir/ports"
        rabbit_ports
        if rabbitmqctl_local -q status >/dev/null 2>&1; then
            log "RabbitMQ already running on 127.0.0.1:$AMQP_PORT (node $RABBITMQ_NODENAME)"
            return 0
        fi
    fi
    # Ports well away from RabbitMQ's defaults (5672, 25672, and 35672-35682 for CLI tools), so a
    # system RabbitMQ and its rabbitmqctl never collide with ours.
    AMQP_PORT=$(free_port "${WARREN_LOCAL_AMQP_PORT:-45672}")
    RABBITMQ_DIST_PORT=$(free_port $((AMQP_PORT + 100)))
    MANAGEMENT_PORT=$(free_port $((AMQP_PORT + 200)))
    rabbit_ports
    echo "$AMQP_PORT $RABBITMQ_DIST_PORT $MANAGEMENT_PORT" > "$dir/ports"
    # Tasks may run for a long time; keep RabbitMQ's consumer timeout at its 30-minute default.
    # New classic queues use version 2 storage (opt-in in RabbitMQ 3.10): under load it confirms
    # persistent publishes about a quarter sooner (docs/performance.md).
    cat > "$dir/rabbitmq.conf" <<CONF
loopback_users = none
classic_queue.default_version = 2
management.tcp.ip = 127.0.0.1
management.tcp.port = $MANAGEMENT_PORT
CONF
    # RabbitMQ budgets file handles from its open-file limit, and each version 2 classic queue
    # reserves some for good: at the 1,024 that `su rabbitmq` leaves it, a few hundred queues use
    # them up and the node accepts no more connections. Its scripts source this file as the
    # rabbitmq user: raise the limit to the hard one, at most 65,536.
    cat > "$dir/rabbitmq-env.conf" <<'CONF'
files=$(ulimit -H -n)
if [ "$files" = unlimited ] || [ "$files" -gt 65536 ]; then files=65536; fi
ulimit -S -n "$files" || true
CONF
    chown rabbitmq:rabbitmq "$dir/rabbitmq.conf" "$dir/rabbitmq-env.conf"
    log "starting RabbitMQ on 127.0.0.1:$AMQP_PORT (node $RABBITMQ_NODENAME)"
    rabbitmq-server -detached >/dev/null 2>&1 || die "rabbitmq-server failed to start (see $dir/log)"
    STARTED_RABBIT=1
    # await_startup fails at once until the Erlang node has registered, so retry it.
    local tries=0
    until rabbitmqctl_local -q await_startup >/dev/null 2>&1; do
        tries=$((tries + 1))
        [ $tries -lt 60 ] || die "RabbitMQ did not come up within 60 s (see $dir/log)"
        sleep 1
    done
}

# The node's ports, and the range rabbitmqctl's own Erlang node may use, all derived from ours.
rabbit_ports() {
    export RABBITMQ_NODE_PORT=$AMQP_PORT
    export RABBITMQ_DIST_PORT
    export RABBITMQ_CTL_DIST_PORT_MIN=$((RABBITMQ_DIST_PORT + 10000))
    export RABBITMQ_CTL_DIST_PORT_MAX=$((RABBITMQ_DIST_PORT + 10010))
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

start_postgres() {
    local dir="$LOCAL/postgres" bin
    bin=$(pg_bin)
    [ -n "$bin" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        log "initialising PostgreSQL in $dir/data"
        as_user postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
            || die "initdb failed (see $dir/initdb.log)"
    fi
    if [ -f "$dir/port" ] && as_user postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        PG_PORT=$(cat "$dir/port")
        log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
        return 0
    fi
    PG_PORT=$(free_port "${WARREN_LOCAL_PG_PORT:-45432}")
    echo "$PG_PORT" > "$dir/port"
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    # scripts/test runs every suite at once, each with real clients, workers and APIs: their
    # connections peaked at 176–197 in runs of 245 tests, and one fresh clone's run met 200.
    as_user postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400" start >/dev/null \
        || die "PostgreSQL did not start (see $dir/postgres.log)"
    STARTED_POSTGRES=1
    as_user postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'warren'" | grep -q 1 \
        || as_user postgres createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres warren
}

# `warren_stack_up` uses the `warren` database and RabbitMQ's `/` virtual host, which scripts/run
# and the README's tour use. `warren_stack_up NAME` (the tests, the fault scenarios, the
# benchmark) uses a database and a virtual host of that name instead, emptied first: a run starts
# from nothing, whatever earlier runs left, and leaves no tasks, dead letters or queues where the
# tour looks.
warren_stack_up() {
    local scratch=${1:-}
    [ -n "$scratch" ] && forget_local_urls
    warren_install_packages
    if [ -z "${WARREN_AMQP_URL:-}" ]; then
        start_rabbitmq
        local vhost=%2f
        if [ -n "$scratch" ]; then
            empty_vhost "$scratch"
            vhost=$scratch
        fi
        export WARREN_AMQP_URL=$(local_amqp_url "$AMQP_PORT" "$vhost")
        export WARREN_RABBITMQ_API_URL="http://guest:guest@127.0.0.1:$MANAGEMENT_PORT"
    fi
    if [ -z "${WARREN_DATABASE_URL:-}" ]; then
        start_postgres
        local database=warren
        if [ -n "$scratch" ]; then
            empty_database "$scratch"
            database=$scratch
        fi
        export WARREN_DATABASE_URL=$(local_database_url "$PG_PORT" "$database")
    fi
}

local_amqp_url() { echo "amqp://guest:guest@127.0.0.1:$1/$2"; }
local_database_url() { echo "postgresql://postgres@127.0.0.1:$1/$2"; }

# URLs that name this checkout's own servers (a shell that sourced .local/env) are dropped, so that
# the tests, fault scenarios and benchmark still get their own database and virtual host there.
forget_local_urls() {
    local amqp_port pg_port
    if [ -f "$LOCAL/rabbitmq/ports" ]; then
        read -r amqp_port _ < "$LOCAL/rabbitmq/ports"
        [ "${WARREN_AMQP_URL:-}" = "$(local_amqp_url "$amqp_port" %2f)" ] && unset WARREN_AMQP_URL
    fi
    if [ -f "$LOCAL/postgres/port" ]; then
        pg_port=$(cat "$LOCAL/postgres/port")
        [ "${WARREN_DATABASE_URL:-}" = "$(local_database_url "$pg_port" warren)" ] && unset WARREN_DATABASE_URL
    fi
    return 0
}

empty_vhost() {
    rabbitmqctl_local -q delete_vhost "$1" >/dev/null 2>&1 || true
    rabbitmqctl_local -q add_vhost "$1" >/dev/null || die "could not create RabbitMQ virtual host $1"
    rabbitmqctl_local -q set_permissions -p "$1" guest '.*' '.*' '.*' >/dev/null \
        || die "could not open RabbitMQ virtual host $1 to guest"
}

empty_database() {
    PGOPTIONS='-c client_min_messages=warning' \
        as_user postgres dropdb -h 127.0.0.1 -p "$PG_PORT" -U postgres --if-exists --force "$1"
    as_user postgres createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres "$1"
}

# The URLs for another shell: `source .local/env` to use the CLI against this stack.
warren_write_env() {
    {
        echo "export WARREN_AMQP_URL='$WARREN_AMQP_URL'"
        echo "export WARREN_DATABASE_URL='$WARREN_DATABASE_URL'"
        [ -n "${WARREN_RABBITMQ_API_URL:-}" ] && echo "export WARREN_RABBITMQ_API_URL='$WARREN_RABBITMQ_API_URL'"
        [ -n "${WARREN_HTTP_PORT:-}" ] && echo "export WARREN_HTTP_PORT='$WARREN_HTTP_PORT'"
        echo "export PATH=\"$ROOT/.build/debug:\$PATH\""
    } > "$LOCAL/env"
}

# The tests' SMTP server (scripts/smtp-server) on loopback ports of its own, with a certificate of
# its own, its messages under .local/smtp/messages; exports WARREN_TEST_SMTP, its directory.
start_test_smtp() {
    local dir="$LOCAL/smtp"
    rm -rf "$dir/messages" "$dir/ports.json"
    mkdir -p "$dir"
    if [ ! -f "$dir/cert.pem" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=localhost \
            -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
            -keyout "$dir/key.pem" -out "$dir/cert.pem" >"$dir/openssl.log" 2>&1 \
            || die "could not make the SMTP server's certificate (see $dir/openssl.log)"
    fi
    log "starting the test SMTP server"
    /usr/bin/python3 "$ROOT/scripts/smtp-server" "$dir" >"$dir/server.log" 2>&1 &
    STARTED_SMTP=$!
    local tries=0
    until [ -f "$dir/ports.json" ]; do
        kill -0 "$STARTED_SMTP" 2>/dev/null || die "the test SMTP server stopped (see $dir/server.log)"
        tries=$((tries + 1))
        [ $tries -lt 100 ] || die "the test SMTP server did not listen within 10 s (see $dir/server.log)"
        sleep 0.1
    done
    export WARREN_TEST_SMTP="$dir"
}

warren_stack_down() {
    if [ -n "$STARTED_SMTP" ]; then
        kill "$STARTED_SMTP" 2>/dev/null || true
    fi
    if [ -n "$STARTED_RABBIT" ]; then
        log "stopping RabbitMQ"
        rabbitmqctl_local -q stop >/dev/null 2>&1 || true
    fi
    if [ -n "$STARTED_POSTGRES" ]; then
        log "stopping PostgreSQL"
        as_user postgres "$(pg_bin)/pg_ctl" -D "$LOCAL/postgres/data" -m fast stop >/dev/null 2>&1 || true
    fi
}
