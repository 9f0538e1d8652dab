#!/usr/bin/env bash
# Builds the test-only Jenkins stand-in into a runnable jar named jenkins.war:
#   tests/fakes/jenkins/build.sh [outdir]      (default: tests/fakes/jenkins/build)
# Needs a JDK >= 17 (javac, jar). Prints the path of the built file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
outdir="${1:-$here/build}"
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT

javac --release 17 -Xlint:all -Werror -d "$classes" "$here"/src/fake/jenkins/*.java
jar --create --file "$outdir/jenkins.war.tmp" --main-class fake.jenkins.Main -C "$classes" .
mv "$outdir/jenkins.war.tmp" "$outdir/jenkins.war"
echo "$outdir/jenkins.war"
