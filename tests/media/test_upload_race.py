"""The hourly upload limit holds under racing requests: counting and inserting are one atomic step
(app/common/locks.py), on SQLite and on PostgreSQL."""

import io
import secrets
import threading

from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.media.models import Upload

RACERS = 8


def _png(n: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64 + n, 48), (n * 20 % 255, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_racing_uploads_cannot_pass_the_hourly_limit(app, client_as, customer):
    app.config["UPLOAD_HOURLY_LIMIT"] = 60
    for _ in range(59):  # the hour so far: one image short of the limit
        db.session.add(
            Upload(
                name=f"{secrets.token_hex(16)}.png",
                owner_id=customer.id,
                content_type="image/png",
                width=1,
                height=1,
                size_bytes=1,
            )
        )
    db.session.commit()
    signed_in = client_as(customer)
    session_cookie, token = signed_in.get_cookie("session").value, signed_in.csrf_token()

    barrier = threading.Barrier(RACERS)
    statuses: list[int] = []

    def upload(n: int) -> None:
        browser = FlaskClient(app, app.response_class, use_cookies=True)  # one browser tab per thread
        browser.set_cookie("session", session_cookie)
        data = {"file": (io.BytesIO(_png(n)), f"photo{n}.png")}
        barrier.wait()
        response = browser.post(
            "/uploads",
            data=data,
            content_type="multipart/form-data",
            headers={"X-CSRFToken": token, "Accept": "application/json"},
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) > 0

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [201] + [429] * (RACERS - 1)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Upload).where(Upload.owner_id == customer.id)) == 60
