"""Learning phrasings: clicks on suggestions become votes, votes of enough distinct customers (or a staff
member's approval) confirm a phrasing, and a confirmed phrasing is indexed with its thread. Services flush,
never commit; every change of what is indexed queues the thread in the search outbox."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, select

from app.analytics.models import Event
from app.analytics.services import TOPIC_POSTED, clean_draft_id
from app.common.db import utcnow
from app.common.errors import DomainError, Forbidden
from app.common.policy import can
from app.extensions import db
from app.learning.models import CUSTOMERS, LINK, MERGE, STAFF, Phrasing, PhrasingClick, PhrasingVote
from app.learning.text import clean, key_of, terms
from app.search import outbox

LEARNABLE = ("topic", "article")  # search kinds a phrasing may belong to


def _setting(name: str) -> int:
    return int(current_app.config[name])


def _touch(kind: str, ref_id: int) -> None:
    outbox.enqueue(kind, ref_id)


# ---------------------------------------------------------------- what customers chose


def note_click(voter: str, draft_id, kind, ref_id, typed) -> PhrasingClick | None:
    """A customer typing `typed` opened suggestion (kind, ref_id). Kept until it is clear whether they posted
    anyway (then it teaches nothing). Returns None when there is nothing to learn from."""
    text = clean(typed)
    draft_id = clean_draft_id(draft_id)
    if kind not in LEARNABLE or not isinstance(ref_id, int) or not draft_id or not voter or not key_of(text):
        return None
    known = db.session.scalar(
        select(PhrasingClick).where(
            PhrasingClick.draft_id == draft_id, PhrasingClick.kind == kind, PhrasingClick.ref_id == ref_id
        )
    )
    if known is not None:  # opened again: the latest wording counts
        known.text = text
        return known
    click = PhrasingClick(draft_id=draft_id, voter=voter[:40], kind=kind, ref_id=ref_id, text=text)
    db.session.add(click)
    db.session.flush()
    return click


def mark_solved(voter: str, draft_id, kind, ref_id) -> int:
    """The customer said the suggestion solved their problem: their click counts now. Returns votes added."""
    draft_id = clean_draft_id(draft_id)
    if not draft_id:
        return 0
    clicks = db.session.scalars(
        select(PhrasingClick).where(
            PhrasingClick.draft_id == draft_id,
            PhrasingClick.kind == kind,
            PhrasingClick.ref_id == ref_id,
            PhrasingClick.voter == voter,
        )
    ).all()
    return _count_clicks(clicks)


def settle(now=None) -> int:
    """Clicks older than PHRASINGS_SETTLE_MINUTES: those whose draft was posted anyway are dropped, the
    others become votes. Returns the votes added."""
    cutoff = (now or utcnow()) - timedelta(minutes=_setting("PHRASINGS_SETTLE_MINUTES"))
    posted = exists().where(Event.draft_id == PhrasingClick.draft_id, Event.name == TOPIC_POSTED)
    due = PhrasingClick.created_at <= cutoff
    db.session.execute(delete(PhrasingClick).where(due, posted).execution_options(synchronize_session=False))
    clicks = db.session.scalars(select(PhrasingClick).where(due).order_by(PhrasingClick.id)).all()
    return _count_clicks(clicks)


def _count_clicks(clicks) -> int:
    added = 0
    for click in clicks:
        added += vote(click.kind, click.ref_id, click.text, click.voter)
        db.session.delete(click)
    db.session.flush()
    return added


def vote(kind: str, ref_id: int, typed: str, voter: str) -> int:
    """`voter` (a customer) chose (kind, ref_id) after typing `typed`. Counted once per customer and
    wording; confirms the phrasing at PHRASINGS_MIN_CUSTOMERS. Returns 1 if the vote counted."""
    text = clean(typed)
    key = key_of(text)
    if key is None or kind not in LEARNABLE:
        return 0
    phrasing = _find(kind, ref_id, key)
    if phrasing is None:
        if _count_for(kind, ref_id) >= _setting("PHRASINGS_MAX_PER_THREAD") and not _evict_weakest(kind, ref_id):
            return 0  # full of confirmed wordings: staff prune the list
        phrasing = Phrasing(
            kind=kind, ref_id=ref_id, text=text, key=key, terms=" ".join(terms(text)), source=CUSTOMERS, customers=0
        )
        db.session.add(phrasing)
        db.session.flush()
    voted = db.session.scalar(
        select(func.count())
        .select_from(PhrasingVote)
        .where(PhrasingVote.phrasing_id == phrasing.id, PhrasingVote.voter == voter)
    )
    if voted:
        return 0
    db.session.add(PhrasingVote(phrasing_id=phrasing.id, voter=voter))
    phrasing.customers = (phrasing.customers or 0) + 1
    if not phrasing.confirmed and phrasing.customers >= _setting("PHRASINGS_MIN_CUSTOMERS"):
        _confirm(phrasing)
    db.session.flush()
    return 1


def _find(kind: str, ref_id: int, key: str) -> Phrasing | None:
    return db.session.scalar(
        select(Phrasing).where(Phrasing.kind == kind, Phrasing.ref_id == ref_id, Phrasing.key == key)
    )


def _count_for(kind: str, ref_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Phrasing).where(Phrasing.kind == kind, Phrasing.ref_id == ref_id)
        )
        or 0
    )


def _evict_weakest(kind: str, ref_id: int) -> bool:
    """Make room: forget the unconfirmed wording with the fewest customers (the oldest of those)."""
    weakest = db.session.scalar(
        select(Phrasing)
        .where(Phrasing.kind == kind, Phrasing.ref_id == ref_id, Phrasing.confirmed.is_(False))
        .order_by(Phrasing.customers, Phrasing.id)
        .limit(1)
    )
    if weakest is None:
        return False
    db.session.execute(delete(PhrasingVote).where(PhrasingVote.phrasing_id == weakest.id))
    db.session.delete(weakest)
    db.session.flush()
    return True


def _confirm(phrasing: Phrasing, actor=None) -> None:
    phrasing.confirmed = True
    phrasing.confirmed_at = utcnow()
    if actor is not None:
        phrasing.approved_by_id = actor.id
    _touch(phrasing.kind, phrasing.ref_id)


# ---------------------------------------------------------------- staff


def _require_staff(actor) -> None:
    if not can(actor, "manage_phrasings"):
        raise Forbidden(_l("Only staff can manage phrasings."))


def add(actor, kind: str, ref_id: int, typed: str, source: str = STAFF) -> Phrasing:
    """A staff member adds a wording (confirmed at once); an existing one is approved."""
    _require_staff(actor)
    return _add_confirmed(kind, ref_id, typed, source, actor)


def _add_confirmed(kind: str, ref_id: int, typed: str, source: str, actor=None) -> Phrasing:
    text = clean(typed)
    key = key_of(text)
    if key is None:
        raise DomainError(_l("Write a phrasing with at least one word."), field="text")
    phrasing = _find(kind, ref_id, key)
    if phrasing is None:
        phrasing = Phrasing(
            kind=kind, ref_id=ref_id, text=text, key=key, terms=" ".join(terms(text)), source=source, customers=0
        )
        db.session.add(phrasing)
        db.session.flush()
    if not phrasing.confirmed:
        _confirm(phrasing, actor)
    db.session.flush()
    return phrasing


def approve(actor, phrasing: Phrasing) -> Phrasing:
    _require_staff(actor)
    if not phrasing.confirmed:
        _confirm(phrasing, actor)
    elif phrasing.approved_by_id is None:
        phrasing.approved_by_id = actor.id
    db.session.flush()
    return phrasing


def remove(actor, phrasing: Phrasing) -> None:
    """Forget a phrasing (and its votes); the thread is reindexed without it."""
    _require_staff(actor)
    kind, ref_id, indexed = phrasing.kind, phrasing.ref_id, phrasing.confirmed
    db.session.execute(delete(PhrasingVote).where(PhrasingVote.phrasing_id == phrasing.id))
    db.session.delete(phrasing)
    db.session.flush()
    if indexed:
        _touch(kind, ref_id)


# ---------------------------------------------------------------- what representatives taught


def learn_title(kind: str, ref_id: int, title: str, source: str) -> Phrasing | None:
    """A merged duplicate's title (MERGE), or the title of a question answered with a link to an existing
    thread (LINK), becomes a confirmed phrasing of that thread."""
    if source not in (MERGE, LINK):
        raise ValueError(f"unknown phrasing source {source!r}")
    if key_of(clean(title)) is None:
        return None
    return _add_confirmed(kind, ref_id, title, source)
