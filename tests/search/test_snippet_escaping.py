"""Snippets are escaped exactly once: a `<` or `&` a person typed shows as itself, never as `&lt;`."""

from tests.helpers import page


def test_search_snippets_show_angle_brackets_and_ampersands_as_typed(client, make_topic, community):
    make_topic(
        title="Transfer limits for business accounts",
        category=community["cards"],
        body="Is the transfer limit < 100 000 & can I raise it? <script>alert(1)</script>",
    )
    response = client.get("/search?q=transfer limit")
    snippet = page(response).find("p", class_="snippet")
    assert snippet is not None
    assert "< 100 000 & can I raise it?" in snippet.text
    assert "&lt;" not in snippet.text and "&amp;" not in snippet.text
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&amp;lt;" not in html


def test_suggest_api_snippets_are_html_escaped_once(client, make_topic, community):
    make_topic(
        title="Transfer limits for business accounts",
        category=community["cards"],
        body="Is the transfer limit < 100 000 & can I raise it?",
    )
    [item] = client.get("/api/v1/suggest", query_string={"title": "transfer limit"}).get_json()
    assert "&lt; 100 000 &amp; can I raise it?" in item["snippet"]
    assert "&amp;lt;" not in item["snippet"]
