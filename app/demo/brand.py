"""The demo bank's brand: every field of /admin/branding filled in, a logo and an icon drawn with Pillow."""

import io
import math

from PIL import Image, ImageDraw

from app.branding import services as branding_services
from app.branding import store
from app.branding.icons import draw_mark
from app.demo import files

PRIMARY = files.brand()["primary_color"]  # every field of the brand is in app/demo/data/brand.yaml
GOLD = "#f2b632"  # the star of the drawn logo and icon


def _star(draw, centre: tuple[float, float], outer: float, inner: float, fill: str) -> None:
    cx, cy = centre
    points = []
    for i in range(8):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / 4 * i - math.pi / 2
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=fill)


def draw_logo() -> bytes:
    """A north star on a navy roundel with three bars: 320x160 PNG with transparency (shown 40 px high)."""
    image = Image.new("RGBA", (320, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 152, 152), fill=PRIMARY)
    _star(draw, (80, 80), 60, 16, GOLD)
    draw.ellipse((70, 70, 90, 90), fill=PRIMARY)
    for row in range(3):
        y = 40 + row * 36
        draw.rounded_rectangle((176, y, 176 + 136 - row * 30, y + 18), radius=9, fill=PRIMARY if row else GOLD)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def draw_icon() -> bytes:
    buffer = io.BytesIO()
    draw_mark(256, PRIMARY, GOLD).save(buffer, format="PNG")
    return buffer.getvalue()


def load_brand(admin) -> bool:
    """Save the demo brand unless a brand was already saved (an administrator's own brand survives `flask demo`)."""
    if store.read(branding_services.KEY)[0]:
        return False
    value = {**files.brand(), "logo_file": "", "favicon_file": "", "touch_icon_file": ""}
    branding_services.set_logo(admin, value, io.BytesIO(draw_logo()))
    branding_services.set_icons(admin, value, io.BytesIO(draw_icon()))
    branding_services.save_brand_value(admin, value)
    return True
