"""Search hits are shown as the database says, whatever the index holds: a topic hidden, deleted or made private
since it was indexed is shown only to those who may see it now (app/community/search_docs.present)."""

from sqlalchemy import update

from app.community import search_docs
from app.community.models import Topic
from app.extensions import db
from app.search.documents import Scope


def test_hits_are_shown_to_the_scopes_that_may_see_them_now(app, make_topic, make_user, community):
    author, other = make_user(), make_user()
    cards = community["cards"]
    public = make_topic(author=author, title="Card blocked after three PINs", category=cards)
    private = make_topic(author=author, title="My own card question", category=cards, is_private=True)
    hidden = make_topic(author=author, title="A hidden card topic", category=cards)
    deleted = make_topic(author=author, title="A deleted card topic", category=cards)
    db.session.execute(update(Topic).where(Topic.id == hidden.id).values(is_hidden=True))
    db.session.execute(update(Topic).where(Topic.id == deleted.id).values(is_deleted=True))
    db.session.commit()
    ids = [public.id, private.id, hidden.id, deleted.id, 999_999]
    scopes = {
        "visitor": Scope(),
        "author": Scope(user_id=author.id),
        "other": Scope(user_id=other.id),
        "staff": Scope(is_staff=True, user_id=community["admin"].id),
    }
    with app.test_request_context("/"):
        shown = {who: set(search_docs.present(scope, ids)) for who, scope in scopes.items()}
        titles = search_docs.present(scopes["staff"], ids)
    assert shown == {
        "visitor": {public.id},
        "author": {public.id, private.id},
        "other": {public.id},
        "staff": {public.id, private.id, hidden.id},
    }
    assert titles[private.id]["title"] == "My own card question"
    assert titles[hidden.id]["url"].startswith(f"/t/{hidden.id}-")
