"""Analysed terms as PostgreSQL tsvector / tsquery text: every term one quoted lexeme, so no parser or
operator ever sees user text (app/search/backends/postgres_backend.py stores and queries them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer, Text

# PostgreSQL's tsvector limits
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
MAX_LEXEME_BYTES = 2046


def lexeme(term: str) -> str:
    """A term as a quoted tsvector / tsquery lexeme: no operator or parser ever sees the term itself."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def usable(term: str) -> bool:
    return (
        bool(term)
        and len(term.encode("utf-8")) <= MAX_LEXEME_BYTES
        and "\x00" not in term
        and not any(c.isspace() for c in term)
    )


def tsvector_literal(fields: Sequence[tuple[Sequence[str], str]]) -> str:
    """tsvector input text for analysed fields [(terms, weight letter), ...], in order.

    Positions run on across the fields (title first); past 16383 they stay at 16383, like to_tsvector; a
    lexeme keeps its first 256 positions (PostgreSQL's limit)."""
    positions: dict[str, list[str]] = {}
    last: dict[str, int] = {}
    pos = 0
    for terms, weight in fields:
        for term in terms:
            pos = min(pos + 1, MAX_POSITION)
            if not usable(term):
                continue
            entries = positions.setdefault(term, [])
            if last.get(term) == pos or len(entries) >= MAX_POSITIONS_PER_LEXEME:
                continue
            entries.append(f"{pos}{weight}")
            last[term] = pos
    return " ".join(f"{lexeme(term)}:{','.join(entries)}" for term, entries in positions.items())


def tsquery_or(terms: Sequence[str]) -> str:
    return " | ".join(lexeme(t) for t in terms)


def tsquery_all(groups: Sequence[Sequence[str]]) -> str:
    """Every group present; a group is a term and its alternatives: ('a' | 'b') & ('c')."""
    return " & ".join("(" + tsquery_or(group) + ")" for group in groups)


def text_array(name: str):
    return bindparam(name, type_=ARRAY(Text))


def int_array(name: str):
    return bindparam(name, type_=ARRAY(Integer))
