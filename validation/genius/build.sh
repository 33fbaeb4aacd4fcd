#!/usr/bin/env bash
# Build the GENIUS 10.4 classes accord's validation needs, from the source vendored in
# yasserfarouk/negmas (external/genius10.4), plus accord's own runner (src/accordval/Runner.java).
# Fetches nothing: NEGMAS_GIT points at a local bare or normal git dir of yasserfarouk/negmas.
#
#   NEGMAS_GIT=/path/to/negmas.git validation/genius/build.sh
#
# Needs javac (OpenJDK 17 tested), Debian's JAXB packages and JAMA:
#   apt-get install libjaxb-api-java libjaxb-java libjama-java
# Only the classes reachable from the runner and the agents listed below are compiled (javac -sourcepath),
# not the whole tree. Classes missing from the vendored copy are supplied by stubs/ (two exceptions, an
# empty RLBOA type, and agents.Jama.Matrix/CholeskyDecomposition delegating to Debian's JAMA 1.0.3, which
# IAMhaggler2011's Gaussian process needs).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REV="${NEGMAS_REV:-5e5c71fdb9872ac19f18e5d77e377f019f3c0149}"
: "${NEGMAS_GIT:?set NEGMAS_GIT to a local git dir of yasserfarouk/negmas}"
WORK="${GENIUS_BUILD:-$HERE/build}"
SRC="$WORK/src"
G="$SRC/external/genius10.4"
mkdir -p "$SRC" "$WORK/classes"
if [ ! -d "$G/src/main/java" ]; then
  git --git-dir="$NEGMAS_GIT" archive "$REV" external/genius10.4/src/main/java | tar -x -C "$SRC"
  mkdir -p "$G/dep"
  for f in $(git --git-dir="$NEGMAS_GIT" ls-tree --name-only "$REV" external/genius10.4/dep/ | grep '\.jar$'); do
    git --git-dir="$NEGMAS_GIT" show "$REV:$f" > "$SRC/$f" 2>/dev/null || rm -f "$SRC/$f"  # some blobs absent
  done
fi
J=/usr/share/java
CP="$(ls "$G"/dep/*.jar | tr '\n' ':')$J/jaxb-api.jar:$J/jaxb-runtime.jar:$J/jaxb-core.jar:$J/jaxb-impl.jar:$J/javax.activation.jar:$J/istack-commons-runtime.jar:$J/txw2.jar:$J/stax-ex.jar:$J/FastInfoset.jar:$J/jama.jar"
A="$G/src/main/java/agents"
javac -nowarn -encoding ISO-8859-1 -proc:none -d "$WORK/classes" -cp "$CP" \
  -sourcepath "$HERE/stubs:$G/src/main/java" \
  "$HERE/src/accordval/Runner.java" \
  "$A/TimeDependentAgentBoulware.java" "$A/TimeDependentAgentConceder.java" \
  "$A/anac/y2010/AgentK/Agent_K.java" "$A/anac/y2011/HardHeaded/KLH.java" \
  "$A/anac/y2011/Gahboninho/Gahboninho.java" "$A/anac/y2011/IAMhaggler2011/IAMhaggler2011.java" "$A/anac/y2012/AgentLG/AgentLG.java" \
  "$A/anac/y2012/CUHKAgent/CUHKAgent.java" "$A/anac/y2015/Atlas3/Atlas3.java" \
  "$A/anac/y2015/ParsAgent/ParsAgent.java" "$A/anac/y2016/caduceus/Caduceus.java"
echo "$WORK/classes:$CP" > "$WORK/classpath"
echo "$REV" > "$WORK/revision"
echo "built $(find "$WORK/classes" -name '*.class' | wc -l) classes into $WORK/classes"
