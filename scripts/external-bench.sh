#!/usr/bin/env bash
# The external harness (issue 29): measures Aegis with tools that share no code with it.
#   load:      wrk (Debian package; 1 thread, keep-alive, scripts/external-bench/wrk-post.lua POSTing
#              a 200-byte chat body) for whole answers; for streams a small Node client timing the
#              first byte of each SSE answer over keep-alive (scripts/external-bench/sse-client.js)
#   providers: nginx answering a fixed 639-byte chat completion; a small Node SSE provider (20 events,
#              5 ms apart; scripts/external-bench/sse-provider.js)
#   targets:   direct (the providers themselves), an nginx proxy_pass hop (the C reference for "one
#              more hop"), and Aegis installed by ./install.sh into a temporary folder and started
#              with `aegis start --foreground` (governance on with limits that never bind, a key
#              minted with `aegis keygen`, usage rows and signed receipts written)
# The targets take turns in every round (whole answers and streams, 1 and 64 connections); the
# figures are the medians of the rounds. CPU per call is read from /proc (utime+stime of the
# target's processes over the run / calls). Prints a markdown report (also written with --out).
# Usage: scripts/external-bench.sh [--quick] [--rounds N] [--duration S] [--warmup S] [--idle S]
#                                  [--aegis PATH] [--no-build] [--out FILE] [--keep]
#   --quick      1 round of 3 s per target and row, 5 s warm-up: checks that it works (~2 min with --aegis)
#   --rounds N   rounds (default 3); --duration S: seconds per target and row (default 8)
#   --warmup S   warm up Aegis for at least S seconds (default 30) and until its rate holds and its JIT
#                compilers are quiet (under 5 % of its CPU), at most 3 x S: a fresh daemon compiles its hot code first
#   --idle S     how long the started daemon is left alone before its idle RSS is read (default 30)
#   --aegis PATH use this installed `aegis` command instead of building and installing one
#   --no-build   install the distribution already built in packaging/target/aegis
#   --keep       keep the temporary folder (configs, logs, raw results)
#   --front-off  run Aegis with server.front: false (Jetty serves every call), to compare with the front
# Needs: wrk, nginx, node (>= 18), curl; installed with apt-get when missing and run as root. With
# tcpdump (installed too when run as root), it also splits a stream's first byte at each proxy into
# the request's way in and the answer's way out (scripts/external-bench/first-byte-split.js).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$(pwd)"
HERE="$REPO/scripts/external-bench"

ROUNDS=3 DURATION=8 WARMUP=30 IDLE=30 AEGIS_CMD="" BUILD=1 OUT="" KEEP=0 QUICK=0 FRONT=true
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ROUNDS=1 DURATION=3 WARMUP=5 IDLE=3 ;;
    --rounds) shift; ROUNDS="${1:?--rounds needs a number}" ;;
    --duration) shift; DURATION="${1:?--duration needs seconds}" ;;
    --warmup) shift; WARMUP="${1:?--warmup needs seconds}" ;;
    --idle) shift; IDLE="${1:?--idle needs seconds}" ;;
    --aegis) shift; AEGIS_CMD="${1:?--aegis needs the path of an installed aegis command}" ;;
    --no-build) BUILD=0 ;;
    --front-off) FRONT=false ;;
    --out) shift; OUT="${1:?--out needs a file}" ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "external-bench: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
for n in "$ROUNDS" "$DURATION" "$WARMUP" "$IDLE"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "external-bench: '$n' is not a whole number" >&2; exit 2; }
done
[ "$ROUNDS" -ge 1 ] && [ "$DURATION" -ge 1 ] || { echo "external-bench: --rounds and --duration must be >= 1" >&2; exit 2; }

say() { echo "external-bench: $*" >&2; }
die() { say "$*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
need_tools() {
  local missing=() pkgs=() t
  command -v wrk >/dev/null 2>&1 || { missing+=(wrk); pkgs+=(wrk); }
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { missing+=(nginx); pkgs+=(nginx-light); }
  command -v curl >/dev/null 2>&1 || { missing+=(curl); pkgs+=(curl); }
  command -v node >/dev/null 2>&1 || { missing+=(node); pkgs+=(nodejs); }
  # Optional: the split of a stream's first byte at each proxy reads the loopback's packets.
  command -v tcpdump >/dev/null 2>&1 || [ "$(id -u)" != 0 ] || { missing+=(tcpdump); pkgs+=(tcpdump); }
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing the missing tools (${missing[*]}) with apt-get: ${pkgs[*]}"
      apt-get install -y -q "${pkgs[@]}" >&2 || { apt-get update -q >&2 && apt-get install -y -q "${pkgs[@]}" >&2; } ||
        die "could not install ${pkgs[*]} with apt-get; install them and run again"
    else
      die "missing tools: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install -y ${pkgs[*]}) and run again."
    fi
  fi
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
  for t in wrk curl node; do command -v "$t" >/dev/null 2>&1 || die "$t is still missing"; done
  [ -x "$NGINX" ] || die "nginx is still missing"
  local node_major; node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$node_major" -ge 18 ] || die "node $node_major is too old (the SSE provider and client need Node 18 or newer)"
  [ -r /proc/self/stat ] || die "no /proc here: CPU and memory are read from /proc (Linux only)"
}
need_tools

TMP="$(mktemp -d "${TMPDIR:-/tmp}/aegis-extbench.XXXXXX")"
# nginx's workers run as nobody when it is started by root: they must be able to reach their folder.
chmod 711 "$TMP"
PIDS=()        # processes this script started, stopped on exit
AEGIS_PID=""
cleanup() {
  local p
  [ -n "$AEGIS_PID" ] && kill -TERM "$AEGIS_PID" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  if [ -n "$AEGIS_PID" ]; then
    for _ in $(seq 100); do kill -0 "$AEGIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$AEGIS_PID" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then say "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=external-bench/common.sh
. "$HERE/common.sh" # free_port, wait_http, tree_pids, cpu_ticks, CLK_TCK, governed_config

# ---------------------------------------------------------------------------------------------
# /proc readings: a target is a process and its descendants (tree_pids, cpu_ticks: common.sh)
# ---------------------------------------------------------------------------------------------
mem_kb() { # PID FIELD(VmRSS|VmHWM) -> the sum over the process tree, in kB
  local total=0 p v
  for p in $(tree_pids "$1"); do
    v="$(awk -v f="$2:" '$1 == f {print $2}' "/proc/$p/status" 2>/dev/null)"
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
jit_and_all_ticks() { # PID -> "<CPU ticks of its JIT compiler threads> <CPU ticks of all its threads>"
  thread_ticks "$1" | awk -F'\t' '{ all += $2 } $1 ~ /^C[12] CompilerThre/ { jit += $2 } END { printf "%d %d", jit, all }'
}
thread_ticks() { # PID -> "thread-group<TAB>ticks" per group of its threads (names without their numbers)
  local t stat rest name
  for t in /proc/"$1"/task/*; do
    stat="$(cat "$t/stat" 2>/dev/null)" || continue
    name="${stat#*(}" name="${name%)*}"
    rest="${stat##*) }"
    # shellcheck disable=SC2086
    set -- $rest
    printf '%s\t%s\n' "$name" $(( ${12} + ${13} ))
  done | awk -F'\t' '{ g = $1; sub(/[-#0-9]+$/, "", g); sub(/ +$/, "", g); a[g] += $2 } END { for (g in a) print g "\t" a[g] }'
}

# ---------------------------------------------------------------------------------------------
# Aegis: built, installed by install.sh into $TMP, or the one given with --aegis
# ---------------------------------------------------------------------------------------------
USER_HOME="${HOME:-}"     # Maven's repository and wrapper stay the user's own
export HOME="$TMP/home"   # nothing of the user's own ~/.aegis, ~/.local or shell set-up plays a part
mkdir -p "$HOME"
AEGIS_SETUP=""
if [ -z "$AEGIS_CMD" ]; then
  if [ -z "${JAVA_HOME:-}" ] || ! [ -x "$JAVA_HOME/bin/javac" ]; then
    # shellcheck source=../.ci/find-jdk.sh
    source .ci/find-jdk.sh
    JAVA_HOME="$(find_jdk)" || exit 1
  fi
  export JAVA_HOME
  if [ "$BUILD" = 1 ]; then
    say "building the distribution (./mvnw package -pl packaging -am, tests skipped)..."
    HOME="$USER_HOME" ./mvnw -q -B -o -DskipTests package -pl packaging -am >&2 ||
      HOME="$USER_HOME" ./mvnw -q -B -DskipTests package -pl packaging -am >&2 || die "the build failed"
  fi
  say "installing it with ./install.sh into $TMP/install (jlinked runtime and AOT caches: about a minute)..."
  PREFIX="$TMP/install/share/aegis" BIN_DIR="$TMP/install/bin" COMPLETION_DIR="$TMP/install/completion" \
    ./install.sh --no-build > "$TMP/install.log" 2>&1 || { cat "$TMP/install.log" >&2; die "install.sh failed"; }
  AEGIS_CMD="$TMP/install/bin/aegis"
  AEGIS_SETUP="installed by ./install.sh (commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ', with local changes'))"
else
  [ -x "$AEGIS_CMD" ] || die "--aegis $AEGIS_CMD is not an executable"
  AEGIS_SETUP="the installed command $AEGIS_CMD"
fi
AEGIS_INSTALL_DIR="$(cd -P "$(dirname "$(readlink -f "$AEGIS_CMD")")/.." && pwd)"
AOT=no; [ -f "$AEGIS_INSTALL_DIR/aot/daemon.aot" ] && AOT=yes
RUNTIME=JDK; [ -x "$AEGIS_INSTALL_DIR/runtime/bin/java" ] && RUNTIME="bundled jlinked runtime"
AEGIS_VERSION="$("$AEGIS_CMD" --version 2>/dev/null | head -n1 || echo unknown)"

# ---------------------------------------------------------------------------------------------
# Providers and the nginx hop
# ---------------------------------------------------------------------------------------------
# Ports are picked just before each server starts (other work on the machine takes ports too);
# Aegis picks its own (port 0) and says which in its daemon.json.

# A 639-byte chat completion (the size of the issue's nginx baseline), padded in its id.
completion() {
  local t pad
  t='{"id":"chatcmpl-extbench%s","object":"chat.completion","created":1763900000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the external benchmark provider.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":9,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_extbench"}'
  # shellcheck disable=SC2059
  pad=$(( 639 - $(printf "$t" "" | wc -c) ))
  # shellcheck disable=SC2059
  printf "$t" "$(printf '%*s' "$pad" '' | tr ' ' 0)"
}
COMPLETION="$(completion)"
[ "${#COMPLETION}" = 639 ] || die "the fixed completion is ${#COMPLETION} bytes, not 639"

nginx_conf() { # NAME WORKERS HTTP_BLOCK
  local d="$TMP/nginx-$1"
  mkdir -p "$d/temp"
  chmod 755 "$d" "$d/temp"
  cat > "$d/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $2;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $d/temp/body;
  proxy_temp_path $d/temp/proxy;
  fastcgi_temp_path $d/temp/fastcgi;
  uwsgi_temp_path $d/temp/uwsgi;
  scgi_temp_path $d/temp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
$3
}
EOF
  echo "$d"
}
# -e (nginx 1.19.5+) keeps nginx from opening the system's error log before it reads the config.
NGINX_E=()
"$NGINX" -h 2>&1 | grep -q -- '-e filename' && NGINX_E=(-e)
start_nginx() { # DIR -> master pid in NGINX_PID
  "$NGINX" -p "$1" -c "$1/nginx.conf" ${NGINX_E[@]+"${NGINX_E[@]}" "$1/error.log"} > "$1/out.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
}

P_WHOLE="$(free_port)"
dir="$(nginx_conf provider 1 "  server {
    listen 127.0.0.1:$P_WHOLE;
    default_type application/json;
    location / { return 200 '$COMPLETION'; }
  }")"
start_nginx "$dir"; PROVIDER_PID=$NGINX_PID

P_SSE="$(free_port)"
node "$HERE/sse-provider.js" "$P_SSE" 20 5 > "$TMP/sse-provider.log" 2>&1 &
SSE_PID=$!
PIDS+=("$SSE_PID")

# The hop: proxy_pass with keep-alive to the providers, no buffering (so a stream is relayed as it comes).
H_WHOLE="$(free_port)" H_SSE="$(free_port)"
dir="$(nginx_conf hop auto "  upstream whole { server 127.0.0.1:$P_WHOLE; keepalive 128; }
  upstream sse { server 127.0.0.1:$P_SSE; keepalive 128; }
  proxy_http_version 1.1;
  proxy_set_header Connection \"\";
  proxy_buffering off;
  server { listen 127.0.0.1:$H_WHOLE; location / { proxy_pass http://whole; } }
  server { listen 127.0.0.1:$H_SSE; location / { proxy_pass http://sse; } }")"
start_nginx "$dir"; HOP_PID=$NGINX_PID

wait_http "http://127.0.0.1:$P_WHOLE/" 10 || { cat "$TMP"/nginx-provider/*.log >&2; die "the nginx provider did not start"; }
wait_http "http://127.0.0.1:$H_WHOLE/" 10 || { cat "$TMP"/nginx-hop/*.log >&2; die "the nginx hop did not start"; }
wait_http "http://127.0.0.1:$P_SSE/" 10 || { cat "$TMP/sse-provider.log" >&2; die "the SSE provider did not start"; }
for p in "$PROVIDER_PID" "$HOP_PID" "$SSE_PID"; do
  kill -0 "$p" 2>/dev/null || { cat "$TMP"/nginx-*/error.log "$TMP/sse-provider.log" >&2; die "a provider or the hop exited at start (a port taken?)"; }
done

# ---------------------------------------------------------------------------------------------
# Aegis: its own home, governance on with limits that never bind, receipts on, a minted key
# ---------------------------------------------------------------------------------------------
export AEGIS_HOME="$TMP/aegis-home"
mkdir -p "$AEGIS_HOME"
chmod 700 "$AEGIS_HOME"
export AEGIS_OPENAI_BASE_URL="http://127.0.0.1:$P_WHOLE/v1"
export OPENAI_API_KEY="sk-extbench-provider-key"
export AEGIS_PORT=0
governed_config scripts/external-bench.sh "{ host: 127.0.0.1, port: 0, front: $FRONT }" "$P_WHOLE" "$P_SSE" > "$AEGIS_HOME/aegis.yaml"
KEY="$("$AEGIS_CMD" keygen --name external-bench --json 2> "$TMP/keygen.err" | node -e '
  let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).key)}catch(e){process.exit(1)}})')" ||
  { cat "$TMP/keygen.err" >&2; die "aegis keygen failed"; }
[ -n "$KEY" ] || die "aegis keygen printed no key"

say "starting Aegis ($AEGIS_VERSION) with aegis start --foreground..."
"$AEGIS_CMD" start --foreground > "$TMP/aegis.out" 2>&1 &
AEGIS_PID=$!
# Up when its daemon.json names this process and /healthz on that port answers with its pid.
P_AEGIS=""
for _ in $(seq 600); do
  kill -0 "$AEGIS_PID" 2>/dev/null || { cat "$TMP/aegis.out" >&2; AEGIS_PID=""; die "aegis start --foreground exited"; }
  if [ -f "$AEGIS_HOME/daemon.json" ] &&
     [ "$(sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p' "$AEGIS_HOME/daemon.json")" = "$AEGIS_PID" ]; then
    P_AEGIS="$(sed -n 's/.*"port" *: *\([0-9]*\).*/\1/p' "$AEGIS_HOME/daemon.json")"
    curl -s -m 1 "http://127.0.0.1:$P_AEGIS/healthz" 2>/dev/null | grep -q "\"pid\" *: *$AEGIS_PID[,}]" && break
  fi
  P_AEGIS=""
  sleep 0.1
done
[ -n "$P_AEGIS" ] || { cat "$TMP/aegis.out" >&2; die "Aegis (pid $AEGIS_PID) did not answer /healthz within 60 s"; }
say "Aegis listens on 127.0.0.1:$P_AEGIS"
kill -0 "$AEGIS_PID" 2>/dev/null || die "the aegis process $AEGIS_PID is gone"
# The launcher execs the daemon's JVM in its own place: $AEGIS_PID should be the daemon itself.
AEGIS_SHAPE="one JVM (the launcher exec'd the daemon)"
if ! tr '\0' ' ' < "/proc/$AEGIS_PID/cmdline" | grep -q DaemonMain; then
  AEGIS_SHAPE="the launcher and its children (the daemon was not exec'd in its place)"
fi
AEGIS_PROCS="$(tree_pids "$AEGIS_PID" | wc -l)"

# ---------------------------------------------------------------------------------------------
# Bodies, and one checked call per target and kind before any load
# ---------------------------------------------------------------------------------------------
body() { # MODEL STREAM(true|false) -> a 200-byte chat body
  local head tail filler n
  if [ "$2" = true ]; then head="{\"model\":\"$1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
  else head="{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\""; fi
  tail='"}]}'
  filler="Say hello to the external benchmark, please, and keep the answer short. Thank you very much for that. "
  filler="$filler$filler$filler"
  n=$(( 200 - ${#head} - ${#tail} ))
  printf '%s%s%s' "$head" "${filler:0:$n}" "$tail"
}
body gpt-4o-mini false > "$TMP/whole.json"
body extbench-stream-model true > "$TMP/stream.json"
[ "$(wc -c < "$TMP/whole.json")" = 200 ] && [ "$(wc -c < "$TMP/stream.json")" = 200 ] || die "the request bodies are not 200 bytes"
AUTH="Bearer $KEY"

declare -A URL_WHOLE=( [direct]="http://127.0.0.1:$P_WHOLE/v1/chat/completions"
  [nginx]="http://127.0.0.1:$H_WHOLE/v1/chat/completions" [aegis]="http://127.0.0.1:$P_AEGIS/v1/chat/completions" )
declare -A URL_SSE=( [direct]="http://127.0.0.1:$P_SSE/v1/chat/completions"
  [nginx]="http://127.0.0.1:$H_SSE/v1/chat/completions" [aegis]="http://127.0.0.1:$P_AEGIS/v1/chat/completions" )
declare -A TARGET_PID=( [direct]="" [nginx]="$HOP_PID" [aegis]="$AEGIS_PID" )
TARGETS=(direct nginx aegis)

check_call() { # TARGET KIND
  local url file out code
  if [ "$2" = whole ]; then url="${URL_WHOLE[$1]}" file="$TMP/whole.json"; else url="${URL_SSE[$1]}" file="$TMP/stream.json"; fi
  out="$TMP/check-$1-$2.out"
  code="$(curl -s -o "$out" -w '%{http_code}' -m 20 -H 'Content-Type: application/json' -H "Authorization: $AUTH" \
    --data-binary "@$file" "$url")" || code="curl failed"
  if [ "$code" != 200 ]; then
    say "the check call of $2 answers to $1 ($url) got $code:"; head -c 600 "$out" >&2; echo >&2
    [ "$1" = aegis ] && tail -n 20 "$TMP/aegis.out" >&2
    exit 1
  fi
  if [ "$2" = whole ]; then
    grep -q 'Hello from the external benchmark provider.' "$out" || die "$1 answered 200 but not the provider's completion"
  else
    grep -q 'word18' "$out" && grep -q '\[DONE\]' "$out" || die "$1 answered 200 but not the provider's whole stream"
  fi
}

# Idle memory: the daemon left alone after its start, before any call.
say "Aegis is up (pid $AEGIS_PID); leaving it idle for ${IDLE} s before reading its memory..."
idle_c0="$(cpu_ticks "$AEGIS_PID")"
sleep "$IDLE"
AEGIS_IDLE_CPU_MS_PER_S=$(( ($(cpu_ticks "$AEGIS_PID") - idle_c0) * 1000 / CLK_TCK / (IDLE > 0 ? IDLE : 1) ))
AEGIS_RSS_IDLE="$(mem_kb "$AEGIS_PID" VmRSS)"
HOP_RSS_IDLE="$(mem_kb "$HOP_PID" VmRSS)"

for t in "${TARGETS[@]}"; do check_call "$t" whole; check_call "$t" stream; done

# ---------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------
RESULTS="$TMP/results.tsv"
printf 'round\trow\ttarget\tcalls\tseconds\terrors\tp50_us\tp90_us\tp99_us\tmax_us\tfb_p50_us\tfb_p90_us\tfb_p99_us\tfb_max_us\tcpu_us\tfirst_error\n' > "$RESULTS"

field() { # LINE NAME -> the value of NAME=value in LINE
  sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< " $1"
}

run_one() { # ROUND ROW TARGET SECONDS [record]
  local round="$1" row="$2" t="$3" secs="$4" kind conns line pid c0="" c1 cpu="" log
  kind="${row%-*}" conns="${row#*-c}"
  pid="${TARGET_PID[$t]}"
  log="$TMP/run-$round-$row-$t.log"
  [ -n "$pid" ] && c0="$(cpu_ticks "$pid")"
  [ "$t" = aegis ] && thread_ticks "$pid" > "$TMP/threads-before.tsv"
  if [ "$kind" = whole ]; then
    BENCH_BODY_FILE="$TMP/whole.json" BENCH_AUTHORIZATION="$AUTH" \
      wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s -s "$HERE/wrk-post.lua" "${URL_WHOLE[$t]}" > "$log" 2>&1 || true
    line="$(grep '^WRK ' "$log" || true)"
  else
    node "$HERE/sse-client.js" "${URL_SSE[$t]}" "$TMP/stream.json" "$conns" "$secs" "$AUTH" > "$log" 2>&1 || true
    line="$(grep '^SSE ' "$log" || true)"
  fi
  # A second for what the target still does for those calls (usage rows and receipts are written
  # in batches), counted with them.
  [ -n "$pid" ] && { sleep 1; c1="$(cpu_ticks "$pid")"; cpu=$(( (c1 - c0) * 1000000 / CLK_TCK )); }
  [ -n "$line" ] || { cat "$log" >&2; die "the load generator printed no result for $row on $t"; }
  LAST_LINE="$line"
  [ "${5:-}" = record ] || return 0
  # Where the daemon's CPU went, by thread group (the JIT's and GC's threads included).
  if [ "$t" = aegis ]; then
    thread_ticks "$pid" | awk -F'\t' -v r="$round" -v row="$row" -v hz="$CLK_TCK" '
      NR == FNR { before[$1] = $2; next }
      { d = $2 - before[$1]; if (d > 0) printf "%s\t%s\t%s\t%d\n", r, row, $1, d * 1000000 / hz }' \
      "$TMP/threads-before.tsv" - >> "$TMP/threads.tsv"
  fi
  local errors status_errors
  status_errors="$(field "$line" status_errors)"
  errors=$(( $(field "$line" errors) + ${status_errors:-0} ))
  local ferr; ferr="$(sed -n 's/.* first_error=\(.*\)$/\1/p' <<< "$line")"
  [ "$errors" -gt 0 ] && [ -z "$ferr" ] && ferr="$(grep -m1 -i 'non-2xx\|error' "$log" || true)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$row" "$t" \
    "$(field "$line" calls)" "$(field "$line" seconds)" "$errors" \
    "$(field "$line" p50_us)" "$(field "$line" p90_us)" "$(field "$line" p99_us)" "$(field "$line" max_us)" \
    "$(field "$line" fb_p50_us)" "$(field "$line" fb_p90_us)" "$(field "$line" fb_p99_us)" "$(field "$line" fb_max_us)" \
    "$cpu" "$ferr" >> "$RESULTS"
  say "  round $round  $row  $t: $(field "$line" calls) calls, p50 $(field "$line" p50_us) us$( [ "$kind" = stream ] && echo ", first byte p50 $(field "$line" fb_p50_us) us"), errors $errors"
}

LOAD_BEFORE="$(loadavg)"
STARTED_AT="$(date -u '+%Y-%m-%d %H:%M UTC')"
# Warm-up: a fresh daemon's JIT keeps compiling the request path for a while (longer on shared
# cores), and figures taken meanwhile measure the compiler. Aegis takes 64-connection whole answers
# and streams in 6 s turns for at least --warmup seconds and until it has settled: its rate holds
# (the last turn within 10 % of the one before) and its JIT compilers used under 5 % of its CPU in
# the last turn (a rate can hold while C2 still compiles the request path); for at most three times
# --warmup; then every target briefly.
rate_of() { awk -v c="$(field "$1" calls)" -v s="$(field "$1" seconds)" 'BEGIN { printf "%d", (s > 0 ? c / s : 0) }'; }
WARMED=0 SETTLED=no prev=0 turn=0
if [ "$WARMUP" -gt 0 ]; then
  say "warming up Aegis: at least ${WARMUP} s, until its rate holds, at most $(( WARMUP * 3 )) s..."
  while :; do
    turn=$(( turn + 1 ))
    before_all="$(jit_and_all_ticks "$AEGIS_PID")"
    run_one "w$turn" whole-c64 aegis 4
    rate="$(rate_of "$LAST_LINE")"
    run_one "w$turn" stream-c64 aegis 2
    after_all="$(jit_and_all_ticks "$AEGIS_PID")"
    jit_pct="$(awk -v b="$before_all" -v a="$after_all" 'BEGIN { split(b, x, " "); split(a, y, " ");
      all = y[2] - x[2]; printf "%d", (all > 0 ? 100 * (y[1] - x[1]) / all : 0) }')"
    WARMED=$(( WARMED + 8 ))   # 6 s of load and a second after each run
    say "  warm-up turn $turn: $rate calls/s at 64 connections, JIT ${jit_pct} % of the daemon's CPU"
    if [ "$WARMED" -ge "$WARMUP" ] && [ "$prev" -gt 0 ] && [ $(( (rate > prev ? rate - prev : prev - rate) * 10 )) -le "$prev" ] \
        && [ "$jit_pct" -lt 5 ]; then
      SETTLED=yes; break
    fi
    [ "$WARMED" -ge $(( WARMUP * 3 )) ] && break
    prev="$rate"
  done
  [ "$SETTLED" = yes ] || say "  Aegis's rate did not settle within $(( WARMUP * 3 )) s (a busy machine?); going on"
  run_one w whole-c1 aegis 2
  for t in direct nginx; do run_one w whole-c64 "$t" 1; run_one w stream-c64 "$t" 1; done
fi

ROWS=(whole-c1 whole-c64 stream-c1 stream-c64)
for round in $(seq "$ROUNDS"); do
  for row in "${ROWS[@]}"; do
    # The order of the targets turns with the round, so none is always first or last.
    for i in 0 1 2; do
      run_one "$round" "$row" "${TARGETS[$(( (i + round - 1) % 3 ))]}" "$DURATION" record
    done
  done
done
LOAD_AFTER="$(loadavg)"

# Where each proxy's added first byte goes, from the packets on the loopback (tcpdump, when it may
# capture): one more one-connection stream run per proxy, outside the rounds (a capture costs every
# packet a copy, so the figures above are taken without one).
SPLIT="$TMP/split.tsv"
: > "$SPLIT"
split_run() { # TARGET PROXY_PORT
  local cap="$TMP/split-$1.pcap" log="$TMP/split-$1-tcpdump.log" tp i line
  tcpdump -i lo -n -B 4096 -w "$cap" "tcp port $2 or tcp port $P_SSE" > "$log" 2>&1 &
  tp=$!
  for i in $(seq 50); do grep -q 'listening on' "$log" 2>/dev/null && break; kill -0 "$tp" 2>/dev/null || break; sleep 0.1; done
  if ! grep -q 'listening on' "$log" 2>/dev/null; then
    kill "$tp" 2>/dev/null || true
    say "tcpdump cannot capture on lo ($(head -n1 "$log")): no split of the first byte"
    return 1
  fi
  node "$HERE/sse-client.js" "${URL_SSE[$1]}" "$TMP/stream.json" 1 "$DURATION" "$AUTH" > "$TMP/split-$1.log" 2>&1 || true
  sleep 0.2
  kill -INT "$tp" 2>/dev/null || true
  wait "$tp" 2>/dev/null || true
  line="$(tcpdump -tt -n -r "$cap" 2>/dev/null | node "$HERE/first-byte-split.js" "$2" "$P_SSE")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$(field "$line" calls)" "$(field "$line" in_p50_us)" "$(field "$line" in_p90_us)" \
    "$(field "$line" provider_p50_us)" "$(field "$line" out_p50_us)" "$(field "$line" out_p90_us)" >> "$SPLIT"
  say "  first-byte split, $1: $line"
}
if command -v tcpdump >/dev/null 2>&1; then
  say "splitting a stream's first byte at each proxy (tcpdump on lo)..."
  split_run nginx "$H_SSE" && split_run aegis "$P_AEGIS" || true
else
  say "no tcpdump: no split of the first byte (Debian: apt-get install tcpdump)"
fi

AEGIS_RSS_PEAK="$(mem_kb "$AEGIS_PID" VmHWM)"
HOP_RSS_PEAK="$(mem_kb "$HOP_PID" VmHWM)"
AEGIS_RSS_END="$(mem_kb "$AEGIS_PID" VmRSS)"

# What Aegis recorded: a governed deployment writes one usage row per answered call. The load
# generators count the answers they received (warm-up and the two check calls included); a call cut
# off when a run's time is up may still be answered and recorded, so Aegis may count a few more.
AEGIS_CALLS_SENT=$(( 2 + $(cat "$TMP"/run-*-aegis.log | sed -n 's/^\(WRK\|SSE\) calls=\([0-9]*\).*/\2/p' | awk '{s += $1} END {print s + 0}') ))
sleep 2 # usage rows are written in batches
USAGE_CALLS="$("$AEGIS_CMD" usage --since 1d --by key --format json 2>/dev/null | node -e '
  let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).total.requests)}catch(e){console.log("unknown")}})' || echo unknown)"

CPU_MODEL="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
{
  echo "started=$STARTED_AT"
  echo "machine=$(nproc) vCPU, ${CPU_MODEL:-unknown CPU}, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), Linux $(uname -r)"
  echo "load_before=$LOAD_BEFORE"
  echo "load_after=$LOAD_AFTER"
  echo "rounds=$ROUNDS"
  echo "duration=$DURATION"
  echo "warmup=$WARMUP"
  echo "warmed=$WARMED"
  echo "settled=$SETTLED"
  echo "idle=$IDLE"
  echo "quick=$QUICK"
  echo "aegis_setup=$AEGIS_SETUP"
  echo "aegis_version=$AEGIS_VERSION"
  echo "aegis_runtime=$RUNTIME, AOT caches: $AOT"
  echo "aegis_shape=$AEGIS_SHAPE, server.front: $FRONT"
  echo "aegis_procs=$AEGIS_PROCS"
  echo "aegis_rss_idle_kb=$AEGIS_RSS_IDLE"
  echo "aegis_idle_cpu_ms_per_s=$AEGIS_IDLE_CPU_MS_PER_S"
  echo "aegis_rss_peak_kb=$AEGIS_RSS_PEAK"
  echo "aegis_rss_end_kb=$AEGIS_RSS_END"
  echo "hop_rss_idle_kb=$HOP_RSS_IDLE"
  echo "hop_rss_peak_kb=$HOP_RSS_PEAK"
  echo "usage_calls=$USAGE_CALLS"
  echo "aegis_calls_sent=$AEGIS_CALLS_SENT"
  echo "wrk=$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
  echo "nginx=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
  echo "node=$(node --version)"
} > "$TMP/meta.txt"

touch "$TMP/threads.tsv"
report="$(node "$HERE/report.js" "$TMP/meta.txt" "$RESULTS" "$TMP/threads.tsv" "$SPLIT")"
echo "$report"
if [ -n "$OUT" ]; then
  echo "$report" > "$OUT"
  say "report written to $OUT"
fi
if awk -F'\t' 'NR > 1 && $6 > 0 {bad = 1} END {exit !bad}' "$RESULTS"; then
  say "some calls failed (see the errors row); the figures of those runs are not worth quoting"
  exit 1
fi
