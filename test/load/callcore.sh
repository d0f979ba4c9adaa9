#!/usr/bin/env bash
# Measures the call core under SIPp load on loopback: N concurrent calls
# that each receive prompt/silence RTP for HOLD seconds. Reports the
# server's CPU over the steady window and the inter-packet interval of the
# RTP the server sends (captured with tshark on lo), per stream.
#
#   test/load/callcore.sh [CALLS] [HOLD_SECONDS]      (defaults 500 30)
#
# uac_basic sends no RTP, so the load config lifts the RTP inactivity and
# idle timers (the demo config would hang up after 30 s, correctly).
# Needs sipp (sip-tester), tshark and python3. Loopback only, bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
CALLS=${1:-500}
HOLD=${2:-30}
RATE=${RATE:-200}
SIP_PORT=${SIP_PORT:-25060}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

go build -o "$WORK/callgate" ./cmd/callgate
# The demo config limits INVITEs per source IP (50/s): one SIPp is one source.
sed -e 's/^  invite_rate: .*/  invite_rate: -1/' -e 's/^  max_calls: .*/  max_calls: 10000/' \
  -e 's/^  debug_digits: .*/  debug_digits: false/' -e 's/^  idle_timeout: .*/  idle_timeout: 10m/' \
  -e 's/^  level: .*/  level: info/' -e 's/^  rtp_timeout: .*/  rtp_timeout: 10m/' cmd/callgate/demo/callgate.yaml >"$WORK/callgate.yaml"
"$WORK/callgate" serve --config "$WORK/callgate.yaml" --sip-addr 127.0.0.1:$SIP_PORT --http-addr off --rtp-ports 30000-39999 \
  --log-level warn >"$WORK/serve.log" 2>&1 &
SERVER=$!
sleep 1

# Capture only what the server sends from its RTP range, from mid-ramp on.
RAMP=$(python3 -c "print(int($CALLS/$RATE)+2)")
CAPTURE=$(( HOLD - RAMP - 3 ))
[ "$CAPTURE" -ge 5 ] || { echo "HOLD too short for CALLS/RATE ramp"; exit 2; }

sipp 127.0.0.1:$SIP_PORT -sf sip/siptest/scenarios/uac_basic.xml -s ivr -i 127.0.0.1 -mi 127.0.0.1 \
  -ci 127.0.0.1 -cp 18899 -p 25070 -mp 26000 -m "$CALLS" -l "$CALLS" -r "$RATE" \
  -set hold_ms $(( HOLD * 1000 )) -buff_size 4194304 -timeout $(( HOLD + 60 )) -timeout_error \
  -nostdin -trace_stat -stf "$WORK/stats.csv" -trace_err -error_file "$WORK/err.log" >/dev/null 2>&1 &
SIPP=$!

sleep "$RAMP"
ticks() { awk '{print $14+$15}' /proc/$SERVER/stat; }
HZ=$(getconf CLK_TCK)
T0=$(ticks); S0=$(date +%s.%N)
timeout $(( CAPTURE + 5 )) tshark -q -i lo -a duration:$CAPTURE -f "udp src portrange 30000-39999 and udp dst port 26000" \
  -w "$WORK/rtp.pcap" 2>/dev/null || true
T1=$(ticks); S1=$(date +%s.%N)
RSS=$(awk '/VmRSS/{print $2}' /proc/$SERVER/status)
wait $SIPP || true
SIPP_RC=$?

python3 - "$WORK/rtp.pcap" "$T0" "$T1" "$S0" "$S1" "$HZ" "$CALLS" "$RSS" "$WORK/stats.csv" <<'PY'
import subprocess, sys, statistics, collections
pcap, t0, t1, s0, s1, hz, calls, rss, stats = sys.argv[1:]
cpu = (int(t1) - int(t0)) / int(hz) / (float(s1) - float(s0))
out = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-e", "frame.time_epoch", "-e", "udp.srcport"],
                     capture_output=True, text=True).stdout.split("\n")
streams = collections.defaultdict(list)
for line in out:
    if not line.strip():
        continue
    ts, port = line.split("\t")
    streams[port].append(float(ts))
gaps = []
for ts in streams.values():
    ts.sort()
    gaps += [(b - a) * 1000 for a, b in zip(ts, ts[1:])]
gaps.sort()
q = lambda p: gaps[min(len(gaps) - 1, int(p * len(gaps)))]
last = open(stats).read().strip().split("\n")
hdr, row = last[0].split(";"), last[-1].split(";")
col = lambda name: row[hdr.index(name)]
print(f"calls offered {calls}: successful {col('SuccessfulCall(C)')}, failed {col('FailedCall(C)')}")
print(f"server CPU over {float(s1)-float(s0):.1f} s steady window: {cpu*100:.1f}% of one core, RSS {int(rss)/1024:.1f} MiB")
print(f"RTP streams captured {len(streams)}, packets {sum(len(v) for v in streams.values())}")
print(f"inter-packet interval ms: median {statistics.median(gaps):.3f}  p99 {q(0.99):.3f}  p99.9 {q(0.999):.3f}  max {gaps[-1]:.3f}  (n={len(gaps)})")
PY
if [ -s "$WORK/err.log" ]; then echo "--- SIPp errors (first lines):"; head -c ${ERRBYTES:-1500} "$WORK/err.log"; echo; fi
grep -E 'level=(WARN|ERROR)' "$WORK/serve.log" | head -5 || true
