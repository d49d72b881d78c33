#!/usr/bin/env bash
# Start-up times of an installed (or built) aegis: --version, usage, and start -> first answered call.
#   scripts/startup-times.sh [AEGIS_BINARY] [RUNS]
# Default binary: packaging/target/aegis/bin/aegis. Uses a throwaway AEGIS_HOME and port, and a
# provider key that is never used (no call leaves the machine). Prints one line per run, in ms.
set -euo pipefail
AEGIS="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/packaging/target/aegis/bin/aegis}"
RUNS="${2:-5}"
home="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)" upstream_port="$(free_port)"
python3 "$(dirname "${BASH_SOURCE[0]}")/fake_chat_provider.py" "$upstream_port" &
upstream_pid=$!
trap 'AEGIS_HOME="$home" "$AEGIS" stop >/dev/null 2>&1 || true; kill "$upstream_pid" 2>/dev/null || true; rm -rf "$home"' EXIT
export AEGIS_HOME="$home" OPENAI_API_KEY=sk-startup-times-unused AEGIS_OPENAI_BASE_URL="http://127.0.0.1:$upstream_port/v1"

ms() { date +%s%N | cut -b1-13; }
timed() { local t0; t0="$(ms)"; "$@" >/dev/null 2>&1; echo $(( $(ms) - t0 )); }

"$AEGIS" --version >/dev/null   # warm the OS file cache (and build a CDS archive if the launcher makes one)
"$AEGIS" usage >/dev/null 2>&1 || true
# A returning user's start: the first one in a home launches the daemon the ordinary way and leaves
# daemon.launch behind, which later starts use to launch the daemon beside the CLI (docs/STARTUP.md).
"$AEGIS" start --port "$port" >/dev/null 2>&1 && "$AEGIS" stop >/dev/null 2>&1 || true
key="$("$AEGIS" keygen --name startup-times --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')"

echo "aegis: $AEGIS"
echo -n "--version ms:"; for _ in $(seq "$RUNS"); do echo -n " $(timed "$AEGIS" --version)"; done; echo
echo -n "usage ms:    "; for _ in $(seq "$RUNS"); do echo -n " $(timed "$AEGIS" usage)"; done; echo

# start -> first 200 on /healthz, then -> first answered chat completion, seen by a poller
# independent of the CLI's own wait: one Python process polling every 5 ms (a curl per poll would
# itself take a good part of 2 cores).
echo -n "start returns ms / first /healthz 200 ms / first call 200 ms:"
for _ in $(seq "$RUNS"); do
  python3 - "$AEGIS" "$port" "$key" <<'PY'
import http.client, subprocess, sys, time
aegis, port, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
CALL = b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
t0 = time.monotonic()
cli = subprocess.Popen([aegis, "start", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
first = None
while first is None and time.monotonic() - t0 < 60:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        c.request("GET", "/healthz")
        if c.getresponse().status == 200:
            first = time.monotonic() - t0
        c.close()
    except OSError:
        pass
    if first is None:
        time.sleep(0.005)
call = None
while first is not None and call is None and time.monotonic() - t0 < 60:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("POST", "/v1/chat/completions", CALL,
              {"authorization": "Bearer " + key, "content-type": "application/json"})
    r = c.getresponse()
    r.read()
    c.close()
    if r.status == 200:
        call = time.monotonic() - t0
    else:
        time.sleep(0.005)
cli.wait()
returned = time.monotonic() - t0
print(f" {returned * 1000:.0f}/{(first or 0) * 1000:.0f}/{(call or 0) * 1000:.0f}", end="", flush=True)
PY
  "$AEGIS" stop >/dev/null
done
echo
