#!/usr/bin/env bash
# Runs Aegis's benchmarks and writes one dated file docs/benchmarks/run-YYYY-MM-DD-HHMM.md:
#   1. the end-to-end load scenarios (dev.aegis.bench.load.LoadScenarios): the same calls sent
#      straight to a loopback provider and through a governed Aegis daemon, for every target of
#      issue 10 (added latency, first byte on streams, large bodies, throughput with and without
#      receipts, 2,000 open streams, memory);
#   2. the JMH benchmarks of the hot paths (bench/src/main/java/dev/aegis/bench).
# Usage: scripts/bench.sh [--quick] [--no-load] [--no-jmh] [--jmh REGEX] [--no-build] [--dry-run]
#   --quick     short runs, to check that everything works (numbers not worth quoting)
#   --jmh REGEX only the JMH benchmarks matching REGEX (default: all)
#   --dry-run   print the section instead of writing it under docs/benchmarks/
# docs/BENCHMARKS.md shows the current figure per target: update its table from the new file by hand.
# A full run takes about 20 minutes. Run it on a quiet machine: the section records the load
# average before and after, and numbers taken while other work shares the cores are not comparable.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

QUICK=0 LOAD=1 JMH=1 BUILD=1 DRY=0 JMH_REGEX=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-load) LOAD=0 ;;
    --no-jmh) JMH=0 ;;
    --jmh) shift; JMH_REGEX="${1:?--jmh needs a regex}" ;;
    --no-build) BUILD=0 ;;
    --dry-run) DRY=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=../.ci/find-jdk.sh
source .ci/find-jdk.sh
JAVA_HOME="$(find_jdk)" || exit 1
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
JAR=bench/target/aegis-benchmarks.jar

if [ "$BUILD" = 1 ]; then
  echo "bench.sh: building the benchmark jar..." >&2
  ./mvnw -q -B -o -DskipTests package -pl bench,packaging -am >&2 || ./mvnw -q -B -DskipTests package -pl bench,packaging -am >&2
fi
[ -f "$JAR" ] || { echo "bench.sh: $JAR is missing; run without --no-build" >&2; exit 1; }

# The load scenarios run their daemon from the benchmark jar, without the AOT cache and jlinked runtime
# that install.sh gives a user's daemon (its class metadata then sits in the daemon's own memory).
# The idle-memory target is about what users run: its own small table, from a throwaway install.
installed_daemon_idle_rss() {
  echo "bench.sh: idle memory of an installed daemon (install.sh into a temporary folder, ~35 s)..." >&2
  local inst home pid rss_start="" rss_idle="" met=no
  inst="$(mktemp -d)" home="$(mktemp -d)"
  if PREFIX="$inst/share" BIN_DIR="$inst/bin" COMPLETION_DIR="$inst/completion" ./install.sh --no-build >/dev/null 2>&1 &&
     AEGIS_HOME="$home" OPENAI_API_KEY=sk-bench-unused "$inst/bin/aegis" start --port 0 >/dev/null 2>&1; then
    pid="$(sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p' "$home/daemon.json")"
    sleep 2 # as the load scenarios do before their reading after start
    rss_start="$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || true)"
    # Idle: the daemon left alone until start's transient memory is gone (the compilers' arenas,
    # freed and given back to the system by the JVM's periodic clean-up and native-heap trim).
    sleep 28
    rss_idle="$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || true)"
    AEGIS_HOME="$home" "$inst/bin/aegis" stop >/dev/null 2>&1 || true
  fi
  rm -rf "$inst" "$home"
  [ -n "$rss_idle" ] && [ "$rss_idle" -le 100 ] && met=yes
  echo "### Idle memory of an installed daemon"
  echo
  echo "\`install.sh\` into a temporary folder (jlinked runtime, AOT cache), \`aegis start --port 0\`; RSS 2 s after start"
  echo "(start's compiler memory still held) and 30 s after start, left idle (the target's reading)."
  echo
  echo "| Target | 2 s after start | idle (30 s after start) | Target value | Met |"
  echo "|---|---|---|---|---|"
  echo "| Daemon RSS idle, as installed | ${rss_start:-not measured}${rss_start:+ MB} | ${rss_idle:-not measured (install or start failed)}${rss_idle:+ MB} | ≤ 100 MB | $met |"
  echo
}

# Kept after the run (bench/target/bench-results/), so a failure late in the run loses nothing measured.
out="bench/target/bench-results/$(date -u '+%Y%m%d-%H%M%S')"
mkdir -p "$out"
section="$out/section.md"
{
  echo
  echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC') (scripts/bench.sh$([ "$QUICK" = 1 ] && echo ' --quick'))"
  echo
  echo "Commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)'). Reproduce: \`scripts/bench.sh\`."
  echo
} > "$section"

if [ "$LOAD" = 1 ]; then
  echo "bench.sh: load scenarios (progress below; ~12 minutes in full)..." >&2
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" dev.aegis.bench.load.LoadScenarios \
    $([ "$QUICK" = 1 ] && echo --quick) >> "$section"
  installed_daemon_idle_rss >> "$section"
fi

if [ "$JMH" = 1 ]; then
  echo "bench.sh: JMH benchmarks ${JMH_REGEX:-(all)}..." >&2
  jmh_opts=(-rf text -rff "$out/jmh.txt")
  [ "$QUICK" = 1 ] && jmh_opts+=(-wi 1 -i 1 -w 1s -r 1s)
  if "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" "${jmh_opts[@]}" ${JMH_REGEX:+"$JMH_REGEX"} >&2; then
    {
      echo "### JMH hot paths (\`java -jar $JAR ${JMH_REGEX}\`, load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown))"
      echo
      echo '```'
      cat "$out/jmh.txt"
      echo '```'
      echo
    } >> "$section"
  else
    # e.g. another JMH run holds /tmp/jmh.lock: the load results above are still recorded.
    echo "bench.sh: the JMH run failed (see above); the section records the rest" >&2
    printf '### JMH hot paths\n\nNot run: JMH failed (another JMH run on the machine holds its lock?). Rerun: `scripts/bench.sh --no-load`.\n\n' >> "$section"
  fi
fi

if [ "$DRY" = 1 ]; then
  cat "$section"
else
  run_file="docs/benchmarks/run-$(date -u +%Y-%m-%d-%H%M).md"
  sed '1s/^## /# /; s/^### /## /' "$section" > "$run_file"
  echo "bench.sh: wrote $run_file (update the current figures in docs/BENCHMARKS.md from it):" >&2
  cat "$section"
fi
