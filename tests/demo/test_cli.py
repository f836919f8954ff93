"""`flask demo` loads the demo community once (a second run adds nothing) and is refused where not allowed."""

from sqlalchemy import func, select

from app.community.models import Topic
from app.demo import files
from app.extensions import db
from app.kb.models import Article, ArticleRevision
from app.news.models import NewsPost
from app.search.models import SearchOutbox
from tests.helpers import db_snapshot

DEMO_ACCOUNTS = ["admin@example.com", "rep.private@example.com", "rep.business@example.com", "customer@example.com"]


def test_flask_demo_twice_loads_the_community_once(app, runner, client_as):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, f"{first.output}\n{first.exception!r}"
    after_first = db_snapshot()

    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, f"{second.output}\n{second.exception!r}"
    assert db_snapshot() == after_first
    published = len(files.content().articles) + 1  # and the promoted topic; plus one draft
    counts = f"{published + 1} articles ({published} published), {len(files.content().news)} news posts"
    assert first.output.strip().endswith(counts) and second.output == first.output

    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    assert count(Article) == published + 1 and count(Article, Article.status == "published") == published
    assert count(ArticleRevision) == published + 1  # one revision each, written by the KB service
    assert count(NewsPost) == len(files.content().news) and count(NewsPost, NewsPost.is_pinned.is_(True)) == 1
    assert count(SearchOutbox) == 0  # applied to the index after the command's commit

    topics = db.session.scalars(select(Topic)).all()
    assert len(topics) >= 60
    assert {topic.type for topic in topics} == {"question", "problem", "idea", "praise"}
    assert any(topic.is_private for topic in topics)
    assert any(topic.has_official_answer for topic in topics)

    for email in DEMO_ACCOUNTS:
        client = client_as()
        assert client.post("/login", {"email": email, "password": "demo-password"}).status_code == 302, email
        assert client.get("/settings").status_code == 200, email


def test_flask_demo_is_refused_when_not_allowed(app, runner):
    app.config["DEMO_ALLOWED"] = False

    result = runner.invoke(args=["demo"])

    assert result.exit_code != 0
    assert "not loaded in production" in result.output
    assert all(rows == [] for rows in db_snapshot().values())
