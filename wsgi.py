"""WSGI entry point: gunicorn wsgi:app (also `flask --app wsgi:app worker`)."""

import gc

from app import create_app

app = create_app()

# Everything importing and creating the app allocated lives as long as the process: frozen, the cyclic garbage
# collector's full collections no longer walk it (on a warm worker ~130 ms per full collection at load 2-6
# before, ~15 ms after; such pauses landed in random requests: issue 14, bench/README.md "Suggest spikes").
gc.freeze()
