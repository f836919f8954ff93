"""The Whoosh index schema, its tokenizer (the shared analyser) and fixed query classes.

Whoosh pickles the schema into the index, with a reference to OtklikTokenizer: keep the class's name
and module (app.search.backends.whoosh_schema), or reindex after moving it.
"""

from __future__ import annotations

from whoosh import fields
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.matching import AndNotMatcher, RequireMatcher

from app.search import analysis
from app.search.documents import PUBLIC, SearchDoc


class OtklikTokenizer(Tokenizer):
    """Whoosh tokenizer producing the shared analyser's terms (so the index and the queries agree).
    The schema pickles a reference to this class: keep its name and module."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, (term, start, end) in enumerate(analysis.analyse_spans(value)):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = term
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class _AndNotMatcher(AndNotMatcher):
    """Fixes two bugs of Whoosh 2.7's AndNotMatcher: it only skips a first excluded document when both
    sub-matchers start on the same id (if the exclusion starts earlier, the first positive document leaks
    through), and after skip_to_quality() exhausts the positive matcher it still reads its id."""

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            if self.b.id() < self.a.id():
                self.b.skip_to(self.a.id())
            if self.b.is_active() and self.a.id() == self.b.id():
                self._find_next()

    def _find_next(self):
        if not self.a.is_active():
            return False
        return super()._find_next()

    def skip_to_quality(self, minquality):
        skipped = self.a.skip_to_quality(minquality)
        if self.a.is_active():
            self._find_next()
        return skipped


class AndNot(wq.AndNot):
    """`a` without the documents matching `b` (with the fixed matcher)."""

    def matcher(self, searcher, context=None):
        scoredm = self.a.matcher(searcher, context)
        notm = self.b.matcher(searcher, searcher.boolean_context())
        return _AndNotMatcher(scoredm, notm)


class Require(wq.Require):
    """Documents of `a` that also match `b`, scored by `a` alone. (Whoosh 2.7's Require.matcher() builds
    an AndNotMatcher by mistake, i.e. it excludes what it should require.)"""

    def matcher(self, searcher, context=None):
        scoredm = self.a.matcher(searcher, context)
        requiredm = self.b.matcher(searcher, searcher.boolean_context())
        return RequireMatcher(scoredm, requiredm)


class Or(wq.Or):
    """Or that always builds the binary tree of union matchers: on small indexes Whoosh switches to a
    preloading array matcher that mis-scores nested disjunctions (and is slower for them)."""

    matcher_type = wq.Or.DEFAULT_MATCHER


def also_asked_field() -> fields.TEXT:
    """Other wordings of the question (app/learning); added to an index made before the field existed."""
    return fields.TEXT(analyzer=OtklikTokenizer(), phrase=False, stored=False)


def make_schema() -> fields.Schema:
    text = {"analyzer": OtklikTokenizer(), "phrase": False, "stored": False}
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        kind=fields.ID,
        title=fields.TEXT(**text),
        body=fields.TEXT(**text),
        answers=fields.TEXT(**text),
        also_asked=also_asked_field(),
        type=fields.ID,
        status=fields.ID,
        category_id=fields.ID,
        department_id=fields.ID,
        author_id=fields.ID,
        visibility=fields.ID,
        has_answer=fields.ID(stored=True),
        popularity=fields.STORED,
    )


def make_key(kind: str, ref_id: int) -> str:
    return f"{kind}:{int(ref_id)}"


def parse_key(key: str) -> tuple[str, int]:
    kind, _, ref_id = key.rpartition(":")
    return kind, int(ref_id)


def doc_fields(doc: SearchDoc) -> dict:
    def opt(value):
        return "" if value is None else str(value)

    return {
        "key": make_key(doc.kind, doc.id),
        "kind": doc.kind,
        "title": doc.title or "",
        "body": doc.body or "",
        "answers": doc.answers or "",
        "also_asked": doc.also_asked or "",
        "type": opt(doc.type),
        "status": opt(doc.status),
        "category_id": opt(doc.category_id),
        "department_id": opt(doc.department_id),
        "author_id": opt(doc.author_id),
        "visibility": doc.visibility or PUBLIC,
        "has_answer": "1" if doc.has_answer else "0",
        "popularity": float(doc.popularity or 0.0),
    }
