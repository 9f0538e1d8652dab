#!/usr/bin/env bash
# Builds the test-only Jenkins stand-in into a runnable jar named jenkins.war:
#   tests/fakes/jenkins/build.sh [outdir] [--core-version V] [--schemas DIR]
#     outdir          default tests/fakes/jenkins/build
#     --core-version  the Jenkins core the stand-in is (manifest Jenkins-Version, X-Jenkins, its schema and Java
#                     list); default: jenkins_controller_version of roles/jenkins_controller/defaults/main.yml
#     --schemas       the JCasC schema tree bundled into the jar; default plugins/module_utils/jcasc/schemas
# Needs a JDK >= 17 (javac, jar). Prints the path of the built file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
outdir=""
core=""
schemas="$root/plugins/module_utils/jcasc/schemas"
while [ $# -gt 0 ]; do
    case "$1" in
        --core-version) core="${2:?--core-version needs a value}"; shift 2 ;;
        --core-version=*) core="${1#*=}"; shift ;;
        --schemas) schemas="${2:?--schemas needs a directory}"; shift 2 ;;
        --schemas=*) schemas="${1#*=}"; shift ;;
        -*) echo "build.sh: unknown option $1" >&2; exit 2 ;;
        *) [ -z "$outdir" ] || { echo "build.sh: one outdir only" >&2; exit 2; }; outdir="$1"; shift ;;
    esac
done
if [ -z "$core" ]; then
    defaults="$root/roles/jenkins_controller/defaults/main.yml"
    core="$(sed -n 's/^jenkins_controller_version:[[:space:]]*["'\'']\{0,1\}\([^"'\''[:space:]]*\).*/\1/p' "$defaults")"
    [ -n "$core" ] || { echo "build.sh: no jenkins_controller_version in $defaults" >&2; exit 1; }
fi
outdir="${outdir:-$here/build}"
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT

javac --release 17 -encoding UTF-8 -Xlint:all -Werror -d "$classes" "$here"/src/fake/jenkins/*.java
# The stand-in refuses to start without its core's schema; a build without schemas still succeeds so that the
# refusal (with its reason) happens where the stand-in runs.
mkdir -p "$classes/schemas"
if [ -d "$schemas" ]; then
    cp -R "$schemas"/. "$classes/schemas/"
else
    echo "build.sh: warning: no JCasC schemas at $schemas; the stand-in will refuse to start" >&2
fi
(cd "$classes/schemas" && find . -name '*.json' | sed 's|^\./||' | LC_ALL=C sort >INDEX)
printf 'Jenkins-Version: %s\nX-Jenkins-Stand-In: true\n' "$core" >"$classes/manifest.add"
jar --create --file "$outdir/jenkins.war.tmp" --main-class fake.jenkins.Main --manifest "$classes/manifest.add" \
    -C "$classes" fake -C "$classes" schemas
mv "$outdir/jenkins.war.tmp" "$outdir/jenkins.war"
echo "$outdir/jenkins.war"
