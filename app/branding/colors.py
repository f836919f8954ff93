"""WCAG 2.x contrast: relative luminance of sRGB colours and the contrast ratio of two colours."""

import re

HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
AA_TEXT = 4.5  # WCAG 2.1 AA, normal-size text
WHITE = "#ffffff"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darker(hex_colour: str, factor: float = 0.8) -> str:
    """The same hue, darker (hover states)."""
    r, g, b = (int(int(hex_colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"
