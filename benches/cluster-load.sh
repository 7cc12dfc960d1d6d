#!/bin/sh
# The same load against three deployments, one run each (issue 23's benchmark; the README's
# "One load, three deployments"): one `polyphony serve` on SQLite, one on PostgreSQL, and
# three on one PostgreSQL database. Each run: ROOMS rooms × PHONES/ROOMS phones (default 20 ×
# 100), each phone voting about once a second for LOAD_SECONDS (default 30) and waiting for its
# ack; the load tool (benches/src/bin/load) checks every room's votes.csv for lost votes and
# reads the instances' RSS and open files from /proc. Every server is a separate process on
# 127.0.0.1, so the three runs are alike but for the deployment.
#
# With three instances the phones go round-robin over their addresses (as behind a load
# balancer that knows nothing of rooms: two phones in three land on an instance that forwards
# them to the room's owner), and room r is created on instance r mod 3, which then owns it.
#
#   benches/cluster-load.sh                 # all three, sqlite then one-pg then three-pg
#   benches/cluster-load.sh three-pg        # one of them
#   benches/cluster-load.sh three-pg-one-owner  # three instances, every room created on the
#                                           # first: it does all the work, the others forward
#   ROOMS=5 PHONES=200 LOAD_SECONDS=10 benches/cluster-load.sh
#   LOGS=/tmp/logs benches/cluster-load.sh  # keep the instances' logs
#   SERVE_ARGS=--trust-proxy benches/cluster-load.sh three-pg-one-owner  # flags for every instance
#
# PostgreSQL: a throw-away cluster per configuration (`cargo xtask with-postgres`, which needs
# Debian's postgresql package: `cargo xtask test` installs it). Ports: PORT+1..PORT+3 (default
# 28381-28383, below Linux's ephemeral ports, where an outgoing connection could hold one;
# the script stops if one is taken).
# Linux only (each phone connects from its own 127.1.x.y, read from /proc).
set -eu
cd "$(dirname "$0")/.."
ROOMS=${ROOMS:-20}
PHONES=${PHONES:-2000}
LOAD_SECONDS=${LOAD_SECONDS:-30}
PORT=${PORT:-28380}
TARGET=${CARGO_TARGET_DIR:-target}
POLYPHONY=$TARGET/release/polyphony
LOAD=$TARGET/release/load
what=${1:-all}
# A folder to keep the instances' logs in (default: only their warnings are printed).
LOGS=${LOGS:-}
# More flags for every instance, e.g. SERVE_ARGS=--trust-proxy.
SERVE_ARGS=${SERVE_ARGS:-}

PIDS=""
WORK=$(mktemp -d)
cleanup() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    if [ -n "$LOGS" ]; then
        mkdir -p "$LOGS"
        for log in "$WORK"/serve-*.log; do
            [ -e "$log" ] && cp "$log" "$LOGS/$what-$(basename "$log")"
        done
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start PORT DB [ARGS…]: one instance in the background, its log in $WORK; waits until it
# answers /api/health. A port something else answers on is refused first, and the instance must
# still be alive once the port answers: otherwise the run would measure someone else's server.
start() {
    port=$1
    db=$2
    shift 2
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        echo "cluster-load: port $port is in use; choose other ports with PORT=…" >&2
        exit 1
    fi
    # shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
    "$POLYPHONY" serve --addr "127.0.0.1:$port" --db "$db" "$@" $SERVE_ARGS \
        >"$WORK/serve-$port.log" 2>&1 &
    pid=$!
    PIDS="$PIDS $pid"
    i=0
    until curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && kill -0 "$pid"; do
        i=$((i + 1))
        if [ "$i" -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "cluster-load: the instance on port $port did not start:" >&2
            cat "$WORK/serve-$port.log" >&2
            exit 1
        fi
        sleep 0.2
    done
}

# load LABEL URLS [ARGS…]: the load tool against the instances started so far.
load() {
    label=$1
    urls=$2
    shift 2
    pids=$(echo $PIDS | tr ' ' ',')
    echo "== $label: $ROOMS rooms, $PHONES phones, $LOAD_SECONDS s ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "$LOAD" --url "$urls" --rooms "$ROOMS" --phones "$PHONES" --seconds "$LOAD_SECONDS" \
        --server-pids "$pids" "$@"
    echo "(load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
    # What the instances logged (warnings and errors only, by default).
    for log in "$WORK"/serve-*.log; do
        grep -E "WARN|ERROR" "$log" | tail -5 | sed "s|^|$(basename "$log"): |" || true
    done
}

# Up to date in a second when built already (each configuration runs this script again).
cargo build --release -q -p polyphony -p polyphony-benches --bin polyphony --bin load

case $what in
all)
    "$0" sqlite
    cargo xtask with-postgres "$0" one-pg
    cargo xtask with-postgres "$0" three-pg
    ;;
sqlite)
    start $((PORT + 1)) "$WORK/load.db"
    load "one instance, SQLite" "http://127.0.0.1:$((PORT + 1))"
    ;;
one-pg | three-pg | three-pg-one-owner)
    if [ -z "${POLYPHONY_TEST_POSTGRES:-}" ]; then
        exec cargo xtask with-postgres "$0" "$what"
    fi
    db=$POLYPHONY_TEST_POSTGRES
    if [ "$what" = one-pg ]; then
        start $((PORT + 1)) "$db"
        load "one instance, PostgreSQL" "http://127.0.0.1:$((PORT + 1))"
    else
        urls=""
        for i in 1 2 3; do
            port=$((PORT + i))
            start "$port" "$db" --advertise "http://127.0.0.1:$port"
            urls="$urls${urls:+,}http://127.0.0.1:$port"
        done
        if [ "$what" = three-pg ]; then
            load "three instances, PostgreSQL" "$urls" --spread-rooms
        else
            load "three instances, PostgreSQL, every room on the first" "$urls"
        fi
    fi
    ;;
*)
    echo "usage: benches/cluster-load.sh [all|sqlite|one-pg|three-pg|three-pg-one-owner]" >&2
    exit 2
    ;;
esac
