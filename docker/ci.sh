#!/bin/sh
# CI's Docker step (.ci/run): the images built as docs/deployment.md says, then docker/smoke.sh. Where no Docker
# daemon can run (a container without the privileges), it says so and skips; where one runs, any failure fails CI.
set -eu
cd "$(dirname "$0")/.."
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker-compose >/dev/null 2>&1 \
   || ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose debootstrap >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  (dockerd >/tmp/otklik-ci-dockerd.log 2>&1 &)
  for _ in $(seq 1 30); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
fi
if ! docker info >/dev/null 2>&1; then
  echo "SKIPPED: no Docker daemon could be started on this machine (/tmp/otklik-ci-dockerd.log)"
  exit 0
fi
# No image registry is reachable here: the base image comes from Debian's mirror (make docker-base).
docker image inspect otklik-base:bookworm >/dev/null 2>&1 || make docker-base
make docker BASE=otklik-base:bookworm
sh docker/smoke.sh
