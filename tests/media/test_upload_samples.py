"""Every malicious upload sample (../shared/data/xss/upload-samples, or its copy in tests/data) ends as its README says.

Each file goes through the real path: POST /uploads as a signed-in customer (what the editor's script
sends), then the image is fetched back from /media/<name> as a visitor would after it is posted.
"""

import pytest

from app.extensions import db
from app.media.models import Upload
from tests.corpora import HOW_TO_GET, UPLOAD_SAMPLES
from tests.helpers import page
from tests.media.conftest import name_from, post_image, stored_files
from tests.media.imaging import jpeg_markers, metadata_of, png_chunks

SAMPLES = UPLOAD_SAMPLES

REJECT, ACCEPT = "reject", "accept"
# From the README's table: SVG and HTML are refused; photos with payloads in their metadata are accepted
# and stored without any metadata.
EXPECTED = {
    "SVG_XSS1.svg": REJECT,
    "SVG_XSS2.svg": REJECT,
    "SVG_XSS3.svg": REJECT,
    "SVG_XSS_green_triangle.svg": REJECT,
    "SVG_XSS_nested_svg.svg": REJECT,
    "SVG_XSS_nested_use_xlink.svg": REJECT,
    "SVG_XSS_nested_img_xlink.svg": REJECT,
    "payload_in_all_known_metadata.jpg": ACCEPT,
    "payload_in_all_known_metadata.png": ACCEPT,
    "payload_in_all_known_exif_corrupted.jpg": ACCEPT,
    "xss_comment_exif_metadata_double_quote.png": ACCEPT,
    "xss_comment_exif_metadata_single_quote.png": ACCEPT,
    "imagemagick_CVE-2022-44268_convert_etc_passwd.png": ACCEPT,
    "xss.html": REJECT,
}
# Client-side content types a hostile client might claim; they must change nothing.
CLAIMED_TYPES = {".svg": "image/svg+xml", ".html": "image/png", ".jpg": "image/jpeg", ".png": "image/png"}

requires_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"upload samples not found at {SAMPLES} ({HOW_TO_GET})"
)


def _samples() -> list[str]:
    return (
        sorted(p.name for p in SAMPLES.iterdir() if p.is_file() and p.name != "README.md") if SAMPLES.is_dir() else []
    )


@requires_samples
def test_every_sample_has_an_expectation():
    assert sorted(EXPECTED) == _samples(), "a sample was added or removed: say how it must end in EXPECTED"


@requires_samples
@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_sample_is_handled_as_the_readme_says(app, uploader, client_as, make_category, customer, sample):
    path = SAMPLES / sample
    if not path.is_file():
        pytest.skip(f"{sample} is not in {SAMPLES}")
    data = path.read_bytes()
    response = post_image(uploader, data, filename=sample, content_type=CLAIMED_TYPES.get(path.suffix))

    if EXPECTED[sample] == REJECT:
        assert response.status_code == 400, response.get_data(as_text=True)
        assert response.get_json() == {"error": "Only JPEG, PNG, GIF and WebP images can be uploaded."}
        assert db.session.query(Upload).count() == 0
        assert stored_files(app) == []
        return

    assert response.status_code == 201, response.get_data(as_text=True)
    name = name_from(response)
    assert name.rsplit(".", 1)[1] == path.suffix.lstrip(".")
    # Posted in a public topic, the image is served to anyone, as an image, never sniffed as something else.
    markdown = response.get_json()["markdown"]
    topic_page = uploader.post(
        "/new",
        {
            "type": "question",
            "title": "A picture of the problem",
            "body": f"Look:\n\n{markdown}",
            "category_id": make_category().id,
            "mood": "upset",
            "confirmed": "1",
        },
        follow_redirects=True,
    )
    assert topic_page.status_code == 200
    topic_body = page(topic_page).find("article", class_="topic").find("div", class_="body")
    assert [img.get("src") for img in topic_body.find_all("img")] == [f"/media/{name}"]
    assert topic_body.find("script") is None and "alert" not in topic_body.text
    served = client_as().get(f"/media/{name}", buffered=True)
    assert served.status_code == 200
    assert served.mimetype == {"jpg": "image/jpeg", "png": "image/png"}[name.rsplit(".", 1)[1]]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    body = served.data
    # The stored copy is re-encoded: no payload, no metadata, no extra chunks.
    for needle in (b"<script", b"alert(", b"/etc/passwd", b"profile", b"Exif", b"http://ns.adobe.com", b"xmp"):
        assert needle not in body, needle
    meta = metadata_of(body)
    assert meta["info"] == {} and meta["exif"] == {} and meta["text"] == {}
    if name.endswith(".png"):
        assert set(png_chunks(body)) <= {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}
    else:
        assert set(jpeg_markers(body)) <= {"SOI", "APP0", "DQT", "SOF0", "SOF2", "DHT", "DRI", "SOS"}


@requires_samples
def test_metadata_values_never_reach_a_page_unescaped(app, uploader):
    """Uploading returns Markdown whose alt text comes from the file name, cleaned; nothing else is echoed."""
    data = (SAMPLES / "payload_in_all_known_metadata.jpg").read_bytes()
    response = post_image(uploader, data, filename="<img src=x onerror=alert(1)>.jpg")
    assert response.status_code == 201
    markdown = response.get_json()["markdown"]
    assert markdown.startswith("![img src x onerror alert 1](/media/")
    assert "<" not in response.get_data(as_text=True)
