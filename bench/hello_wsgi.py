"""A bare Flask "hello" route: the yardstick for the page throughput benchmark (gunicorn bench.hello_wsgi:app)."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, world!"
