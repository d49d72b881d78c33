# Sourced by scripts/external-bench.sh and scripts/external-ab.sh: the Aegis config both measure.
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
