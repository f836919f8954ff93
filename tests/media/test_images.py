"""What store_image keeps of an image: the pixels, in one of four formats, within the limits; nothing else."""

import io

import pytest
from PIL import Image, ImageCms
from werkzeug.datastructures import FileStorage

from app.common.errors import DomainError
from app.extensions import db
from app.media import services
from app.media.models import Upload
from app.media.storage import get_storage
from tests.media.conftest import stored_files
from tests.media.imaging import (
    animated_gif,
    image_bytes,
    jpeg_markers,
    jpeg_with_metadata,
    metadata_of,
    png_chunks,
    png_claiming_size,
    png_with_text_chunks,
)

UNSUPPORTED = "Only JPEG, PNG, GIF and WebP images can be uploaded."
DAMAGED = "This image is damaged or incomplete and cannot be shown."


def store(owner, data: bytes, filename: str = "file.bin") -> Upload:
    upload = services.store_image(owner, FileStorage(io.BytesIO(data), filename=filename))
    db.session.commit()
    return upload


def stored_bytes(upload: Upload) -> bytes:
    with get_storage().open(upload.name) as handle:
        return handle.read()


def refused(owner, data: bytes, filename: str = "file.bin") -> str:
    with pytest.raises(DomainError) as error:
        services.store_image(owner, FileStorage(io.BytesIO(data), filename=filename))
    db.session.rollback()
    return str(error.value.message)


@pytest.mark.parametrize(
    "fmt, mode, content_type, extension",
    [
        ("JPEG", "RGB", "image/jpeg", "jpg"),
        ("PNG", "RGBA", "image/png", "png"),
        ("PNG", "P", "image/png", "png"),
        ("GIF", "P", "image/gif", "gif"),
        ("WEBP", "RGB", "image/webp", "webp"),
        ("WEBP", "RGBA", "image/webp", "webp"),
    ],
)
def test_the_four_formats_are_stored_by_their_decoded_format(app, customer, fmt, mode, content_type, extension):
    color = (1, 2, 3, 128) if mode == "RGBA" else (5 if mode == "P" else (1, 2, 3))
    upload = store(customer, image_bytes(fmt, (31, 17), mode, color), filename="innocent.svg")
    assert upload.content_type == content_type
    assert upload.name.endswith("." + extension) and len(upload.name) == 32 + 1 + len(extension)
    assert (upload.width, upload.height) == (31, 17)
    data = stored_bytes(upload)
    assert upload.size_bytes == len(data)
    assert metadata_of(data)["format"] == fmt
    assert upload.owner_id == customer.id and upload.attached_kind is None


def test_names_are_random_and_never_the_clients(app, customer):
    names = {store(customer, image_bytes(), filename="../../etc/passwd.png").name for _ in range(3)}
    assert len(names) == 3
    files = stored_files(app)
    assert sorted(p.name for p in files) == sorted(names)
    assert all("passwd" not in str(p) for p in files)


def test_jpeg_metadata_is_stripped_and_orientation_applied(app, customer):
    upload = store(customer, jpeg_with_metadata(size=(40, 20), orientation=6))
    data = stored_bytes(upload)
    meta = metadata_of(data)
    assert meta["exif"] == {} and meta["info"] == {}, meta
    assert "icc_profile" not in meta["info"]
    # Only the segments needed to show the picture: no APP1 (EXIF/XMP), APP2 (ICC), APP13 (IPTC) or COM.
    assert set(jpeg_markers(data)) <= {"SOI", "APP0", "DQT", "SOF0", "DHT", "SOS"}
    for needle in (b"<script", b"EvilCam", b"XMP-SECRET", b"Exif"):
        assert needle not in data
    # Orientation 6 (rotate 90°) is applied to the pixels before the EXIF block goes.
    assert meta["size"] == (20, 40) and (upload.width, upload.height) == (20, 40)


def test_png_text_chunks_exif_and_xmp_are_stripped(app, customer):
    upload = store(customer, png_with_text_chunks())
    data = stored_bytes(upload)
    assert set(png_chunks(data)) <= {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}
    meta = metadata_of(data)
    assert meta["text"] == {} and meta["exif"] == {} and meta["info"] == {}
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGBA" and image.getpixel((3, 3)) == (0, 255, 0, 128)


def test_icc_profiles_are_dropped_and_cmyk_becomes_rgb(app, customer):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("CMYK", (8, 8), (0, 200, 200, 0)).save(buffer, format="JPEG", icc_profile=srgb, quality=95)
    upload = store(customer, buffer.getvalue())
    data = stored_bytes(upload)
    assert "APP2" not in jpeg_markers(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGB" and "icc_profile" not in image.info


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "WEBP"])
def test_animations_stay_animated_without_their_metadata(app, customer, fmt):
    upload = store(customer, animated_gif(frames=4, fmt=fmt))
    data = stored_bytes(upload)
    meta = metadata_of(data)
    assert meta["format"] == fmt and meta["frames"] == 4
    assert b"gif comment" not in data and "comment" not in meta["info"] and meta["exif"] == {}


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO", "PPM", "TGA"])
def test_formats_pillow_knows_but_we_do_not_serve_are_refused(app, customer, fmt):
    assert refused(customer, image_bytes(fmt, (16, 16)), filename="photo.png") == UNSUPPORTED
    assert db.session.query(Upload).count() == 0


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"<!doctype html><script>alert(1)</script>",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        b"GIF89a<script>alert(1)</script>",  # a "GIFAR"-style polyglot: a GIF header, then HTML
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
        b"\xff\xd8\xff\xe0<script>alert(1)</script>",
    ],
)
def test_polyglots_svg_and_html_are_refused(app, customer, data):
    assert refused(customer, data) in (UNSUPPORTED, DAMAGED)
    assert stored_files(app) == []


def test_html_appended_to_a_valid_image_does_not_survive(app, customer):
    data = image_bytes("PNG") + b"<html><script>alert(1)</script></html>"
    upload = store(customer, data)
    stored = stored_bytes(upload)
    assert b"<script" not in stored and png_chunks(stored)[-1] == "IEND"


def test_truncated_image_is_refused_as_damaged(app, customer):
    data = image_bytes("PNG", (200, 200), "RGB", (1, 2, 3), compress_level=0)
    assert refused(customer, data[: len(data) // 2]) == DAMAGED


def test_corrupt_exif_block_is_not_an_error(app, customer):
    data = bytearray(jpeg_with_metadata())
    at = data.find(b"Exif\x00\x00")
    data[at + 10 : at + 40] = b"\xff" * 30  # wreck the IFD offsets
    upload = store(customer, bytes(data))
    assert metadata_of(stored_bytes(upload))["exif"] == {}


def test_size_limit_has_a_clear_message(app, customer):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    data = image_bytes("PNG", (300, 300), "RGB", (1, 2, 3), compress_level=0)
    assert refused(customer, data) == "The file is too large: at most 0.000953674 MB are allowed."
    app.config["UPLOAD_MAX_BYTES"] = 2 * 1024 * 1024
    assert refused(customer, b"\0" * (2 * 1024 * 1024 + 1)) == "The file is too large: at most 2 MB are allowed."


def test_empty_file_is_refused(app, customer):
    assert refused(customer, b"") == "The file is empty."


def test_pixel_limit_has_a_clear_message(app, customer):
    app.config["UPLOAD_MAX_PIXELS"] = 10_000
    assert (
        refused(customer, image_bytes("PNG", (101, 100)))
        == "The image is too large: at most 0.01 megapixels are allowed."
    )
    assert store(customer, image_bytes("PNG", (100, 100))).width == 100


@pytest.mark.parametrize("width, height", [(6000, 6000), (100_000, 100_000), (2**31 - 1, 2**31 - 1)])
def test_decompression_bombs_are_refused_before_decoding(app, customer, width, height):
    """A small file whose header claims a huge picture: refused by the header, never decoded (no MemoryError),
    whether our own check or Pillow's DecompressionBombWarning/Error catches it first."""
    data = png_claiming_size(width, height)
    assert len(data) < 100
    assert refused(customer, data) == "The image is too large: at most 25 megapixels are allowed."


def test_long_animations_are_refused(app, customer):
    app.config["UPLOAD_MAX_ANIMATION_PIXELS"] = 20 * 20 * 5
    message = refused(customer, animated_gif(frames=6, size=(20, 20)))
    assert message.startswith("The animation is too long or too large")
    assert store(customer, animated_gif(frames=5, size=(20, 20))).content_type == "image/gif"


def test_anonymous_cannot_store(app):
    from flask_login import AnonymousUserMixin

    with pytest.raises(DomainError):
        services.store_image(AnonymousUserMixin(), FileStorage(io.BytesIO(image_bytes()), filename="a.png"))


def test_hourly_limit(app, customer):
    app.config["UPLOAD_HOURLY_LIMIT"] = 2
    store(customer, image_bytes())
    store(customer, image_bytes())
    with pytest.raises(services.TooManyUploads):
        services.store_image(customer, FileStorage(io.BytesIO(image_bytes()), filename="a.png"))
