#!/usr/bin/env bash
# Installs LocalStack's Step Functions engine (the second engine of tests/engines) without Docker:
# its own venv on CPython 3.12+ with the pinned dependencies, and the FILESYSTEM_ROOT layout that holds the JSONata
# jar, Debian's Jackson jars and a JDK. Everything goes under .engines/ (gitignored); a rerun with the same pins and
# assets does nothing. Facts: ../shared/engines/localstack/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ASSETS="${PYAWSSFN_LOCALSTACK_ASSETS:-$(cd .. && pwd)/shared/engines/localstack}"
CACHE="${PYAWSSFN_ENGINES_CACHE:-$PWD/.engines}"
LOCALSTACK="localstack-core[base-runtime]==2026.3.0"
for f in constraints.txt jsonata-0.9.7.jar; do
  [ -f "$ASSETS/$f" ] || { echo "engines setup: $ASSETS/$f is missing (set PYAWSSFN_LOCALSTACK_ASSETS)"; exit 1; }
done

# Jackson (for the JSONata jar) and a JDK with libjvm.so, from Debian.
need=()
ls /usr/share/java/jackson-databind-2.14*.jar >/dev/null 2>&1 || need+=(libjackson2-databind-java)
JAVA_HOME_FOUND=""
for j in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/java-*-openjdk-* /usr/lib/jvm/*; do
  if [ -x "$j/bin/java" ] && [ -f "$j/lib/server/libjvm.so" ]; then JAVA_HOME_FOUND="$j"; break; fi
done
[ -n "$JAVA_HOME_FOUND" ] || need+=(openjdk-17-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}") \
    >/tmp/pyawssfn-engines-apt.log 2>&1 || { echo "apt-get install ${need[*]} failed:"; tail -20 /tmp/pyawssfn-engines-apt.log; exit 1; }
  for j in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/*; do
    if [ -x "$j/bin/java" ] && [ -f "$j/lib/server/libjvm.so" ]; then JAVA_HOME_FOUND="$j"; break; fi
  done
fi

# FILESYSTEM_ROOT: the jars where LocalStack looks for them, and the JDK where it expects its own Java 21.
LIB="$CACHE/root/var/lib/localstack/lib"
mkdir -p "$LIB/jsonata/0.9.7" "$LIB/java"
cp -f "$ASSETS/jsonata-0.9.7.jar" "$LIB/jsonata/0.9.7/"
for name in core annotations databind; do
  jar=$(ls /usr/share/java/jackson-$name-2.14*.jar | head -1)
  cp -f "$jar" "$LIB/jsonata/0.9.7/"
done
ln -sfn "$JAVA_HOME_FOUND" "$LIB/java/21"

# The venv: CPython 3.13+ (LocalStack 2026.3 imports `warnings.deprecated`, new in 3.13), from pyenv or PATH.
PY=""
PYENV_VERSIONS="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")/versions"
for cand in $(ls -d "$PYENV_VERSIONS"/3.* 2>/dev/null | sort -rV | sed 's|$|/bin/python3|') python3.14 python3.13 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; then
    PY="$cand"; break
  fi
done
[ -n "$PY" ] || { echo "engines setup: no CPython 3.13+ found (pyenv or python3.13 on PATH)"; exit 1; }
STAMP="$CACHE/venv/.pyawssfn-stamp"
WANT="$LOCALSTACK $(sha256sum "$ASSETS/constraints.txt" | cut -c1-16) $("$PY" -c 'import sys; print(sys.version.split()[0])')"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  rm -rf "$CACHE/venv"
  "$PY" -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check -c "$ASSETS/constraints.txt" \
    "$LOCALSTACK" antlr4-python3-runtime jpype1 jsonpath-ng moto-ext boto3 >/tmp/pyawssfn-engines-pip.log 2>&1 \
    || { echo "engines setup: pip install failed:"; tail -20 /tmp/pyawssfn-engines-pip.log; exit 1; }
  echo "$WANT" >"$STAMP"
fi
echo "engines setup: LocalStack ready in $CACHE"
