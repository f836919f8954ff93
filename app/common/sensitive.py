"""Card numbers (PAN), their security codes and IBANs are masked before text is stored where others read it.

- a card number: 13 to 19 digits, together or in groups (4-4-4-4 ..., 4-6-5) split by spaces or dashes, passing the Luhn check
  (python-stdnum): kept are the first four and the last four digits, `4276 •••• •••• 1234`;
- a security code: 3 or 4 digits after "CVC", "CVV", "CVV2", "CSC", "код" ... when the text holds a card
  number, or a bare 3-4 digit number right after a card number (possibly after an expiry date);
- an IBAN: two letters, two check digits and 11-30 letters or digits (grouped or not), valid by ISO 13616
  (mod 97): kept are the country, the check digits and the last four characters.
Phone numbers, contract numbers failing Luhn, dates and amounts do not match and stay as they are.
"""

import re
from dataclasses import dataclass, field

from stdnum import iban as stdnum_iban
from stdnum import luhn

DOT = "•"
CARD, CVC, IBAN = "card", "cvc", "iban"

# Written together, in groups of four (4-4-4-4, 4-4-4-4-3 ...), or 4-6-5 (American Express).
_PAN = re.compile(
    r"(?<![\w.,/-])(?:\d{13,19}|\d{4}(?:([ -])\d{4}){2}(?:\1\d{4})?(?:\1\d{3,4})?|\d{4}([ -])\d{6}\2\d{4,5})"
    r"(?![\w]|[.,]\d)"
)
_CODE_WORD = r"(?:cvc2?|cvv2?|cvn|csc|cid|cav2|код(?:\s+безопасности|\s+безпеки)?|код\s+cvv)"
_CVC_BY_WORD = re.compile(rf"(?i)(?<!\w)({_CODE_WORD})(\s*[:=\-]?\s*)(\d{{3,4}})(?!\d)")
# Right after a masked card number: optional expiry (MM/YY or MM/YYYY), then a bare 3-4 digit code.
_END = "\u2060"  # WORD JOINER closes each masked card number while masking, so codes right after one are found
_CVC_AFTER_PAN = re.compile(
    r"(\d{4})\u2060((?:[\s,;]+(?:0[1-9]|1[0-2])/(?:\d{2}|\d{4}))?[\s,;/]+)(\d{3,4})(?![\d/.,]\d|\d)"
)
_IBAN = re.compile(r"(?<![\w])([A-Z]{2}\d{2})((?:[ ]?[A-Z0-9]){11,30})(?!\w)")


@dataclass
class Masked:
    text: str
    found: set = field(default_factory=set)  # CARD, CVC, IBAN: what was hidden


def _mask_pan(match: re.Match, found: set) -> str:
    raw = match.group(0)
    digits = re.sub(r"\D", "", raw)
    if not 13 <= len(digits) <= 19 or not luhn.is_valid(digits):
        return raw
    found.add(CARD)
    groups = -(-(len(digits) - 8) // 4)
    return " ".join([digits[:4], *([DOT * 4] * groups), digits[-4:]]) + _END


def _mask_iban(match: re.Match, found: set) -> str:
    raw = match.group(0)
    compact = raw.replace(" ", "")
    if not stdnum_iban.is_valid(compact):
        return raw
    found.add(IBAN)
    return f"{compact[:4]} {DOT * 4} {compact[-4:]}"


def mask(text: str) -> Masked:
    """`text` with card numbers, their codes and IBANs masked, and what was found."""
    found: set = set()
    if not text or not any(ch.isdigit() for ch in text):
        return Masked(text or "", found)
    out = _PAN.sub(lambda m: _mask_pan(m, found), text)
    if CARD in found:
        before = out
        out = _CVC_AFTER_PAN.sub(lambda m: f"{m.group(1)}{_END}{m.group(2)}{DOT * 3}", out)
        out = _CVC_BY_WORD.sub(lambda m: f"{m.group(1)}{m.group(2)}{DOT * 3}", out)
        if out != before:
            found.add(CVC)
        out = out.replace(_END, "")
    out = _IBAN.sub(lambda m: _mask_iban(m, found), out)
    return Masked(out, found)


def notice(found: set) -> str | None:
    """What the author is told after posting text in which something was masked."""
    from flask_babel import gettext as _

    if not found:
        return None
    names = {CARD: _("a card number"), CVC: _("a card security code (CVC/CVV)"), IBAN: _("an account number (IBAN)")}
    what = ", ".join(str(names[kind]) for kind in (CARD, CVC, IBAN) if kind in found)
    return _(
        "For your safety we hid %(what)s in what you posted: everyone can read it, and we never need these "
        "numbers here. Never share them publicly.",
        what=what,
    )


def mask_into(text: str, found: set) -> str:
    """mask(text).text, adding what was hidden to `found` (one set for every field of a post)."""
    result = mask(text)
    found.update(result.found)
    return result.text
