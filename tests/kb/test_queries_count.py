"""Knowledge-base pages issue the same number of SQL statements for 3 rows as for 30: no query per row."""

import itertools

from app.extensions import db
from app.kb import services
from tests.helpers import count_statements

_numbers = itertools.count(1)


def _grow(n, community, make_user):
    """n more published articles over two categories (read, with readers' comments and feedback), and n drafts."""
    rep = community["rep_private"]
    for i in range(n):
        category = community["cards"] if i % 2 else community["acquiring"]
        article = services.create_article(
            rep, f"Frequent question {next(_numbers)}", "An answer.", category.id, publish=True
        )
        services.create_article(community["rep_business"], f"Draft {next(_numbers)}", "", category.id)
        services.record_view(article)
        reader = make_user()
        services.post_article_comment(reader, article, "Thanks.")
        services.give_feedback(reader, article, i % 3 != 0, "More examples, please." if i % 3 == 0 else "")
    db.session.commit()
    return article


def _statements(client, url) -> int:
    client.get(url)  # warm-up: login, caches
    with count_statements() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_index_does_not_query_per_article(client_as, community, make_user):
    rep, anonymous = client_as(community["rep_private"]), client_as()
    _grow(3, community, make_user)
    few = [_statements(rep, "/kb/"), _statements(anonymous, "/kb/")]
    _grow(30, community, make_user)
    assert [_statements(rep, "/kb/"), _statements(anonymous, "/kb/")] == few


def test_an_article_page_does_not_query_per_comment(client_as, community, make_user):
    rep, anonymous = client_as(community["moderator"]), client_as()
    article = _grow(1, community, make_user)
    url = f"/kb/{article.id}-{article.slug}"
    few = [_statements(rep, url), _statements(anonymous, url)]
    for _ in range(30):
        reader = make_user()
        services.post_article_comment(reader, article, "Me too.")
        services.give_feedback(reader, article, False, "Something was missing.")
    db.session.commit()
    assert [_statements(rep, url), _statements(anonymous, url)] == few
