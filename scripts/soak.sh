#!/usr/bin/env bash
# The soak run of issue 11 (outside the default build): a governed Aegis daemon (key, rate limits,
# token budgets, usage rows, signed receipts) in front of a loopback provider, sent a steady rate of
# calls, every other second streamed, for a long stretch. Prints calls, errors, the daemon's RSS at
# start, each minute and at the end, and the p99 of the one-second rounds, and appends that as a
# dated section to docs/BENCHMARKS.md.
# Usage: scripts/soak.sh [MINUTES] [CALLS_PER_SECOND] [--dry-run] [--no-build]
#   defaults: 10 minutes at 500 calls/s. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MINUTES=10 RATE=500 DRY=0 BUILD=1 positional=()
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY=1 ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "soak.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    *) positional+=("$arg") ;;
  esac
done
[ "${#positional[@]}" -ge 1 ] && MINUTES="${positional[0]}"
[ "${#positional[@]}" -ge 2 ] && RATE="${positional[1]}"

# shellcheck source=../.ci/find-jdk.sh
source .ci/find-jdk.sh
JAVA_HOME="$(find_jdk)" || exit 1
export JAVA_HOME
JAR=bench/target/aegis-benchmarks.jar
if [ "$BUILD" = 1 ]; then
  echo "soak.sh: building the benchmark jar..." >&2
  ./mvnw -q -B -o -DskipTests package -pl bench -am >&2 || ./mvnw -q -B -DskipTests package -pl bench -am >&2
fi
[ -f "$JAR" ] || { echo "soak.sh: $JAR is missing; run without --no-build" >&2; exit 1; }

echo "soak.sh: $MINUTES minutes at $RATE calls/s (progress each minute below)..." >&2
section="$("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$JAR" dev.aegis.bench.load.Soak "$MINUTES" "$RATE")"
if [ "$DRY" = 1 ]; then
  echo "$section"
else
  echo "$section" >> docs/BENCHMARKS.md
  echo "soak.sh: appended to docs/BENCHMARKS.md:" >&2
  echo "$section"
fi
