"""Searches that found nothing: recorded from the ask form's suggestions and the search pages (masked,
normalised, a visitor once per text a day, a draft's keystrokes once), rolled up, shown on the dashboard and in
its CSV with the previous period, to staff only."""

from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from app.analytics.models import Event
from app.common.db import utcnow
from app.extensions import db
from app.staff import services as staff_services

CARD = "4276 3800 1234 5679"  # passes the Luhn check
TEXT = "кредитные каникулы"


def _visitor(n: int) -> dict:
    return {"User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) Firefox/{100 + n}"}


def _suggest(client, title: str, draft: str | None, n: int):
    query = {"title": title, "body": "", **({"draft": draft} if draft else {})}
    response = client.get("/api/v1/suggest", query_string=query, headers=_visitor(n))
    assert response.status_code == 200
    return response.get_json()


def _rows(page: str) -> str:
    return page.split('id="zero-searches-table"', 1)[1].split("</table>", 1)[0]


def test_searches_that_found_nothing_reach_the_dashboard_and_the_csv(
    app, client, client_as, runner, community, make_topic, make_user
):
    make_topic(title="Where is my new card", category=community["cards"])
    # Three visitors type the same request on the ask form; the first pauses twice while typing.
    assert _suggest(client, "Кредитные", "draft-zero-0001", 0) == []
    assert _suggest(client, "Кредитные  каникулы!", "draft-zero-0001", 0) == []
    assert _suggest(client, "КРЕДИТНЫЕ каникулы", "draft-zero-0002", 1) == []
    assert _suggest(client, "Кредитные каникулы?", "draft-zero-0003", 2) == []
    assert _suggest(client, "Where is my new card", "draft-zero-0004", 3) != []  # found: not counted
    assert _suggest(client, "Ипотечный калькулятор", None, 4) == []  # no draft (an API client): not counted
    # The search page: the first visitor again (same text: still one visitor), and a card number.
    assert client.get("/search", query_string={"q": "кредитные каникулы"}, headers=_visitor(0)).status_code == 200
    assert client.get("/search", query_string={"q": f"{CARD} заморожен"}, headers=_visitor(5)).status_code == 200
    bot = {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}
    assert client.get("/search", query_string={"q": "bot text here"}, headers=bot).status_code == 200
    assert client.get("/kb/search", query_string={"q": "Как закрыть вклад"}, headers=_visitor(6)).status_code == 200
    stored = [e.data["q"] for e in db.session.scalars(select(Event).where(Event.name == "search_empty"))]
    assert CARD not in " ".join(stored) and "4276 •••• •••• 5679 заморожен" in " ".join(stored)

    # Last month, two visitors searched for the same thing in vain (the previous period of "last 30 days").
    for n in (7, 8):
        assert client.get("/search", query_string={"q": TEXT}, headers=_visitor(n)).status_code == 200
    earlier = datetime.combine(utcnow().date() - timedelta(days=40), time(12))
    db.session.execute(
        update(Event)
        .where(Event.id.in_(select(Event.id).order_by(Event.id.desc()).limit(2)))
        .values(created_at=earlier)
    )
    db.session.commit()
    assert runner.invoke(args=["analytics", "rebuild"]).exit_code == 0

    admin = client_as(community["admin"])
    rows = _rows(admin.get("/admin/analytics/").get_data(as_text=True))
    assert f'<tr><th scope="row">{TEXT}</th><td>3</td><td>4</td><td>2</td></tr>' in rows
    assert '<th scope="row">как закрыть вклад</th><td>1</td><td>1</td><td>0</td>' in rows
    assert "4276 •••• •••• 5679 заморожен" in rows and CARD not in rows
    assert "кредитные<" not in rows and "ипотечный" not in rows and "where is my" not in rows and "bot text" not in rows
    csv = admin.get("/admin/analytics/zero-searches.csv").get_data(as_text=True)
    assert csv.startswith("\ufeff") and f"{TEXT},3,4,2" in csv.splitlines()
    assert CARD not in csv
    assert f"{TEXT},5,6,0" in admin.get("/admin/analytics/zero-searches.csv?period=90").get_data(as_text=True)

    lead = make_user("representative", departments=[community["private"]])
    staff_services.set_department_leads(community["admin"], community["private"], [lead.id])
    db.session.commit()
    assert TEXT in _rows(client_as(lead).get("/admin/analytics/").get_data(as_text=True))
    for outsider in (make_user(), community["rep_business"]):
        other = client_as(outsider)
        assert other.get("/admin/analytics/").status_code == 404
        assert other.get("/admin/analytics/zero-searches.csv").status_code == 404
    assert client_as().get("/admin/analytics/zero-searches.csv").status_code == 404
