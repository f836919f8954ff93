"""Ukrainian → Russian lemma pairs from the Apertium rus-ukr bilingual dictionary, when it is installed.

A community where one customer writes «Відсутність опалення» and another «Нет отопления» needs a
dictionary, not just lemmas: the two requests share no word. Apertium's Russian–Ukrainian language pair
(Debian packages `apertium-rus-ukr` and `lttoolbox-dev`, GPL-2+; nothing is copied into Otklik) holds
about 10,000 such pairs. We read them from the installed, compiled dictionary: `lt-print` writes its
transducer as text (one transition per line: source state, target state, input symbol, output symbol),
and every path from the start to a final state is one entry, e.g. `опалення<n><nt>` → `отопление<n><nt>`.

Only word entries are kept (nouns, verbs, adjectives, adverbs), not numbers, proper names or function
words (our stop words). Where the dictionary gives several Russian words for one Ukrainian lemma, all
are returned in the order the transducer lists them; the analyser takes the first (taking all of them
measured no better on the kyiv-1551 benchmark and worse at hit@1).

Without the packages (or with OTKLIK_BILINGUAL_DICT=off) this yields nothing and the analyser falls back
to our own hand-written list (synonyms.py). OTKLIK_BILINGUAL_DICT may also name another `*.autobil.bin`.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections import defaultdict

log = logging.getLogger(__name__)

DEFAULT_BIDIX = "/usr/share/apertium/apertium-rus-ukr/ukr-rus.autobil.bin"
WORD_CLASSES = frozenset({"n", "vblex", "adj", "adv"})
_EPSILON = "ε"
_HOMOGRAPH_MARKS = str.maketrans("", "", "¹²³⁴⁵⁶⁷⁸⁹⁰")


def _setting() -> str:
    return os.environ.get("OTKLIK_BILINGUAL_DICT", "").strip()


def switched_off() -> bool:
    return _setting().lower() in ("off", "0", "no", "false")


def bidix_path() -> str | None:
    """The compiled Ukrainian→Russian dictionary to read, or None when it is off or not installed."""
    if switched_off():
        return None
    path = _setting() or DEFAULT_BIDIX
    if not os.path.isfile(path) or shutil.which("lt-print") is None:
        return None
    return path


def _symbol_is_word_char(symbol: str) -> bool:
    """Letters, apostrophes, hyphens, spaces and tags: not digits (the number entries loop on them)."""
    if symbol.startswith("<") and symbol.endswith(">") or symbol == _EPSILON:
        return True
    return len(symbol) == 1 and (symbol.isalpha() or symbol in "'’ʼ- ¹²³⁴⁵⁶⁷⁸⁹⁰")


def parse_att(text: str) -> list[tuple[str, str]]:
    """Every (input, output) path of a transducer printed by `lt-print` (sections separated by "--")."""
    pairs: list[tuple[str, str]] = []
    for section in text.split("\n--\n"):
        arcs: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        finals: set[int] = set()
        for line in section.splitlines():
            fields = line.split("\t")
            if len(fields) >= 4:
                if _symbol_is_word_char(fields[2]):
                    arcs[int(fields[0])].append((int(fields[1]), fields[2], fields[3]))
            elif fields[0].strip().isdigit():
                finals.add(int(fields[0]))
        # depth-first over paths; a state already on the path is a loop and is not followed again
        stack = [(0, "", "", frozenset((0,)))]
        while stack:
            state, inp, out, seen = stack.pop()
            if state in finals and inp:
                pairs.append((inp, out))
            for target, a, b in reversed(arcs.get(state, ())):
                if target in seen:
                    continue
                stack.append(
                    (target, inp + ("" if a == _EPSILON else a), out + ("" if b == _EPSILON else b), seen | {target})
                )
    return pairs


def _split(entry: str) -> tuple[str, tuple[str, ...]]:
    """ "опалення<n><nt>" -> ("опалення", ("n", "nt"))."""
    head, _, tags = entry.partition("<")
    return head, tuple(t for t in ("<" + tags).replace(">", "").split("<") if t)


def word_pairs(att_text: str) -> dict[str, list[str]]:
    """Ukrainian lemma -> Russian lemmas (lowercase, ё→е, homograph marks like "вал¹" dropped, in the order
    the transducer lists them) of the word entries."""
    table: dict[str, list[str]] = {}
    for inp, out in parse_att(att_text):
        uk, uk_tags = _split(inp)
        ru, _ = _split(out)
        if not uk_tags or uk_tags[0] not in WORD_CLASSES or not ru or " " in uk or " " in ru:
            continue
        uk = uk.lower().translate(_HOMOGRAPH_MARKS).replace("’", "'").replace("ʼ", "'")
        ru = ru.lower().translate(_HOMOGRAPH_MARKS).replace("ё", "е")
        found = table.setdefault(uk, [])
        if ru not in found:
            found.append(ru)
    return table


def load_pairs() -> dict[str, list[str]]:
    """The installed dictionary's word pairs; {} when there is none or it cannot be read."""
    path = bidix_path()
    if path is None:
        if not switched_off():
            log.warning(
                "Apertium's rus-ukr dictionary is not installed (apt-get install apertium-rus-ukr "
                "lttoolbox-dev): Ukrainian words outside our own list will not meet Russian ones. "
                "Install it on every server that indexes or searches, then run `flask search reindex`."
            )
        return {}
    try:
        done = subprocess.run(["lt-print", path], capture_output=True, text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("bilingual dictionary %s not read: %s", path, exc)
        return {}
    return word_pairs(done.stdout)
