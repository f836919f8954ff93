"""Links in user Markdown (app/common/html.py): bare addresses become links, every link passes the URL scheme
allow-list and carries rel="nofollow noopener ugc", and nothing is linkified inside code. Checked through a real
comment on a topic page, as a reader sees it."""

from tests.helpers import parse


def _shown_comment(client_as, make_topic, make_user, body):
    topic = make_topic()
    client = client_as(make_user())
    assert client.post(f"/t/{topic.id}/comments", {"body": body}).status_code == 302
    html = client.get(f"/t/{topic.id}", follow_redirects=True).get_data(as_text=True)
    [comment] = [c for c in parse(html).find_all(class_="body") if "marker" in c.text]
    return comment


def test_bare_addresses_become_safe_links(app, client_as, make_topic, make_user):
    body = (
        "marker: see https://bank.example/help?a=1&b=2 or www.bank.com/cards, write to help@bank.com\n\n"
        "[written](https://bank.example/w) <https://auto.example/x>\n\n"
        "`https://code.example/no` and ftp://files.example/x [bad](javascript:alert(1))"
    )
    comment = _shown_comment(client_as, make_topic, make_user, body)
    links = {a.text: (a.get("href"), a.get("rel")) for a in comment.find_all("a")}
    rel = "nofollow noopener ugc"
    assert links["https://bank.example/help?a=1&b=2"] == ("https://bank.example/help?a=1&b=2", rel)
    assert links["www.bank.com/cards"] == ("http://www.bank.com/cards", rel)
    assert links["help@bank.com"] == ("mailto:help@bank.com", rel)
    assert links["written"] == ("https://bank.example/w", rel)
    assert links["https://auto.example/x"] == ("https://auto.example/x", rel)
    # A scheme outside http, https and mailto keeps its text but gets no address; javascript: is not a link.
    assert links["ftp://files.example/x"] == (None, rel)
    assert "[bad](javascript:alert(1))" in comment.text and all(
        "javascript" not in (a.get("href") or "") for a in comment.find_all("a")
    )
    assert comment.find("code").text == "https://code.example/no" and comment.find("code").find("a") is None
