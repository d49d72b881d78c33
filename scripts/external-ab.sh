#!/usr/bin/env bash
# Paired A/B of two Aegis set-ups with the external harness's tools (issue 29): two daemons side by
# side, A and B, each with its own home, port and SSE provider, measured in the same minutes so that
# a busy host's slow and quiet moments fall on both alike. Use it to decide whether a change (a
# build, a setting) moves a figure smaller than the host's run-to-run spread; the targets are still
# judged on scripts/external-bench.sh.
#   streams:  one connection to each, streamed calls to A and B in turn (scripts/external-bench/ab-client.js):
#             first byte p50 / p90 per target, and with tcpdump the split into the way in and the way out
#   whole:    wrk at 1 connection, A B A B (p50 / p90 / p99), and at 64 connections, A B (calls/s,
#             p99); the daemon's CPU per call from /proc for both
# Usage: scripts/external-ab.sh --aegis PATH [--aegis-b PATH] [--a 'SERVER KEYS'] [--b 'SERVER KEYS']
#                               [--a-jvm 'OPTIONS'] [--b-jvm 'OPTIONS'] [--rounds N] [--seconds S] [--new-connections]
#   --aegis PATH    an installed aegis command (./install.sh) for A, and for B unless --aegis-b is given
#   --a / --b KEYS  extra keys for that daemon's server: map, e.g. --a 'platform_threads: 0'
#   --a-jvm / --b-jvm OPTIONS  that daemon's AEGIS_DAEMON_OPTS (JVM options after the daemon's own)
#   --rounds N      rounds (default 3); --seconds S: seconds of paired streams per round (default 30)
#   --new-connections  the paired streams open a new connection for every call (else one kept-alive each)
# Needs: wrk, nginx, node (>= 18), curl; tcpdump (and the right to capture on lo) for the split.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HERE="$(pwd)/scripts/external-bench"

A_CMD="" B_CMD="" A_KEYS="" B_KEYS="" A_JVM="" B_JVM="" ROUNDS=3 SECONDS_AB=30 CONNECTIONS=keep
while [ $# -gt 0 ]; do
  case "$1" in
    --aegis) shift; A_CMD="${1:?--aegis needs a path}" ;;
    --aegis-b) shift; B_CMD="${1:?--aegis-b needs a path}" ;;
    --a) shift; A_KEYS="${1?--a needs server keys}" ;;
    --b) shift; B_KEYS="${1?--b needs server keys}" ;;
    --a-jvm) shift; A_JVM="${1?--a-jvm needs JVM options}" ;;
    --b-jvm) shift; B_JVM="${1?--b-jvm needs JVM options}" ;;
    --rounds) shift; ROUNDS="${1:?--rounds needs a number}" ;;
    --seconds) shift; SECONDS_AB="${1:?--seconds needs a number}" ;;
    --new-connections) CONNECTIONS=new ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "external-ab: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "external-ab: $*" >&2; }
die() { say "$*"; exit 1; }
[ -n "$A_CMD" ] || die "--aegis PATH is required (an installed aegis command)"
B_CMD="${B_CMD:-$A_CMD}"
for n in "$ROUNDS" "$SECONDS_AB"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive whole number"; done
for t in wrk node curl; do command -v "$t" >/dev/null || die "$t is missing (Debian: apt-get install wrk nodejs curl nginx-light)"; done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"; [ -x "$NGINX" ] || die "nginx is missing (Debian: apt-get install nginx-light)"

TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=external-bench/common.sh
. "$HERE/common.sh" # free_port, wait_http, cpu_ticks, CLK_TCK, governed_config
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< " $1"; }

# The providers: nginx with a fixed chat completion, and one Node SSE provider per daemon.
P_WHOLE="$(free_port)"
mkdir -p "$TMP/nginx/temp"
cat > "$TMP/nginx/nginx.conf" <<EOF
daemon off; master_process on; worker_processes 1; pid $TMP/nginx/nginx.pid; error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $TMP/nginx/temp/b; proxy_temp_path $TMP/nginx/temp/p;
  fastcgi_temp_path $TMP/nginx/temp/f; uwsgi_temp_path $TMP/nginx/temp/u; scgi_temp_path $TMP/nginx/temp/s;
  keepalive_requests 10000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$P_WHOLE; default_type application/json;
    location / { return 200 '{"id":"chatcmpl-ab","object":"chat.completion","created":1763900000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the A/B provider."},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":9,"total_tokens":30}}'; } } }
EOF
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" > "$TMP/nginx/out.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$P_WHOLE/" 10 || die "the nginx provider did not start: $(cat "$TMP/nginx/error.log")"

start_daemon() { # NAME CMD SERVER_KEYS JVM_OPTIONS -> PORT_x, PID_x, KEY_x, SSE_x
  local name="$1" cmd="$2" keys="$3" jvm="$4" home="$TMP/home-$1" port sse key
  port="$(free_port)" sse="$(free_port)"
  node "$HERE/sse-provider.js" "$sse" 20 5 > "$TMP/sse-$name.log" 2>&1 &
  PIDS+=($!)
  mkdir -p "$home"; chmod 700 "$home"
  governed_config scripts/external-ab.sh "{ host: 127.0.0.1, port: $port${keys:+, $keys} }" "$P_WHOLE" "$sse" > "$home/aegis.yaml"
  key="$(AEGIS_HOME="$home" OPENAI_API_KEY=sk-ab "$cmd" keygen --name ab --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).key))')"
  AEGIS_HOME="$home" OPENAI_API_KEY=sk-ab AEGIS_DAEMON_OPTS="$jvm" "$cmd" start --foreground > "$TMP/aegis-$name.log" 2>&1 &
  PIDS+=($!)
  printf -v "PID_$name" '%s' "$!"; printf -v "PORT_$name" '%s' "$port"; printf -v "KEY_$name" '%s' "$key"; printf -v "SSE_$name" '%s' "$sse"
  wait_http "http://127.0.0.1:$port/healthz" 60 || die "daemon $name did not start: $(tail -5 "$TMP/aegis-$name.log")"
}
start_daemon A "$A_CMD" "$A_KEYS" "$A_JVM"
start_daemon B "$B_CMD" "$B_KEYS" "$B_JVM"
say "A: $A_CMD${A_KEYS:+ (server: $A_KEYS)}${A_JVM:+ (JVM: $A_JVM)}; B: $B_CMD${B_KEYS:+ (server: $B_KEYS)}${B_JVM:+ (JVM: $B_JVM)}"

node -e 'console.log(JSON.stringify({model:"gpt-4o-mini",messages:[{role:"user",content:"Say hello to the A/B benchmark, please, and keep the answer short. Thank you very much for that. Say hello, please."}]}))' > "$TMP/whole.json"
node -e 'console.log(JSON.stringify({model:"extbench-stream-model",stream:true,messages:[{role:"user",content:"Say hello to the A/B benchmark, please, and keep the answer short. Thank you very much for that."}]}))' > "$TMP/stream.json"
url() { echo "http://127.0.0.1:$(eval echo "\$PORT_$1")/v1/chat/completions"; }
auth() { echo "Bearer $(eval echo "\$KEY_$1")"; }
wrk_run() { # TARGET CONNECTIONS SECONDS
  BENCH_BODY_FILE="$TMP/whole.json" BENCH_AUTHORIZATION="$(auth "$1")" \
    wrk -t1 -c"$2" -d"$3"s -s "$HERE/wrk-post.lua" "$(url "$1")" | grep '^WRK'
}

whole() { # TARGET CONNECTIONS SECONDS -> line (wrk's) and cpu (the daemon's, us per call)
  local pid before after
  pid="$(eval echo "\$PID_$1")"
  before="$(cpu_ticks "$pid")"; line="$(wrk_run "$@")"; after="$(cpu_ticks "$pid")"
  cpu="$(awk -v d=$(( after - before )) -v c="$(field "$line" calls)" -v hz="$CLK_TCK" 'BEGIN { printf "%d", (c > 0 ? d * 1e6 / hz / c : 0) }')"
}

say "warming both up (64 connections: whole answers 15 s, streams 10 s each)..."
for t in A B; do
  wrk_run "$t" 64 15 > /dev/null
  node "$HERE/sse-client.js" "$(url "$t")" "$TMP/stream.json" 64 10 "$(auth "$t")" > /dev/null
done
sleep 1.5 # past the daemons' "load seen lately"

CAPTURE=0
if command -v tcpdump >/dev/null; then
  rc=0; timeout 1 tcpdump -i lo -w /dev/null > /dev/null 2>&1 || rc=$?
  [ "$rc" = 124 ] && CAPTURE=1 # still capturing when stopped: it may capture on lo
fi
[ "$CAPTURE" = 1 ] || say "no tcpdump on lo: no split of the first byte"
for round in $(seq "$ROUNDS"); do
  if [ "$CAPTURE" = 1 ]; then
    tcpdump -i lo -n -B 8192 -w "$TMP/ab.pcap" "tcp port $PORT_A or tcp port $SSE_A or tcp port $PORT_B or tcp port $SSE_B" > "$TMP/tcpdump.log" 2>&1 &
    tp=$!; sleep 1
  fi
  out="$(node "$HERE/ab-client.js" "$SECONDS_AB" "$TMP/stream.json" "$(url A)" "$(auth A)" "$(url B)" "$(auth B)" "$CONNECTIONS")"
  split_a="" split_b=""
  if [ "$CAPTURE" = 1 ]; then
    sleep 0.2; kill -INT "$tp"; wait "$tp" 2>/dev/null || true
    split_a="$(tcpdump -tt -n -r "$TMP/ab.pcap" 2>/dev/null | node "$HERE/first-byte-split.js" "$PORT_A" "$SSE_A")"
    split_b="$(tcpdump -tt -n -r "$TMP/ab.pcap" 2>/dev/null | node "$HERE/first-byte-split.js" "$PORT_B" "$SSE_B")"
  fi
  for t in A B; do
    line="$(grep "target=$t" <<< "$out")"
    s="$( [ "$t" = A ] && echo "$split_a" || echo "$split_b")"
    echo "round $round $t streams, one at a time in turn ($( [ "$CONNECTIONS" = new ] && echo "a new connection each" || echo "1 connection kept alive")): first byte p50 / p90 $(field "$line" fb_p50_us) / $(field "$line" fb_p90_us) us ($(field "$line" calls) calls, $(field "$line" errors) errors)${s:+; in $(field "$s" in_p50_us) / $(field "$s" in_p90_us) us, provider $(field "$s" provider_p50_us), out $(field "$s" out_p50_us) / $(field "$s" out_p90_us) us}"
  done
  for t in A B A B; do
    whole "$t" 1 5
    echo "round $round $t whole, 1 connection: p50 / p90 / p99 $(field "$line" p50_us) / $(field "$line" p90_us) / $(field "$line" p99_us) us, CPU $cpu us per call"
  done
  for t in A B; do
    whole "$t" 64 8
    echo "round $round $t whole, 64 connections: $(awk -v c="$(field "$line" calls)" -v s="$(field "$line" seconds)" 'BEGIN { printf "%d", c / s }') calls/s, p99 $(field "$line" p99_us) us, CPU $cpu us per call"
  done
  sleep 1.5
done
