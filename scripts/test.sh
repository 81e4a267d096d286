#!/usr/bin/env bash
# The test command of the README: set-up on a fresh machine, then every unit test (surefire)
# and every integration test (failsafe: real Kafka broker in-process, real hg, real AMQP).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec mvn -B -ntp verify "$@"
