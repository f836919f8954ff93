"""Names and titles people read as identities: invisible and direction-changing characters removed, and a
confusables skeleton to catch a customer dressing up as staff ("Оfficial Support" with a Cyrillic О)."""

import re
import unicodedata

# Bidi embeddings, overrides and isolates, directional marks, zero-width characters, joiners, BOM, soft hyphen.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]"
)

# Letters that look like Latin ones, mapped to them (Cyrillic, Greek, Ukrainian, Latin look-alikes, digits).
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "є": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ӏ": "l",
        "һ": "h",
        "ү": "y",
        "ɑ": "a",
        "ı": "i",
        "ℓ": "l",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
    }
)
# Digits and signs written for letters ("Supp0rt"): folded when looking for staff words only (in names,
# "User3" and "User39" must stay different).
_DIGIT_GLYPHS = str.maketrans(
    {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "|": "l"}
)

# Words (stems, so every grammatical form matches) that claim to speak for the organisation, in English,
# Russian and Ukrainian: refused in customers' names.
STAFF_WORDS = (
    "official",
    "support",
    "admin",
    "moderat",
    "representativ",
    "staff",
    "helpdesk",
    "официальн",
    "представител",
    "поддержк",
    "администрат",
    "админ",
    "модерат",
    "сотрудник",
    "офіційн",
    "представник",
    "підтримк",
    "адміністрат",
    "адмін",
    "співробітн",
)


def strip_invisible(text: str) -> str:
    """Remove bidi controls and zero-width characters, and collapse runs of whitespace."""
    return " ".join(_INVISIBLE.sub("", text or "").split())


def skeleton(text: str, fold_digits: bool = False) -> str:
    """What the text looks like: compatibility forms folded, lower case, accents dropped, look-alike letters
    mapped to Latin, everything but letters and digits removed. 'Оfficial  Suppоrt' and 'official support'
    agree; with `fold_digits`, 'Supp0rt' too."""
    folded = unicodedata.normalize("NFKD", strip_invisible(text)).casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.translate(_HOMOGLYPHS)
    if fold_digits:
        folded = folded.translate(_DIGIT_GLYPHS)
    folded = folded.replace("rn", "m").replace("vv", "w")
    return "".join(ch for ch in folded if ch.isalnum())


_STAFF_SKELETONS = tuple(skeleton(word, fold_digits=True) for word in STAFF_WORDS)


def claims_staff(name: str, staff_names=()) -> bool:
    """True when `name` contains a staff word in any script, or looks like one of `staff_names`."""
    if any(word in skeleton(name, fold_digits=True) for word in _STAFF_SKELETONS):
        return True
    shape = skeleton(name)
    return bool(shape) and any(shape == skeleton(other) for other in staff_names)
