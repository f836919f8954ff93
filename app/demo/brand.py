"""The demo bank's brand: every field of /admin/branding filled in, a logo and an icon drawn with Pillow."""

import io
import math

from PIL import Image, ImageDraw

from app.branding import services as branding_services
from app.branding import store
from app.branding.icons import draw_mark

PRIMARY = "#1a4d8f"
ACCENT = "#a3470c"
GOLD = "#f2b632"
SITE = "https://www.severny-bank.example"

BRAND = {
    "name": {"ru": "Северный банк", "uk": "Північний банк", "en": "Severny Bank"},
    "description": {
        "ru": "Вопросы, идеи и отзывы клиентов Северного банка с официальными ответами сотрудников.",
        "uk": "Питання, ідеї та відгуки клієнтів Північного банку з офіційними відповідями співробітників.",
        "en": "Questions, ideas and feedback from Severny Bank customers, with official answers from our staff.",
    },
    "support_hours": {
        "ru": "Круглосуточно, чат в приложении — 8:00–22:00",
        "uk": "Цілодобово, чат у застосунку — 8:00–22:00",
        "en": "24/7; in-app chat 8:00–22:00",
    },
    "site_menu": {
        "ru": [
            {"label": "Частным лицам", "url": f"{SITE}/private"},
            {"label": "Бизнесу", "url": f"{SITE}/business"},
            {"label": "Вклады", "url": f"{SITE}/deposits"},
            {"label": "Офисы", "url": f"{SITE}/offices"},
        ],
        "uk": [
            {"label": "Приватним особам", "url": f"{SITE}/uk/private"},
            {"label": "Бізнесу", "url": f"{SITE}/uk/business"},
            {"label": "Відділення", "url": f"{SITE}/uk/offices"},
        ],
        "en": [
            {"label": "Personal", "url": f"{SITE}/en/personal"},
            {"label": "Business", "url": f"{SITE}/en/business"},
            {"label": "Branches", "url": f"{SITE}/en/branches"},
        ],
    },
    "primary_color": PRIMARY,
    "accent_color": ACCENT,
    "privacy_url": f"{SITE}/privacy",
    "terms_url": f"{SITE}/terms",
    "contacts_url": f"{SITE}/contacts",
    "support_phone": "+7 800 100-20-30",
    "email_sender_name": "Северный банк — поддержка",
    "widget_origins": [SITE, "http://localhost:8000"],
    "logo_file": "",
    "favicon_file": "",
    "touch_icon_file": "",
}


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
    value = dict(BRAND)
    branding_services.set_logo(admin, value, io.BytesIO(draw_logo()))
    branding_services.set_icons(admin, value, io.BytesIO(draw_icon()))
    branding_services.save_brand_value(admin, value)
    return True
