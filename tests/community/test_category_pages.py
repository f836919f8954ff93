"""Categories have their own pages, /c/<slug>: title, description, canonical URL, feed, their topics only."""

from tests.helpers import page


def test_a_category_page_shows_its_topics_with_its_own_title_and_feed(client, community, make_topic):
    cards = community["cards"]
    cards.description = "Debit and credit cards: limits, blocking, travel."
    make_topic(title="Card blocked in Riga", category=cards)
    make_topic(title="Terminal does not print receipts", category=community["acquiring"])

    response = client.get("/c/cards")
    assert response.status_code == 200
    root = page(response)
    assert root.find("title").text.startswith("Cards")
    assert root.find("h1").text == "Cards"
    assert root.find("meta", name="description").get("content") == "Debit and credit cards: limits, blocking, travel."
    assert root.find("link", rel="canonical").get("href") == "http://localhost/c/cards"
    feed = root.find("link", rel="alternate", type="application/atom+xml", href=f"/feeds/categories/{cards.id}.atom")
    assert feed is not None
    titles = [a.text for a in root.find_all("a", class_="topic-title")]
    assert titles == ["Card blocked in Riga"]
    tabs = {a.get("href") for a in root.find("nav", class_="tabs").find_all("a")}
    assert "/c/cards?type=question" in tabs


def test_the_home_page_links_each_category_and_the_old_filter_redirects(client, community):
    links = page(client.get("/")).find("nav", class_="category-links").find_all("a")
    assert {a.get("href") for a in links} == {"/c/cards", "/c/acquiring"}
    response = client.get(f"/?category={community['cards'].id}&type=idea")
    assert response.status_code == 301
    assert response.headers["Location"] == "/c/cards?type=idea"
    assert client.get("/?category=999999").status_code == 200  # an unknown category is ignored: the home page
    assert client.get("/c/no-such-category").status_code == 404


def test_category_pages_are_in_the_sitemap_and_the_feed_points_to_them(client, community, make_topic):
    make_topic(title="Card blocked in Riga", category=community["cards"])
    assert "<loc>http://localhost/c/cards</loc>" in client.get("/sitemap.xml").get_data(as_text=True)
    feed = client.get(f"/feeds/categories/{community['cards'].id}.atom").get_data(as_text=True)
    assert 'href="http://localhost/c/cards"' in feed
