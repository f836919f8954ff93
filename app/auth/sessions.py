"""Server-side sign-ins: every login is a row in user_sessions; revoking the row kills its session and remember
cookie everywhere.

- Every `flask_login.login_user(user, remember=...)` starts a fresh sign-in (a new random token, so a new remember
  cookie value) through the `user_logged_in` signal. The caller commits as usual; a sign-in still uncommitted when
  the response leaves is committed then, so a view that logs in after its commit still works.
- Flask-Login keeps the token (not the user id) in the session cookie and the remember cookie; the user loader
  accepts only a token whose row exists and is younger than SESSION_LIFETIME_DAYS.
- `sign_out()` (logout), `revoke_sessions(user)` (sign out everywhere, an admin acting for a user) and
  `revoke_sessions(user, except_token=current_token())` (after a password change: every other browser) delete rows.
"""

import hashlib
import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request, session
from flask_login import current_user, logout_user, user_logged_in
from sqlalchemy import delete, inspect, select

from app.auth.models import User, UserSession
from app.common.db import utcnow
from app.extensions import db

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(days=current_app.config.get("SESSION_LIFETIME_DAYS", 30))


# --- services (no request, no commit) ---------------------------------------------------------------------


def start_session(user: User, user_agent: str | None = None) -> tuple[str, UserSession]:
    """A new sign-in for `user`: returns its token (shown to the browser once) and the row."""
    token = secrets.token_urlsafe(32)
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at < utcnow() - _lifetime())
    )
    row = UserSession(user_id=user.id, token_hash=_hash(token), user_agent=(user_agent or "")[:200] or None)
    db.session.add(row)
    db.session.flush()
    return token, row


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def revoke_sessions(user: User, except_token: str | None = None) -> int:
    """Sign `user` out of every browser (but the one holding `except_token`). Returns how many were ended."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if except_token:
        statement = statement.where(UserSession.token_hash != _hash(except_token))
    return db.session.execute(statement).rowcount


def load_user_for_token(token: str) -> User | None:
    """Flask-Login's user loader: the user of a live sign-in, or None (signed out, revoked, expired, old cookie)."""
    if not token or not _TOKEN_RE.fullmatch(token):
        return None
    user = db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _hash(token), UserSession.created_at >= utcnow() - _lifetime())
    )
    if user is not None:
        user.session_token = token
    return user


# --- the current request ------------------------------------------------------------------------------------


def current_token() -> str | None:
    return getattr(current_user, "session_token", None) if current_user.is_authenticated else None


def sign_out() -> None:
    """Log this browser out and end its sign-in on the server (the caller commits)."""
    end_session(current_token())
    logout_user()


def _on_login(_app, user, **_extra) -> None:
    previous = user.session_token
    agent = request.user_agent.string if has_request_context() else None
    token, row = start_session(user, agent)
    end_session(previous)  # a new login in the same browser replaces its old sign-in
    user.session_token = token
    session["_user_id"] = token
    g.new_user_session = row


def _commit_new_sign_in(response):
    """A sign-in made after the view's commit (login_user() last) is committed here. Not only while the row is
    pending: anything that queried the database since (another after-request hook) has flushed it already."""
    row = g.pop("new_user_session", None)
    if row is not None and response.status_code < 400 and not inspect(row).detached:
        db.session.commit()
    return response


def configure_cookies(app) -> None:
    """HttpOnly, SameSite=Lax; Secure and `__Host-` names when the site is served over HTTPS."""
    config = app.config
    secure = bool(config.get("SESSION_COOKIE_SECURE")) or urlsplit(config.get("PUBLIC_URL") or "").scheme == "https"
    config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = secure
    config["SESSION_COOKIE_HTTPONLY"] = config["REMEMBER_COOKIE_HTTPONLY"] = True
    config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=config.get("SESSION_LIFETIME_DAYS", 30)))
    if secure:
        # __Host-: the browser accepts the cookie only if Secure, Path=/ and no Domain (no subdomain can set it).
        config["SESSION_COOKIE_NAME"] = "__Host-session"
        config["REMEMBER_COOKIE_NAME"] = "__Host-remember_token"
        config["SESSION_COOKIE_DOMAIN"] = config["REMEMBER_COOKIE_DOMAIN"] = None
        config["SESSION_COOKIE_PATH"] = config["REMEMBER_COOKIE_PATH"] = "/"


def init_app(app) -> None:
    from app.extensions import login_manager

    login_manager.id_attribute = "get_session_token"
    configure_cookies(app)
    user_logged_in.connect(_on_login, app)
    app.after_request(_commit_new_sign_in)
