#!/usr/bin/env bash
# Start-up times of an installed (or built) aegis: --version, usage, and start -> first answered call.
#   scripts/startup-times.sh [AEGIS_BINARY] [RUNS]
# Default binary: packaging/target/aegis/bin/aegis. Uses a throwaway AEGIS_HOME and port, and a
# provider key that is never used (no call leaves the machine). Prints one line per run, in ms.
set -euo pipefail
AEGIS="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/packaging/target/aegis/bin/aegis}"
RUNS="${2:-5}"
home="$(mktemp -d)"
trap 'AEGIS_HOME="$home" "$AEGIS" stop >/dev/null 2>&1 || true; rm -rf "$home"' EXIT
export AEGIS_HOME="$home" OPENAI_API_KEY=sk-startup-times-unused
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

ms() { date +%s%N | cut -b1-13; }
timed() { local t0; t0="$(ms)"; "$@" >/dev/null 2>&1; echo $(( $(ms) - t0 )); }

"$AEGIS" --version >/dev/null   # warm the OS file cache (and build a CDS archive if the launcher makes one)
"$AEGIS" usage >/dev/null 2>&1 || true

echo "aegis: $AEGIS"
echo -n "--version ms:"; for _ in $(seq "$RUNS"); do echo -n " $(timed "$AEGIS" --version)"; done; echo
echo -n "usage ms:    "; for _ in $(seq "$RUNS"); do echo -n " $(timed "$AEGIS" usage)"; done; echo

# start -> first 200 on /healthz, seen by a poller independent of the CLI's own wait.
echo -n "start returns ms / first 200 ms:"
for _ in $(seq "$RUNS"); do
  t0="$(ms)"
  "$AEGIS" start --port "$port" >/dev/null 2>&1 &
  cli=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"; do sleep 0.005; done
  first=$(( $(ms) - t0 ))
  wait "$cli"
  returned=$(( $(ms) - t0 ))
  echo -n " $returned/$first"
  "$AEGIS" stop >/dev/null
done
echo
