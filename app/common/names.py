"""Names and titles people read as identities: invisible and direction-changing characters removed, and a
confusables skeleton to catch a customer dressing up as staff ("Оfficial Support" with a Cyrillic О)."""
import re
import unicodedata

# Bidi embeddings, overrides and isolates, directional marks, zero-width characters, joiners, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]")

# Letters that look like Latin ones, mapped to them (Cyrillic, Greek, Ukrainian, Latin look-alikes, digits).
_HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "є": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q",
    "ԝ": "w", "ӏ": "l", "һ": "h", "ү": "y", "ɑ": "a", "ı": "i", "ℓ": "l",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w",
    "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "|": "l",
})

# Words (stems, so every grammatical form matches) that claim to speak for the organisation, in English,
# Russian and Ukrainian: refused in customers' names.
STAFF_WORDS = (
    "official", "support", "admin", "moderat", "representativ", "staff", "helpdesk",
    "официальн", "представител", "поддержк", "администрат", "админ", "модерат", "сотрудник",
    "офіційн", "представник", "підтримк", "адміністрат", "адмін", "співробітн",
)


def strip_invisible(text: str) -> str:
    """Remove bidi controls and zero-width characters, and collapse runs of whitespace."""
    return " ".join(_INVISIBLE.sub("", text or "").split())


def skeleton(text: str) -> str:
    """What the text looks like: compatibility forms folded, lower case, accents dropped, look-alike letters
    mapped to Latin, everything but letters removed. 'Оfficial  Suppоrt' and 'official support' agree."""
    folded = unicodedata.normalize("NFKD", strip_invisible(text)).casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.translate(_HOMOGLYPHS)
    folded = folded.replace("rn", "m").replace("vv", "w")
    return "".join(ch for ch in folded if ch.isalpha())


_STAFF_SKELETONS = tuple(skeleton(word) for word in STAFF_WORDS)


def claims_staff(name: str, staff_names=()) -> bool:
    """True when `name` contains a staff word in any script, or looks like one of `staff_names`."""
    shape = skeleton(name)
    if any(word in shape for word in _STAFF_SKELETONS):
        return True
    return bool(shape) and any(shape == skeleton(other) for other in staff_names)
