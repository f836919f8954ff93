"""The fast path's signing (app/common/quicksign.py) writes the very strings itsdangerous writes, so Flask's
session and Flask-WTF read them."""

import hashlib
import json
import os

from flask import session as flask_session
from flask_wtf.csrf import validate_csrf
from itsdangerous import URLSafeTimedSerializer

from app.common.quicksign import QuickDumps


def test_session_and_csrf_values_equal_itsdangerous_and_are_accepted(app):
    session = app.session_interface.get_signing_serializer(app)
    csrf = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    quick_session, quick_csrf = QuickDumps(session), QuickDumps(csrf)
    for _ in range(200):
        token = hashlib.sha1(os.urandom(64)).hexdigest()  # as Flask-WTF makes one
        data = {"csrf_token": token}
        cookie = quick_session.dumps(data, json.dumps(data, separators=(",", ":")).encode())
        signed = quick_csrf.dumps(token)
        assert (cookie, signed) == (session.dumps(data), csrf.dumps(token)) or (
            # the second turned between the two calls: compare what the readers get
            session.loads(cookie) == data and csrf.loads(signed) == token
        )
    with app.test_request_context():
        flask_session["csrf_token"] = token
        validate_csrf(signed)  # raises when Flask-WTF refuses the token


def test_long_payloads_go_through_itsdangerous(app):
    serializer = URLSafeTimedSerializer(app.secret_key, salt="s")
    value = {"x": "a" * 500}
    assert QuickDumps(serializer).dumps(value) == serializer.dumps(value)  # compressed: starts with "."
    assert QuickDumps(serializer).dumps(value).startswith(".")
