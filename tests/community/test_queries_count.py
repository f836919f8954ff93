"""List pages issue the same number of SQL statements for 3 topics as for 30: no query per row."""

import itertools

import pytest

from app.auth import services as auth_services
from app.community import services
from app.extensions import db
from tests.helpers import count_statements

_numbers = itertools.count(1)
TYPES = ("question", "problem", "idea", "praise")


def _author():
    n = next(_numbers)
    return auth_services.create_user_without_password(f"author{n}@test.example", f"Author {n}")


@pytest.fixture
def grow(community):
    """grow(n): n more topics by `subject` and n by other people, with answers by several authors, votes, a
    solution; `subject` comments on everyone's topics. Each new user also gets a department (admin list)."""
    subject = _author()
    db.session.commit()

    def add(n: int):
        for i in range(n):
            for author in (subject, _author()):
                topic_type = TYPES[i % 4]
                category = community["cards"] if i % 2 else community["acquiring"]
                private = i % 5 == 4
                topic = services.create_topic(
                    author,
                    topic_type,
                    f"Topic {next(_numbers)} of {author.display_name}",
                    "Body *text*",
                    category.id,
                    mood="upset",
                    is_private=private,
                )
                rep = community["rep_private"] if i % 2 else community["rep_business"]
                answer = services.post_comment(rep, topic, "An official answer.")
                services.post_comment(author, topic, "Thanks.")
                if not private:
                    commenter = _author()
                    commenter.departments = [community["private"]]
                    services.post_comment(commenter, topic, "Me too.")
                    if author is not subject:
                        services.post_comment(subject, topic, "A comment by the subject.")
                    if topic_type in ("problem", "idea"):
                        services.toggle_vote(commenter, topic)
                if i % 3 == 0:
                    services.mark_solution(author, topic, answer.id)
        db.session.commit()

    return subject, add


PUBLIC_LISTS = ["/", "/?type=problem", "/c/{cards}", "/u/{subject}", "/u/{subject}?tab=comments"]
ADMIN_LISTS = ["/admin/users", "/admin/users?q=author"]


@pytest.mark.parametrize("viewer", ["anonymous", "customer", "rep_private", "admin"])
def test_list_pages_issue_a_bounded_number_of_queries(client_as, community, customer, grow, viewer):
    subject, add = grow
    client = client_as(None if viewer == "anonymous" else customer if viewer == "customer" else community[viewer])
    urls = [
        url.format(cards=community["cards"].slug, subject=subject.id)
        for url in PUBLIC_LISTS + (ADMIN_LISTS if viewer == "admin" else [])
    ]
    counts = {url: [] for url in urls}
    for n in (3, 27):  # 3 topics each by the subject and by others, then 30 each
        add(n)
        for url in urls:
            client.get(url)  # warm what is filled once per process (templates, compiled SQL)
            with count_statements() as statements:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[url].append(len(statements))

    growing = {url: found for url, found in counts.items() if found[0] != found[1]}
    assert not growing, f"statements per page as {viewer} (3 topics -> 30 topics): {growing}"
