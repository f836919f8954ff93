import io
from pathlib import Path

import pytest

from app.media.storage import NAME_RE


def post_image(client, data: bytes, filename: str = "photo.png", content_type: str | None = None, csrf: bool = True):
    """What upload.js sends: multipart field "file", the CSRF token in X-CSRFToken, JSON wanted back."""
    headers = {"Accept": "application/json"}
    if csrf:
        headers["X-CSRFToken"] = client.csrf_token()
    file = (io.BytesIO(data), filename, content_type) if content_type else (io.BytesIO(data), filename)
    return client.post_raw("/uploads", data={"file": file}, headers=headers, content_type="multipart/form-data")


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.glob("**/*") if p.is_file()) if root.exists() else []


def name_from(response) -> str:
    url = response.get_json()["url"]
    assert url.startswith("/media/")
    name = url.removeprefix("/media/")
    assert NAME_RE.match(name), name
    return name


@pytest.fixture
def uploader(client_as, customer):
    """A logged-in customer's client (the `customer` fixture) for posting images."""
    return client_as(customer)
