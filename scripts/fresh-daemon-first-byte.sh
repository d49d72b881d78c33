#!/usr/bin/env bash
# A fresh daemon's stream first byte as its calls accumulate (issue 29): the external harness measures
# after a 40 s warm-up, a developer's daemon serves hundreds of calls an hour. Starts the harness's
# SSE provider (scripts/external-bench/sse-provider.js: 20 events 5 ms apart) and a daemon in a new
# home (`aegis start --foreground`, the harness's governed config), then runs the harness's Node
# client at one connection for COLUMNS spans of SECONDS each and prints the first byte's p50 / p90
# per span, then the provider directly for comparison, and the daemon's CPU.
# Usage: scripts/fresh-daemon-first-byte.sh AEGIS_COMMAND [SECONDS=8] [COLUMNS=8]
#   extra JVM options for the daemon: AEGIS_DAEMON_OPTS, as for any start
# Needs: node (>= 18), curl. Everything on loopback ports chosen at random, in a temporary folder.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/external-bench"
# shellcheck source=external-bench/common.sh
. "$HERE/common.sh"
AEGIS_CMD="${1:?usage: $0 AEGIS_COMMAND [SECONDS] [COLUMNS]}"
SECS="${2:-8}"
COLUMNS_N="${3:-8}"
TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

P_SSE="$(free_port)"
node "$HERE/sse-provider.js" "$P_SSE" 20 5 > "$TMP/sse-provider.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$P_SSE/" 10 || { cat "$TMP/sse-provider.log" >&2; exit 1; }

export AEGIS_HOME="$TMP/aegis-home" OPENAI_API_KEY="sk-fresh-daemon" AEGIS_PORT=0
mkdir -m 700 "$AEGIS_HOME"
governed_config scripts/fresh-daemon-first-byte.sh "{ host: 127.0.0.1, port: 0 }" "$P_SSE" "$P_SSE" > "$AEGIS_HOME/aegis.yaml"
KEY="$("$AEGIS_CMD" keygen --name fresh --json | node -e '
  let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).key))')"
"$AEGIS_CMD" start --foreground > "$TMP/aegis.out" 2>&1 &
AEGIS_PID=$!
PIDS+=("$AEGIS_PID")
PORT=""
for _ in $(seq 300); do
  if [ -f "$AEGIS_HOME/daemon.json" ]; then
    PORT="$(sed -n 's/.*"port" *: *\([0-9]*\).*/\1/p' "$AEGIS_HOME/daemon.json")"
    curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT/healthz" && break
  fi
  PORT=""
  sleep 0.1
done
[ -n "$PORT" ] || { cat "$TMP/aegis.out" >&2; echo "the daemon did not start" >&2; exit 1; }

printf '{"model":"extbench-stream-1","stream":true,"messages":[{"role":"user","content":"%s"}]}' \
  "$(head -c 120 /dev/zero | tr '\0' x)" > "$TMP/stream.json"
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<< " $2"; }
span() { # URL [AUTHORIZATION] -> "p50 / p90 (calls)" in µs
  local out
  out="$(node "$HERE/sse-client.js" "$1" "$TMP/stream.json" 1 "$SECS" ${2:+"$2"})"
  echo "$(field fb_p50_us "$out") / $(field fb_p90_us "$out") ($(field calls "$out"))"
}
echo "first byte p50 / p90 µs (calls), ${SECS} s per span, from the daemon's start:"
for i in $(seq "$COLUMNS_N"); do
  echo "  span $i: $(span "http://127.0.0.1:$PORT/v1/chat/completions" "Bearer $KEY")"
done
echo "  direct: $(span "http://127.0.0.1:$P_SSE/v1/chat/completions")"
echo "daemon CPU since its start: $(( $(cpu_ticks "$AEGIS_PID") * 1000 / CLK_TCK )) ms"
