"""gunicorn settings for Otklik: `gunicorn -c docs/gunicorn.conf.py wsgi:app` (see docs/deployment.md).
Every value can be overridden with GUNICORN_* environment variables below or on the command line."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx in front; never expose gunicorn directly
# Processes: the analyser is CPU-bound Python, so about one process per core; threads cover I/O waits.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a stuck worker is killed and replaced
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory growth of long-lived processes), not all at once.
max_requests = 5000
max_requests_jitter = 500
# Otklik logs one line per request itself (with the request id, without secrets): no gunicorn access log.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")
# Do not load the app in the master: each worker builds its own database pool and starts its own threads.
preload_app = False
