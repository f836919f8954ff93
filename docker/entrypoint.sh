#!/bin/sh
# The image's commands: web (gunicorn), worker (RQ workers: flask worker), migrate (flask db upgrade, once per
# upgrade, before the web nodes), demo (the demo community); anything else runs as given (e.g. flask stats).
set -eu
command="${1:-web}"
case "$command" in
  web)
    shift || true
    exec gunicorn -c docs/gunicorn.conf.py "$@" wsgi:app ;;
  worker)
    shift
    exec flask worker "$@" ;;
  migrate)
    exec flask db upgrade ;;
  demo)
    exec flask demo ;;
  *)
    exec "$@" ;;
esac
