#!/usr/bin/env bash
# Builds Aegis and installs it for the current user:
#   the distribution under ${PREFIX:-~/.local/share/aegis}, the `aegis` command in ${BIN_DIR:-~/.local/bin}.
# Running it again upgrades in place. Options:
#   --no-build   install the distribution already built in packaging/target/aegis
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PREFIX="${PREFIX:-$HOME/.local/share/aegis}"
BIN_DIR="${BIN_DIR:-$HOME/.local/bin}"
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

# shellcheck source=.ci/find-jdk.sh
source .ci/find-jdk.sh
JAVA_HOME="$(find_jdk)" || exit 1
export JAVA_HOME
echo "Using JDK $("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p') at $JAVA_HOME"

if [ "$BUILD" = 1 ]; then
  echo "Building Aegis (tests are skipped here; ./mvnw verify runs them)..."
  ./mvnw -q -B -DskipTests package
fi
DIST="packaging/target/aegis"
if [ ! -x "$DIST/bin/aegis" ]; then
  echo "install.sh: no built distribution at $DIST; run without --no-build" >&2
  exit 1
fi

# Replace the previous install as a whole, so no stale jar from an older version stays on the class path.
mkdir -p "$(dirname "$PREFIX")" "$BIN_DIR"
staging="$(mktemp -d "$(dirname "$PREFIX")/.aegis-install.XXXXXX")"
cp -R "$DIST/." "$staging/"
echo "$JAVA_HOME/bin/java" > "$staging/java.path"
rm -rf "$PREFIX.old"
[ -e "$PREFIX" ] && mv "$PREFIX" "$PREFIX.old"
mv "$staging" "$PREFIX"
rm -rf "$PREFIX.old"
chmod 755 "$PREFIX"
ln -sfn "$PREFIX/bin/aegis" "$BIN_DIR/aegis"

echo "Installed Aegis in $PREFIX"
echo "The aegis command: $BIN_DIR/aegis"
case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) echo "Note: $BIN_DIR is not on your PATH. Add it:  export PATH=\"$BIN_DIR:\$PATH\"" ;;
esac
echo "Next:  export OPENAI_API_KEY=sk-...  &&  aegis start"
