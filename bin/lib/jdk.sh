# Sourced by the bin/ scripts: exports JAVA_HOME pointing at a JDK >= 21 (D1).
# JAVA_HOME wins when it already is one; otherwise the newest JDK under /usr/lib/jvm.

java_major() { # prints the feature version of the java binary in $1, or 0
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  echo "${v:-0}"
}

select_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ]; then
    return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d")
    if [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  if [ "$best_v" -lt 21 ]; then
    echo "syntrix: no JDK >= 21 found (set JAVA_HOME or install one under /usr/lib/jvm)" >&2
    return 1
  fi
  export JAVA_HOME=$best
}

select_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
