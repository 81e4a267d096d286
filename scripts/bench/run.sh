#!/usr/bin/env bash
# Usage: scripts/bench/run.sh [--latency-n N] [--push-n N] [--noop-events N] [--noop-runs N] [--keep true --dir DIR]
# The benchmark harness (not a test): builds the project's test classes, then runs
# org.vcsreplicator.e2e.Bench with plain `java -cp`. It starts a Kafka broker in its JVM, the
# producer daemon and two mirror consumers in their own JVMs, and prints one table (Markdown) of
# medians and ratios measured in this run: replication latency against a bare `hg pull`, no-op
# throughput of one consumer partition, producer overhead per push, consumer JVM memory.
# docs/benchmarks.md holds the numbers of one run. Takes about 2-4 minutes.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
scripts/setup.sh >&2
cp_file="$root/integration-tests/target/bench-classpath.txt"
echo "bench: building (mvn package -DskipTests, integration-tests and what it needs)..." >&2
mvn -B -q -ntp -pl integration-tests -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
java="java"
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; fi
cd "$root/integration-tests"
exec "$java" -Dlogback.configurationFile="$root/scripts/bench/logback-bench.xml" \
  -cp "$root/integration-tests/target/test-classes:$(cat "$cp_file")" org.vcsreplicator.e2e.Bench "$@"
