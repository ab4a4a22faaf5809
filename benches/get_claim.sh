#!/bin/sh
# GetClaim throughput of claimdb against tonic alone (issue 16), measured in
# one run, alternating, with h2load (Debian's nghttp2-client):
#
#   benches/get_claim.sh [ROUNDS] [SECONDS]      # defaults 5 rounds of 10 s each
#
# Starts `claimdb serve` on a fresh database in a temporary directory, stores
# the README's example article and makes a reader token. h2load counts a gRPC
# error (sent as trailers of an HTTP 200) as a success, so before any timing a
# real tonic client (`examples/bare_claim_server.rs fetch`) makes the exact
# call h2load will repeat, fails unless it succeeds, and writes the Claim and
# the request body h2load sends; the same check runs against the bare server
# (`... serve`, answering every GetClaim with that Claim). Then each round
# runs h2load `-c 4 -m 8` against the bare server and against claimdb, and
# the script prints each run, the medians and their ratio. Run it on a quiet
# machine: the load average is printed before and after. CLAIMDB_BIN names
# another claimdb binary to measure (an earlier build, for a before/after).
set -eu
cd "$(dirname "$0")/.."
rounds="${1:-5}"
seconds="${2:-10}"
claim="${CLAIM:-claims/18}"
command -v h2load >/dev/null || {
    echo "h2load is missing: apt-get install nghttp2-client" >&2
    exit 1
}
cargo build --release --quiet --bin claimdb --example bare_claim_server
target="${CARGO_TARGET_DIR:-target}/release"
claimdb_bin="${CLAIMDB_BIN:-$target/claimdb}"
work=$(mktemp -d)
pids=""
cleanup() {
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# claimdb on a free port; its log names the address, its standard output the
# admin token.
RUST_LOG=info NO_COLOR=1 "$claimdb_bin" serve --db "$work/claimdb.sqlite" --addr 127.0.0.1:0 \
    >"$work/serve.out" 2>"$work/serve.log" &
pids="$pids $!"
for _ in $(seq 100); do
    grep -q "claimdb serving" "$work/serve.log" 2>/dev/null && break
    sleep 0.1
done
claimdb_addr=$(grep "claimdb serving" "$work/serve.log" | grep -o ' addr=[0-9.]*:[0-9]*' | cut -d= -f2 | head -n 1)
[ -n "$claimdb_addr" ] || { cat "$work/serve.log" >&2; exit 1; }
export CLAIMDB_TOKEN=$(grep -o 'cdb_[A-Za-z0-9_-]*' "$work/serve.out" | head -n 1)
"$claimdb_bin" articles create --addr "$claimdb_addr" \
    tests/data/extract/2022-01-01-biden-putin-call.txt >/dev/null
CLAIMDB_TOKEN=$("$claimdb_bin" token create --role reader --name h2load --db "$work/claimdb.sqlite" \
    | grep -o 'cdb_[A-Za-z0-9_-]*')
"$target/examples/bare_claim_server" fetch "$claimdb_addr" "$claim" "$work"

"$target/examples/bare_claim_server" serve 127.0.0.1:0 "$work/claim.bin" >"$work/bare.out" &
pids="$pids $!"
for _ in $(seq 100); do
    grep -q "listening on" "$work/bare.out" 2>/dev/null && break
    sleep 0.1
done
bare_addr=$(sed -n 's/^listening on //p' "$work/bare.out")
mkdir "$work/bare"
"$target/examples/bare_claim_server" fetch "$bare_addr" "$claim" "$work/bare"
cmp "$work/claim.bin" "$work/bare/claim.bin"
echo "both servers answer the same request with the same $(wc -c <"$work/claim.bin")-byte Claim"

run() {
    h2load -c 4 -m 8 -D "$seconds" --warm-up-time 1 -d "$work/request.bin" \
        -H 'content-type: application/grpc' -H 'te: trailers' \
        -H "authorization: Bearer $CLAIMDB_TOKEN" \
        "http://$1/claimdb.v1.ClaimService/GetClaim" |
        awk '/^finished in/ { gsub(",", "", $4); print $4 }
             /^requests:/ && $10 + $12 > 0 { print "FAILED " $0 > "/dev/stderr"; failed = 1 }
             END { exit failed }'
}
median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$work/bare.rps"
: >"$work/claimdb.rps"
for round in $(seq "$rounds"); do
    bare=$(run "$bare_addr")
    claimdb=$(run "$claimdb_addr")
    echo "round $round: bare $bare req/s, claimdb $claimdb req/s"
    echo "$bare" >>"$work/bare.rps"
    echo "$claimdb" >>"$work/claimdb.rps"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
bare=$(median <"$work/bare.rps")
claimdb=$(median <"$work/claimdb.rps")
# The calls h2load made were answered as the checked one was: the claim is
# still served to a real client after the runs.
"$target/examples/bare_claim_server" fetch "$claimdb_addr" "$claim" "$work/bare" >/dev/null
awk -v bare="$bare" -v claimdb="$claimdb" 'BEGIN {
    printf "median: bare %.0f req/s, claimdb %.0f req/s, ratio %.2f\n", bare, claimdb, claimdb / bare
}'
