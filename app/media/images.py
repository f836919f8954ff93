"""Decode an untrusted image with Pillow and re-encode it with nothing but its pixels.

Only the decoded format counts (never the file name or the client's content type). The output is a
fresh image built from the pixel data, so EXIF, XMP, IPTC, ICC profiles, PNG text chunks and JPEG/GIF
comments cannot survive; colours in another ICC profile are first converted to sRGB. JPEG orientation is
applied to the pixels before the EXIF block is dropped. Animated GIF, PNG and WebP stay animated (each
frame re-encoded), within a budget of frames and decoded pixels.
"""

import io
import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, ImageSequence

from app.common.errors import DomainError

log = logging.getLogger(__name__)

# Decoded format -> (format to write, extension, content type).
FORMATS = {
    "JPEG": ("JPEG", "jpg", "image/jpeg"),
    "MPO": ("JPEG", "jpg", "image/jpeg"),  # a JPEG with extra frames (phone cameras): the first frame is kept
    "PNG": ("PNG", "png", "image/png"),
    "GIF": ("GIF", "gif", "image/gif"),
    "WEBP": ("WEBP", "webp", "image/webp"),
}
# The Pillow plugins allowed to even look at the bytes.
OPEN_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
MAX_FRAMES = 300


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    max_animation_pixels: int


@dataclass
class CleanImage:
    data: bytes
    extension: str
    content_type: str
    width: int
    height: int


def _unsupported() -> DomainError:
    return DomainError(_l("Only JPEG, PNG, GIF and WebP images can be uploaded."), field="file")


def _damaged() -> DomainError:
    return DomainError(_l("This image is damaged or incomplete and cannot be shown."), field="file")


def _too_many_pixels(limits: Limits) -> DomainError:
    return DomainError(
        _l("The image is too large: at most %(mp)s megapixels are allowed.", mp=_megapixels(limits.max_pixels)),
        field="file",
    )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:g}"


def clean_image(data: bytes, limits: Limits) -> CleanImage:
    """Validate and re-encode; raise DomainError with a message for the user when the file is refused."""
    if len(data) > limits.max_bytes:
        raise DomainError(
            _l("The file is too large: at most %(mb)s MB are allowed.", mb=f"{limits.max_bytes / 1024 / 1024:g}"),
            field="file",
        )
    if not data:
        raise DomainError(_l("The file is empty."), field="file")
    try:
        return _clean(data, limits)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(limits) from None
    except Image.UnidentifiedImageError:
        raise _unsupported() from None
    except MemoryError:
        raise _too_many_pixels(limits) from None
    except Exception as error:
        log.info("rejected an undecodable image: %s: %s", type(error).__name__, error)
        raise _damaged() from None


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data), formats=OPEN_FORMATS)


def _clean(data: bytes, limits: Limits) -> CleanImage:
    # Pillow refuses (DecompressionBombError) at twice MAX_IMAGE_PIXELS and warns above it; the app turns
    # the warning into an error at start-up (media.routes._configure_pillow). The header is read, nothing is decoded yet.
    with _open(data) as probe:
        if probe.format not in FORMATS:
            raise _unsupported()
        if probe.width < 1 or probe.height < 1 or probe.width * probe.height > limits.max_pixels:
            raise _too_many_pixels(limits)
        probe.verify()  # structure and checksums (PNG CRCs); the image must be opened again afterwards
    with _open(data) as image:
        out_format, extension, content_type = FORMATS[image.format]
        frames = getattr(image, "n_frames", 1) if image.format != "MPO" else 1
        if frames > 1:
            if frames > MAX_FRAMES or frames * image.width * image.height > limits.max_animation_pixels:
                raise DomainError(
                    _l(
                        "The animation is too long or too large: at most %(n)d frames and %(mp)s megapixels "
                        "in all frames together are allowed.",
                        n=MAX_FRAMES,
                        mp=_megapixels(limits.max_animation_pixels),
                    ),
                    field="file",
                )
            encoded, size = _encode_animation(image, out_format)
        else:
            image.load()  # full decode: truncated or corrupt data fails here
            upright = _upright(image) if out_format == "JPEG" else image
            frame = _fresh(_to_output_mode(_to_srgb(upright), out_format))
            encoded, size = _encode_still(frame, out_format), frame.size
    if len(encoded) > 2 * limits.max_bytes:
        raise DomainError(
            _l("The image is too large after processing. Try a smaller or simpler picture."), field="file"
        )
    return CleanImage(data=encoded, extension=extension, content_type=content_type, width=size[0], height=size[1])


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation to the pixels (the EXIF block itself is dropped); a corrupt block is ignored."""
    try:
        return ImageOps.exif_transpose(image) or image
    except Exception:
        return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert colours to sRGB when the image carries another ICC profile (the profile itself is dropped)."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode)
        return converted if converted is not None else image
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: keep the pixels as they are


def _to_output_mode(image: Image.Image, out_format: str) -> Image.Image:
    mode = image.mode
    has_alpha = mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info)
    if out_format == "JPEG":
        return image if mode in ("RGB", "L") else image.convert("RGB")
    if out_format == "GIF":
        return image if mode in ("P", "L") else image.convert("RGBA" if has_alpha else "RGB")
    if out_format == "WEBP":
        return image if mode in ("RGB", "RGBA") else image.convert("RGBA" if has_alpha else "RGB")
    # PNG
    if mode in ("RGB", "RGBA", "L", "LA"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I") or mode == "F":  # 16/32-bit grey: keep the look, lose the depth
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image.convert("RGBA" if has_alpha else "RGB")


def _fresh(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels (and palette/transparency for palette images): no `info`."""
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        clean.putpalette(image.getpalette())
        if "transparency" in image.info:
            clean.info["transparency"] = image.info["transparency"]
    return clean


def _encode_still(image: Image.Image, out_format: str) -> bytes:
    buffer = io.BytesIO()
    options: dict = {"exif": b""}
    if out_format == "JPEG":
        options.update(quality=88, optimize=True, comment=b"", icc_profile=None)
    elif out_format == "PNG":
        options.update(optimize=True, icc_profile=None)
        if "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
    elif out_format == "WEBP":
        options.update(quality=85, method=4, icc_profile="", xmp="")
    elif out_format == "GIF":
        options.pop("exif")
        options.update(comment=b"")
        if "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
    image.save(buffer, format=out_format, **options)
    return buffer.getvalue()


def _encode_animation(image: Image.Image, out_format: str) -> tuple[bytes, tuple[int, int]]:
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        frame.load()
        durations.append(max(20, int(frame.info.get("duration") or 100)))
        frames.append(_fresh(frame.convert("RGBA")))
    buffer = io.BytesIO()
    options = {
        "save_all": True,
        "append_images": frames[1:],
        "duration": durations,
        "loop": int(image.info.get("loop", 0) or 0),
    }
    if out_format == "GIF":
        options.update(disposal=2, comment=b"")
    elif out_format == "WEBP":
        options.update(quality=85, method=4, icc_profile="", exif=b"", xmp="")
    elif out_format == "PNG":
        options.update(disposal=1, icc_profile=None)
    frames[0].save(buffer, format=out_format, **options)
    return buffer.getvalue(), frames[0].size
