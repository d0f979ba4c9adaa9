#!/usr/bin/env bash
# compare.sh: callgate's server and the diago baseline (test/baseline/diagoivr)
# side by side on this machine, at the same time, each under its own
# `callgate load` with the same arguments, so that whatever else the host is
# doing weighs on both alike. Prints, per run and as medians, server CPU per
# call-second, RSS per call and goroutines per call, and the ratio.
#
#   test/baseline/compare.sh [CALLS [DURATION [RUNS]]]     (defaults: 200 30s 3)
#
# Loopback only. Needs go, curl and jq. Ports: SIP 25060/27060, HTTP 28080,
# metrics 27061, RTP 30000-33999 (callgate), 10000-20000 (diago),
# 40000-59999 (generators).
set -euo pipefail
CALLS=${1:-200} DUR=${2:-30s} RUNS=${3:-3}
cd "$(dirname "$0")/../.."
w=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$w"; }
trap cleanup EXIT
go build -o "$w/callgate" ./cmd/callgate
(cd test/baseline/diagoivr && go build -o "$w/diagoivr" .)
sed -e 's/^  invite_rate: .*/  invite_rate: -1/' -e 's/^  max_calls: .*/  max_calls: 10000/' \
    -e 's/^  rtp_timeout: .*/  rtp_timeout: 10m/' -e "s|^  ledger: .*|  ledger: $w/ledger.jsonl|" \
    cmd/callgate/demo/callgate.yaml >"$w/callgate.yaml"

for run in $(seq "$RUNS"); do
  rm -f "$w/ledger.jsonl"
  "$w/callgate" serve --config "$w/callgate.yaml" --sip-addr 127.0.0.1:25060 --http-addr 127.0.0.1:28080 \
    --rtp-ports 30000-33999 --log-level warn >"$w/callgate.log" 2>&1 & cg=$!
  "$w/diagoivr" -sip-addr 127.0.0.1:27060 -rtp-ip 127.0.0.1 -metrics-addr 127.0.0.1:27061 \
    -log-level warn >"$w/diago.log" 2>&1 & dg=$!
  pids=("$cg" "$dg")
  for _ in $(seq 100); do
    curl -sf http://127.0.0.1:28080/readyz >/dev/null 2>&1 && curl -sf http://127.0.0.1:27061/metrics >/dev/null 2>&1 && break
    sleep 0.1
  done
  # Warm-up: the first GC frees startup garbage (callgate hashes the demo
  # members at start), so "RSS before" is the idle server.
  "$w/callgate" load --target sip:ivr@127.0.0.1:25060 --calls 200 --concurrency 200 --rate 200 --duration 3s -q \
    --rtp-ports 40000-49999 >/dev/null 2>&1 & a=$!
  "$w/callgate" load --target sip:ivr@127.0.0.1:27060 --calls 200 --concurrency 200 --rate 200 --duration 3s -q \
    --rtp-ports 50000-59999 --local-ip 127.0.0.2 >/dev/null 2>&1
  wait $a
  sleep 2
  "$w/callgate" load --target sip:ivr@127.0.0.1:25060 --calls "$CALLS" --concurrency "$CALLS" --rate 100 --duration "$DUR" \
    --rtp-ports 40000-49999 --pid "$cg" --metrics-url http://127.0.0.1:28080/metrics --settle 2s --json -q \
    >"$w/callgate-$run.json" 2>/dev/null & a=$!
  "$w/callgate" load --target sip:ivr@127.0.0.1:27060 --calls "$CALLS" --concurrency "$CALLS" --rate 100 --duration "$DUR" \
    --rtp-ports 50000-59999 --local-ip 127.0.0.2 --pid "$dg" --metrics-url http://127.0.0.1:27061/metrics --settle 2s --json -q \
    >"$w/diago-$run.json" 2>/dev/null
  wait $a
  kill "$cg" "$dg"; wait "$cg" "$dg" 2>/dev/null || true; pids=()
  sleep 1
done

echo "$CALLS concurrent calls per server for $DUR, $RUNS runs, both servers at once; $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
printf '%-4s %-9s %7s %16s %13s %15s %12s %12s\n' run server failed "CPU µs/call-s" "RSS KiB/call" "goroutines/call" "server CPU %" "host other %"
for run in $(seq "$RUNS"); do
  for s in callgate diago; do
    jq -r --arg r "$run" --arg s "$s" '[$r, $s, .failed, (.server.cpu_us_per_call_second|round), (.server.rss_per_call_kib*10|round/10),
      (.server.goroutines_per_call*100|round/100), (.server.cpu_percent|round), (.server.other_cpu_percent|round)] | @tsv' "$w/$s-$run.json"
  done
done | awk -F'\t' '{printf "%-4s %-9s %7s %16s %13s %15s %12s %12s\n", $1, $2, $3, $4, $5, $6, $7, $8}'
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for s in callgate diago; do
  cpu=$(for r in $(seq "$RUNS"); do jq '.server.cpu_us_per_call_second' "$w/$s-$r.json"; done | median)
  rss=$(for r in $(seq "$RUNS"); do jq '.server.rss_per_call_kib' "$w/$s-$r.json"; done | median)
  printf 'median %-9s CPU %6.0f µs per call-second, RSS %5.1f KiB per call\n' "$s" "$cpu" "$rss"
  eval "${s}_cpu=$cpu ${s}_rss=$rss"
done
awk -v a="$callgate_cpu" -v b="$diago_cpu" -v c="$callgate_rss" -v d="$diago_rss" \
  'BEGIN {printf "callgate / diago: CPU %.2f, RSS %.2f\n", a/b, c/d}'
