"""The search documents of topics and articles gain their confirmed phrasings ("also asked as")."""

from app.learning import enabled
from app.learning.queries import also_asked
from app.learning.services import LEARNABLE


def add_phrasings(session, kind: str, docs: dict) -> None:
    """Enricher (app.search.documents.register_enricher): runs after the kind's loader, on every (re)index."""
    if kind not in LEARNABLE or not enabled():
        return
    present = {ref_id: doc for ref_id, doc in docs.items() if doc is not None}
    known = {ref_id: f"{doc.title}\n{doc.body}\n{doc.answers}\n{doc.also_asked}" for ref_id, doc in present.items()}
    for ref_id, text in also_asked(session, kind, sorted(present), known).items():
        doc = present[ref_id]
        doc.also_asked = f"{doc.also_asked}\n{text}" if doc.also_asked else text
