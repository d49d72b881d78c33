# Sourced by scripts/external-bench.sh and scripts/external-ab.sh: what both need.

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

wait_http() { # URL SECONDS: until something answers on it (any status)
  local i
  for i in $(seq $(( $2 * 10 ))); do
    curl -s -o /dev/null -m 1 "$1" && return 0
    sleep 0.1
  done
  return 1
}

# /proc readings: a target is a process and its descendants
CLK_TCK="$(getconf CLK_TCK)"
tree_pids() { # PID -> PID and all its descendants
  local p c
  for p in "$@"; do
    [ -d "/proc/$p" ] || continue
    echo "$p"
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done
  done
}
cpu_ticks() { # PID -> utime+stime of the process tree, in clock ticks
  local total=0 p stat rest
  for p in $(tree_pids "$1"); do
    stat="$(cat "/proc/$p/stat" 2>/dev/null)" || continue
    rest="${stat##*) }"
    # shellcheck disable=SC2086
    set -- $rest
    total=$(( total + ${12} + ${13} ))   # fields 14 and 15 of /proc/PID/stat
  done
  echo "$total"
}

# The Aegis config both measure.
# governed_config WRITER SERVER_MAP WHOLE_PORT SSE_PORT -> prints a governed setup whose limits never
# bind (rate limits and token budgets far above any load), receipts on, the whole-answer provider as
# the default and the SSE provider for the streamed model.
governed_config() {
  local high=2147483647
  cat <<EOF_CONFIG
# written by $1: a governed setup whose limits never bind
server: $2
providers:
  openai: { type: openai, base_url: "http://127.0.0.1:$3/v1", api_key_env: OPENAI_API_KEY }
  sse: { type: openai, base_url: "http://127.0.0.1:$4/v1", api_key_env: OPENAI_API_KEY }
default_provider: openai
routes:
  "extbench-stream*": sse
governance:
  enabled: true
  policy: { hardStop: true, tokens: { perRun: $high, perMinute: $high, perDay: $high } }
  rate_limits:
    - { window: 1m, requests: $high, scope: all }
    - { window: 1m, tokens: $high, scope: model }
audit: { receipts: true }
EOF_CONFIG
}
