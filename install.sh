#!/usr/bin/env bash
# Builds Aegis and installs it for the current user:
#   the distribution under ${PREFIX:-~/.local/share/aegis}, the `aegis` command in ${BIN_DIR:-~/.local/bin},
#   bash completion in ${COMPLETION_DIR:-~/.local/share/bash-completion/completions}.
# With a JDK that has jlink, a trimmed Java runtime goes into the install, so `aegis` needs no system Java;
# with JDK 25+, AOT caches of the CLI and the daemon are built for fast start-up.
# Running it again upgrades in place. Options:
#   --no-build     install the distribution already built in packaging/target/aegis
#   --no-runtime   use the JDK found here at run time instead of bundling a runtime
#   --no-aot       do not build the AOT caches
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PREFIX="${PREFIX:-$HOME/.local/share/aegis}"
BIN_DIR="${BIN_DIR:-$HOME/.local/bin}"
COMPLETION_DIR="${COMPLETION_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bash-completion/completions}"
BUILD=1
RUNTIME=1
AOT=1
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --no-runtime) RUNTIME=0 ;;
    --no-aot) AOT=0 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

# shellcheck source=.ci/find-jdk.sh
source .ci/find-jdk.sh
JAVA_HOME="$(find_jdk)" || exit 1
export JAVA_HOME
JDK_MAJOR="$(jdk_major "$JAVA_HOME")"
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

# The modules Aegis uses (jdeps --print-module-deps --ignore-missing-deps over lib/*.jar), plus the
# providers java.security lists: without those the JDK looks for providers on the class path and
# loads all of BouncyCastle's (about a second of every start).
MODULES="java.base,java.compiler,java.desktop,java.instrument,java.naming,java.net.http,java.security.jgss,java.sql"
MODULES+=",jdk.management,jdk.unsupported,jdk.charsets,java.security.sasl,java.xml.crypto,java.smartcardio"
MODULES+=",jdk.security.jgss,jdk.crypto.cryptoki"

mkdir -p "$(dirname "$PREFIX")" "$BIN_DIR"
staging="$(mktemp -d "$(dirname "$PREFIX")/.aegis-install.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
cp -pR "$DIST/." "$staging/"
echo "$JAVA_HOME/bin/java" > "$staging/java.path"

# A trimmed runtime (reused from the previous install when it was linked from the same JDK and modules).
runtime_stamp="$( (cat "$JAVA_HOME/release" 2>/dev/null; echo "$MODULES") | cksum | cut -d" " -f1)"
if [ "$RUNTIME" = 1 ] && [ -x "$JAVA_HOME/bin/jlink" ]; then
  if [ -f "$PREFIX/runtime/aegis-runtime.stamp" ] && [ "$(cat "$PREFIX/runtime/aegis-runtime.stamp")" = "$runtime_stamp" ]; then
    echo "Reusing the bundled Java runtime of the previous install."
    cp -pR "$PREFIX/runtime" "$staging/runtime"
  else
    echo "Linking a trimmed Java runtime with jlink (once per JDK; --no-runtime skips it)..."
    if "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
        --generate-cds-archive --compress=zip-6 --output "$staging/runtime" >"$staging/jlink.log" 2>&1; then
      echo "$runtime_stamp" > "$staging/runtime/aegis-runtime.stamp"
    else
      echo "Note: jlink failed (see below); Aegis will use the JDK at $JAVA_HOME instead." >&2
      cat "$staging/jlink.log" >&2
      rm -rf "$staging/runtime"
    fi
    rm -f "$staging/jlink.log"
  fi
elif [ "$RUNTIME" = 1 ]; then
  echo "Note: $JAVA_HOME has no jlink; Aegis will use that JDK at run time."
fi

# Native libraries are extracted once, here, into native/ (the launcher points the JVMs at them).
# extract_native JAR ENTRY: the jar's file ENTRY, as native/<its file name>.
extract_native() {
  mkdir -p "$staging/native"
  (cd "$staging/native" && "$JAVA_HOME/bin/jar" xf "$1" "$2" && mv "$2" . && rm -rf "${2%%/*}")
}

# Both are entries of lib/aegis.jar (the CLI, the daemon and their libraries in one jar: docs/STARTUP.md).
one_jar="$staging/lib/aegis.jar"
entries="$("$JAVA_HOME/bin/jar" tf "$one_jar" 2>/dev/null || true)"

# SQLite's, instead of by the driver on every start.
folder="$("$JAVA_HOME/bin/java" -cp "$one_jar" org.sqlite.util.OSInfo 2>/dev/null || true)"
entry="$(grep "^org/sqlite/native/$folder/[^/]*sqlitejdbc[^/]*$" <<< "$entries" | head -n1 || true)"
if [ -n "$folder" ] && [ -n "$entry" ]; then
  extract_native "$one_jar" "$entry"
fi

# AWS-LC's (the receipt signer's): its provider otherwise copies the 9.6 MB library out of its jar
# into a temporary folder at every daemon start (60–90 ms of CPU), and cannot load it at all where that
# folder is mounted noexec (receipts are then signed more slowly).
accp_entry=com/amazon/corretto/crypto/provider/libamazonCorrettoCryptoProvider.so
if grep -qx "$accp_entry" <<< "$entries"; then
  extract_native "$one_jar" "$accp_entry"
fi

# Replace the previous install as a whole, so no stale jar from an older version stays on the class path.
rm -rf "$PREFIX.old"
[ -e "$PREFIX" ] && mv "$PREFIX" "$PREFIX.old"
mv "$staging" "$PREFIX"
trap - EXIT
chmod 755 "$PREFIX"
ln -sfn "$PREFIX/bin/aegis" "$BIN_DIR/aegis"

# AOT caches (JDK 25+): one training run each, in the install's final place (a cache names its class
# path). Reinstalling the same build reuses them, but only for the very same jars (aot/jars, their
# checksums): the JVM's own check let a cache built from an older build's jars through (the build
# gives every jar the same fixed time), and the daemon then ran the older classes the cache held.
install_dir="$(cd -P "$PREFIX" && pwd)"
run_java="$install_dir/runtime/bin/java"
[ -x "$run_java" ] || run_java="$JAVA_HOME/bin/java"
# The JVM itself judges whether a cache still fits (-XX:AOTMode=on fails when it does not).
aot_usable() { AEGIS_CLI_OPTS="-XX:AOTCache=$1 -XX:AOTMode=on" "$PREFIX/bin/aegis" --version >/dev/null 2>&1; }
jar_sums() { (cd "$PREFIX/lib" && cksum -- *.jar); }
aot_reused=0
if [ "$AOT" = 1 ] && [ "$JDK_MAJOR" -ge 25 ] && [ -f "$PREFIX.old/aot/cli.aot" ] && [ -f "$PREFIX.old/aot/daemon.aot" ] \
    && [ -f "$PREFIX.old/aot/jars" ] && [ "$(jar_sums)" = "$(cat "$PREFIX.old/aot/jars")" ]; then
  mkdir -p "$PREFIX/aot"
  cp -p "$PREFIX.old/aot/cli.aot" "$PREFIX.old/aot/daemon.aot" "$PREFIX.old/aot/jars" "$PREFIX/aot/"
  if aot_usable "$PREFIX/aot/cli.aot" && aot_usable "$PREFIX/aot/daemon.aot"; then
    echo "Reusing the AOT caches of the previous install (same runtime and jars)."
    echo "$run_java" > "$PREFIX/aot/java"
    aot_reused=1
  else
    rm -rf "$PREFIX/aot"
  fi
fi
if [ "$AOT" = 1 ] && [ "$JDK_MAJOR" -ge 25 ] && [ "$aot_reused" = 0 ]; then
  echo "Building AOT caches for fast start-up (--no-aot skips it)..."
  mkdir -p "$PREFIX/aot"
  train_home="$(mktemp -d)"
  # The CLI learns from a short session of common commands (start, status, keygen, keys, usage,
  # receipts verify, stop: cli's AotTraining); the daemon from the replay of `aegis doctor` (a real
  # daemon serving streamed calls, against the built-in fake).
  AEGIS_AOT_TRAIN=cli AEGIS_HOME="$train_home" "$PREFIX/bin/aegis" >/dev/null 2>&1 || true
  AEGIS_AOT_TRAIN=daemon AEGIS_HOME="$train_home" "$PREFIX/bin/aegis" doctor >/dev/null 2>&1 || true
  # The daemon writes its cache as it exits, after doctor has seen it stop.
  for _ in $(seq 600); do
    [ -f "$PREFIX/aot/daemon.aot" ] && [ ! -e "$PREFIX/aot/daemon.aot.config" ] && break
    sleep 0.2
  done
  rm -rf "$train_home"
  if [ -f "$PREFIX/aot/cli.aot" ] && [ -f "$PREFIX/aot/daemon.aot" ]; then
    echo "$run_java" > "$PREFIX/aot/java"
    jar_sums > "$PREFIX/aot/jars"
  else
    echo "Note: the AOT caches could not be built; Aegis runs without them (only start-up is slower)." >&2
    rm -rf "$PREFIX/aot"
  fi
fi
rm -rf "$PREFIX.old"

mkdir -p "$COMPLETION_DIR"
if "$PREFIX/bin/aegis" completion bash > "$COMPLETION_DIR/aegis.tmp" 2>/dev/null; then
  mv "$COMPLETION_DIR/aegis.tmp" "$COMPLETION_DIR/aegis"
else
  rm -f "$COMPLETION_DIR/aegis.tmp"
fi

echo "Installed Aegis in $PREFIX"
[ -x "$PREFIX/runtime/bin/java" ] && echo "  with its own Java runtime ($PREFIX/runtime)"
echo "The aegis command: $BIN_DIR/aegis"
echo "Bash completion: $COMPLETION_DIR/aegis (zsh: add  source <(aegis completion zsh)  to ~/.zshrc)"
case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) echo "Note: $BIN_DIR is not on your PATH. Add it:  export PATH=\"$BIN_DIR:\$PATH\"" ;;
esac
echo "Next:  export OPENAI_API_KEY=sk-...  &&  aegis start"
