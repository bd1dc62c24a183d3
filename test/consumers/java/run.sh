#!/usr/bin/env bash
# Builds the Java consumer app against the packed jar (dist/java, from
# `npx projen package:java`) and runs it: the cloud assembly, with
# ConsumerStack.template.json, goes to the directory given.
#
# CONSUMER_JAVA_DIST names the Maven repository folder the jar is taken from
# (default dist/java, where `npx projen package:java` puts it).
#
# Dependencies go to a Maven repository of the consumer tests' own,
# .cache/consumers/m2 (ignored by git): the first run downloads aws-cdk-lib and
# the plugins from Maven Central; later runs with the same pom.xml are offline.
# The jar is installed into it on every run, because its version (package.json's,
# 0.0.0 in development) stays the same while its contents change: a repository
# that cached it once would otherwise keep building against the old jar.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 <outdir>" >&2
  exit 2
fi
outdir=$1

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
version=$(node -p "require('$root/package.json').version")
dist=${CONSUMER_JAVA_DIST:-$root/dist/java}
artifact=$dist/io/github/cdkmlops/cdk-mlops-framework/$version
jar=$artifact/cdk-mlops-framework-$version.jar
pom=$artifact/cdk-mlops-framework-$version.pom
if [ ! -f "$jar" ] || [ ! -f "$pom" ]; then
  echo "java consumer: no jar of cdk-mlops-framework $version in $dist: run npx projen compile && npx projen package:java" >&2
  exit 1
fi

m2=$root/.cache/consumers/m2
target=$root/.cache/consumers/java-target
mkdir -p "$m2"

# Offline once this pom's dependencies are all in the repository; a changed
# pom.xml (new plugin, new version) goes online once more.
stamp=$m2/.java-consumer-pom.sha256
pom_sum=$(sha256sum "$here/pom.xml" | cut -d' ' -f1)
offline=()
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pom_sum" ]; then
  offline=(-o)
fi

mvn_() {
  mvn -B -q "${offline[@]}" -f "$here/pom.xml" -Dmaven.repo.local="$m2" -Dmlops.version="$version" "$@"
}

started=$SECONDS
# One Maven run (each start costs seconds): the jar is installed before compile
# resolves the dependencies.
if ! mvn_ org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file -Dfile="$jar" -DpomFile="$pom" \
  compile dependency:build-classpath -Dmdep.outputFile="$target/classpath.txt"; then
  if [ ${#offline[@]} -gt 0 ]; then
    echo "java consumer: the offline Maven build failed; if the repository is incomplete, delete $m2 to download again" >&2
  fi
  exit 1
fi
echo "$pom_sum" > "$stamp"
built=$SECONDS

java -cp "$target/classes:$(cat "$target/classpath.txt")" io.github.cdkmlops.consumer.ConsumerApp "$outdir"
echo "java consumer: maven ${offline[*]:-online} $((built - started))s, synth $((SECONDS - built))s" >&2
