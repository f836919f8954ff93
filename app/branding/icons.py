"""Brand images: the logo (re-encoded like every upload), the favicon (ICO 16/32/48) and the 180x180
apple-touch-icon generated from one uploaded square image, and the drawn default Otklik icon."""

import io

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageDraw

from app.common.errors import DomainError
from app.media.images import clean_image
from app.media.services import limits

LOGO_FORMATS = ("image/png", "image/jpeg", "image/webp")
LOGO_MAX = (640, 160)  # the logo is shown at most 40 px high in the header; twice that for dense screens, and some
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]
TOUCH_SIZE = 180
ICON_MIN = 48


def _decode(data: bytes, field: str):
    """Validate with app.media.images (decoded format only, pixel limits, no metadata) and keep PNG/JPEG/WebP."""
    if not _is_logo_format(data):
        raise DomainError(_l("Only PNG, JPEG and WebP images can be used (no SVG or GIF)."), field=field)
    try:
        image = clean_image(data, limits())
    except DomainError as error:
        raise DomainError(error.message, field=field) from None
    if image.content_type not in LOGO_FORMATS:
        raise DomainError(_l("Only PNG, JPEG and WebP images can be used (no SVG or GIF)."), field=field)
    return image


def _is_logo_format(data: bytes) -> bool:
    """Only the header is read (Pillow's PNG, JPEG and WebP plugins only); app.media.images does the rest."""
    try:
        with Image.open(io.BytesIO(data), formats=("PNG", "JPEG", "WEBP")):
            return True
    except Exception:
        return False


def clean_logo(data: bytes):
    """The re-encoded logo (a media.images.CleanImage), scaled down to fit LOGO_MAX."""
    image = _decode(data, "logo")
    if image.width <= LOGO_MAX[0] and image.height <= LOGO_MAX[1]:
        return image
    with Image.open(io.BytesIO(image.data)) as opened:
        opened.load()
        frame = opened.copy()
    frame.thumbnail(LOGO_MAX, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG", optimize=True)
    return type(image)(
        data=buffer.getvalue(), extension="png", content_type="image/png", width=frame.width, height=frame.height
    )


def make_icons(data: bytes) -> tuple[bytes, bytes]:
    """(favicon.ico bytes, apple-touch-icon PNG bytes) from an uploaded square image."""
    image = _decode(data, "icon")
    if abs(image.width - image.height) > max(1, image.width // 50):
        raise DomainError(
            _l("The icon must be square (it is %(w)d×%(h)d pixels).", w=image.width, h=image.height), field="icon"
        )
    if image.width < ICON_MIN:
        raise DomainError(_l("The icon must be at least %(n)d×%(n)d pixels.", n=ICON_MIN), field="icon")
    with Image.open(io.BytesIO(image.data)) as opened:
        opened.load()
        square = opened.convert("RGBA").resize((max(image.width, image.height),) * 2, Image.Resampling.LANCZOS)
    return ico_bytes(square), touch_bytes(square)


def ico_bytes(square: Image.Image) -> bytes:
    buffer = io.BytesIO()
    square.resize((48, 48), Image.Resampling.LANCZOS).save(buffer, format="ICO", sizes=ICO_SIZES)
    return buffer.getvalue()


def touch_bytes(square: Image.Image) -> bytes:
    """180x180, opaque (iOS shows transparent parts black): composed on white."""
    icon = square.resize((TOUCH_SIZE, TOUCH_SIZE), Image.Resampling.LANCZOS)
    background = Image.new("RGBA", icon.size, (255, 255, 255, 255))
    background.alpha_composite(icon)
    buffer = io.BytesIO()
    background.convert("RGB").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def draw_mark(size: int, colour: str = "#0b5cad", accent: str = "#ffffff") -> Image.Image:
    """A speech bubble on a rounded square: the default Otklik icon (and, in another colour, the demo's)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=colour)
    s = size / 100
    draw.rounded_rectangle((20 * s, 24 * s, 80 * s, 66 * s), radius=12 * s, fill=accent)
    draw.polygon([(32 * s, 64 * s), (30 * s, 80 * s), (48 * s, 64 * s)], fill=accent)
    for x in (36, 50, 64):
        draw.ellipse(((x - 4) * s, 41 * s, (x + 4) * s, 49 * s), fill=colour)
    return image
