#!/usr/bin/env bash
# Where an idle installed daemon's resident memory goes (issue 29: RSS idle <= 100 MB).
#   scripts/memory-breakdown.sh [AEGIS_COMMAND] [IDLE_SECONDS]
# Starts `aegis start --foreground` (default: ~/.local/bin/aegis) in a throwaway home, leaves it
# alone for IDLE_SECONDS (default 30, as the external harness does), then prints its VmRSS split by
# mapping (AOT cache, Java heap, JIT code, libjvm and other files, the rest of anonymous memory),
# the JVM's own account (Native Memory Tracking: committed memory by category) and the heap's
# occupancy, and stops it. NMT costs the daemon about 1-2 MB of its own; the split by mapping
# (pmap) is what the kernel counts. Needs a JDK's jcmd (JAVA_HOME or /usr/lib/jvm/*) and pmap.
set -euo pipefail
AEGIS="${1:-$HOME/.local/bin/aegis}"
IDLE="${2:-30}"
[ -x "$AEGIS" ] || { echo "memory-breakdown: $AEGIS is not an executable aegis command" >&2; exit 2; }
JCMD=""
for c in "${JAVA_HOME:-}/bin/jcmd" /usr/lib/jvm/*/bin/jcmd; do [ -x "$c" ] && { JCMD="$c"; break; }; done
[ -n "$JCMD" ] || { echo "memory-breakdown: no jcmd found (set JAVA_HOME to a JDK)" >&2; exit 2; }
command -v pmap >/dev/null || { echo "memory-breakdown: pmap (procps) is missing" >&2; exit 2; }

home="$(mktemp -d)"
chmod 700 "$home"
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$home"
}
trap cleanup EXIT
cat > "$home/aegis.yaml" <<'EOF'
server: { host: 127.0.0.1, port: 0 }
audit: { receipts: true }
EOF
AEGIS_HOME="$home" AEGIS_PORT=0 OPENAI_API_KEY=sk-memory-breakdown-unused \
  AEGIS_DAEMON_OPTS="${AEGIS_DAEMON_OPTS:-} -XX:NativeMemoryTracking=summary" \
  "$AEGIS" start --foreground > "$home/out.log" 2>&1 &
pid=$!
for _ in $(seq 600); do [ -f "$home/daemon.json" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
[ -f "$home/daemon.json" ] || { cat "$home/out.log" >&2; echo "memory-breakdown: the daemon did not start" >&2; exit 1; }
sleep "$IDLE"

echo "aegis: $AEGIS (pid $pid, $(awk '$1 == "Threads:" {print $2}' "/proc/$pid/status") threads), idle ${IDLE} s after start"
grep -E '^(VmRSS|RssAnon|RssFile):' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' '; echo
echo
echo "Resident memory by mapping (pmap -x; kB resident, of it dirty):"
heap_range="$("$JCMD" "$pid" GC.heap_info | sed -n 's/.*\[\(0x[0-9a-f]*\), 0x[0-9a-f]*, \(0x[0-9a-f]*\)).*/\1 \2/p' | awk 'NR == 1 {lo = $1} {hi = $2} END {print lo, hi}')"
pmap -x "$pid" | awk -v range="$heap_range" '
  # Addresses as 16 hex digits, compared as strings (mawk has no strtonum).
  function pad(h) { sub(/^0x/, "", h); while (length(h) < 16) h = "0" h; return h }
  BEGIN { split(range, r, " "); lo = pad(r[1]); hi = pad(r[2]) }
  NR > 2 && $1 ~ /^[0-9a-f]+$/ {
    a = pad($1); name = $NF
    if (name == "]") { if (a >= lo && a < hi) c = "Java heap"; else if ($5 ~ /x/) c = "JIT code (anonymous, executable)"; else c = "other anonymous (C heap, metaspace, stacks, GC)" }
    else if (name ~ /\.aot$/) c = "AOT cache (" name ")"
    else if (name ~ /libjvm/) c = "libjvm.so"
    else if (name == "modules") c = "JDK module image (modules)"
    else c = "other files and libraries"
    rss[c] += $3; dirty[c] += $4
  }
  END { for (c in rss) printf "  %8d kB  %8d kB dirty  %s\n", rss[c], dirty[c], c }' | sort -nr
echo
echo "The JVM's account (NMT, committed kB):"
"$JCMD" "$pid" VM.native_memory summary | sed -n 's/^-  *\([A-Za-z ]*[a-z]\) (reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\2 \1/p' \
  | sort -nr | awk '$1 >= 256 {printf "  %8d kB  %s\n", $1, substr($0, index($0, " ") + 1)}'
echo
echo "Java heap:"
"$JCMD" "$pid" GC.heap_info | sed -n '2,$p' | sed 's/ \[0x.*//; s/^/  /'
