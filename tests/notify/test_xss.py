"""E-mails carry user content: the XSS corpus in ../shared/data/xss, posted through the real services, comes
out of the HTML part as plain formatting only, and titles and names as text."""

from sqlalchemy import select

from app.community import services as community_services
from app.extensions import db
from app.notify.models import MailMessage
from tests.common.test_xss import (
    BAD_SCHEMES,
    SCRIPT_CAPABLE,
    _batches,
    _content_problems,
    _payloads,
    _scheme,
)
from tests.helpers import parse

TITLE = '<script>alert("title")</script> & <img src=x onerror=alert(1)>'


def _email_problems(html: str) -> list[str]:
    root = parse(html)
    regions = root.find_all("div", class_="body")
    problems = [problem for region in regions for problem in _content_problems(region)]
    for element in root.iter():
        attrs = dict(element.attrs)
        layout_meta = element.tag == "meta" and ("charset" in attrs or attrs.get("name") == "viewport")
        if element.tag in SCRIPT_CAPABLE and not layout_meta:
            problems.append(f"<{element.tag}>")
        for name, value in element.attrs:
            if name.startswith("on") or (value and _scheme(value) in BAD_SCHEMES):
                problems.append(f"<{element.tag} {name}={value!r}>")
    return problems


def test_the_checks_are_not_blind():
    assert _email_problems('<div class="body"><p>ok</p><script>alert(1)</script></div>')
    assert _email_problems('<p><a href="javascript:alert(1)">x</a></p>')
    assert _email_problems('<div class="body"><p style="x">styled</p></div>')
    assert not _email_problems('<meta charset="utf-8"><div class="body"><p><strong>ok</strong></p></div>')


def test_the_corpus_in_e_mails_is_harmless(app, community, customer, make_user, make_topic):
    app.config["SEARCH_SYNC"] = "deferred"  # the index is not what this test is about
    neighbour = make_user(name="Eve <b onmouseover=alert(1)>")
    batches = _batches(_payloads(), max_chars=19000, max_items=400)
    topic = make_topic(author=customer, category=community["cards"], title=TITLE, body="\n\n".join(batches[0]))
    community_services.post_comment(neighbour, topic, batches[-1][0])
    db.session.commit()
    for batch in batches:
        community_services.post_comment(community["rep_private"], topic, "\n\n".join(batch))
        db.session.commit()

    messages = db.session.scalars(select(MailMessage)).all()
    assert len(messages) >= 2 * len(batches)  # the customer and the neighbour get every answer
    for message in messages:
        problems = _email_problems(message.body_html)
        assert not problems, f"{message.subject}: {sorted(set(problems))[:20]}"
        root = parse(message.body_html)
        assert root.find("h1").text == TITLE  # the title is text, not markup
        assert message.subject.endswith(TITLE)
        assert TITLE in message.body_text  # the plain-text part keeps what people wrote, verbatim
