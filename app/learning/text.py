"""What is kept of what a customer typed: masked, tidied, cut; and the key that makes one row per wording."""

import hashlib
import unicodedata

from app.common import sensitive
from app.search import analysis

MAX_CHARS = 300  # Phrasing.text


def clean(text) -> str:
    """`text` with card numbers, codes and IBANs masked, control characters dropped, spaces collapsed and
    cut at a word boundary within MAX_CHARS."""
    if not isinstance(text, str):
        return ""
    text = "".join(ch for ch in text[: MAX_CHARS * 4] if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = " ".join(sensitive.mask(text).text.split())
    if len(text) > MAX_CHARS:
        cut = text[: MAX_CHARS + 1].rsplit(" ", 1)[0]
        text = (cut if len(cut) > MAX_CHARS // 2 else text)[:MAX_CHARS].rstrip()
    return text


def terms(text: str) -> list[str]:
    """The distinct analysed terms of `text`, in order (what the index will hold)."""
    return list(dict.fromkeys(analysis.analyse(text or "")))


def key_of(text: str) -> str | None:
    """One key per wording: word order, case, forms of a word and repeated words do not make a new one.
    None when nothing searchable is left (stop words, punctuation)."""
    found = sorted(set(terms(text)))
    return hashlib.sha1(" ".join(found).encode("utf-8")).hexdigest() if found else None
