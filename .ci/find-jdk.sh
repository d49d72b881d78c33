# Sourced by install.sh and .ci/run: find_jdk prints the home of a JDK 21 or newer.
# Looks at JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*; says what it found when none fits.

jdk_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

find_jdk() {
  local candidates=() seen=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in "${AEGIS_JVM_DIR:-/usr/lib/jvm}"/*; do [ -d "$c" ] && candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    if [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ]; then
      v="$(jdk_major "$c")"
      seen+=("$c (Java ${v:-unknown})")
      if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$c"; return 0; fi
    elif [ -x "$c/bin/java" ]; then
      seen+=("$c (a runtime without javac)")
    fi
  done
  {
    echo "No JDK 21 or newer found. Aegis needs one to build."
    if [ ${#seen[@]} -gt 0 ]; then
      echo "Found instead:"; printf '  %s\n' "${seen[@]}"
    else
      echo "Found no Java at all (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*)."
    fi
    echo "Install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+) or set JAVA_HOME to it."
  } >&2
  return 1
}
