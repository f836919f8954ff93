"""The deflection funnel per category and per channel (the ask form's chosen category, the posted topic's, else
the opened suggestion's), with the previous period, on the dashboard and in its CSV; a lead sees the categories
of their departments only. Following a topic counts as taking part."""

import re
from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from app.analytics.models import Event
from app.common.db import utcnow
from app.extensions import db
from app.staff import services as staff_services
from tests.widget.conftest import PARTNER


def _event(client, name, draft, **extra):
    response = client.post_raw(
        "/api/v1/events", json={"event": name, "draft": draft, **extra}, headers={"X-CSRFToken": client.csrf_token()}
    )
    assert response.status_code == 201
    return response


def _table(page: str, by: str) -> str:
    return page.split(f'id="funnel-by-{by}-table"', 1)[1].split("</table>", 1)[0]


def _row(name: str, *cells) -> str:
    return f'<tr><th scope="row">{name}</th>' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def test_the_funnel_per_category_and_channel(
    app, client, client_as, runner, community, customer, make_topic, make_user
):
    cards, acquiring = community["cards"], community["acquiring"]
    card_topic = make_topic(title="Where is my new card", category=cards)
    pos_topic = make_topic(title="The terminal does not print receipts", category=acquiring)
    # Chose "Cards" on the form, opened a suggestion, left: deflected, under Cards.
    _event(client, "suggestions_shown", "draft-cards-0001", count=2, category=str(cards.id))
    _event(client, "suggestion_clicked", "draft-cards-0001", kind="topic", id=card_topic.id, category=str(cards.id))
    # Chose nothing, opened a topic of "Acquiring": the suggestion's category.
    _event(client, "suggestions_shown", "draft-none-00001", count=1, category="0")
    _event(client, "suggestion_clicked", "draft-none-00001", kind="topic", id=pos_topic.id, category="0")
    # Chose "Cards", saw suggestions, posted under "Acquiring" after all: the posted topic's category.
    signed_in = client_as(customer)
    _event(signed_in, "suggestions_shown", "draft-posted-001", count=2, category=str(cards.id))
    posted = signed_in.post(
        "/new",
        {
            "type": "question",
            "mood": "indifferent",
            "title": "How do I connect a second terminal",
            "body": "We have one in the shop and need another one at the till.",
            "category_id": acquiring.id,
            "confirmed": "1",
            "draft_id": "draft-posted-001",
        },
    )
    assert posted.status_code == 302
    # The "Ask us!" panel: suggestions shown, nothing opened, category chosen in the panel.
    app.config["WIDGET_ORIGINS"] = PARTNER
    page = client.get(f"/widget/panel?host={PARTNER}").get_data(as_text=True)
    token = re.search(r'"panelToken": "([^"]+)"', page).group(1)
    draft = re.search(r'"draft": "([^"]+)"', page).group(1)
    panel = client.application.test_client()
    shown = panel.post(
        "/api/v1/widget/events",
        json={"event": "suggestions_shown", "draft": draft, "count": 2, "category": str(cards.id)},
        headers={"X-Widget-Panel": token},
    )
    assert shown.status_code == 201
    # Last month (the previous period of "last 30 days"): one more "Cards" draft, deflected.
    _event(client, "suggestions_shown", "draft-cards-0002", count=2, category=str(cards.id))
    _event(client, "suggestion_clicked", "draft-cards-0002", kind="topic", id=card_topic.id, category=str(cards.id))
    earlier = datetime.combine(utcnow().date() - timedelta(days=35), time(10))
    db.session.execute(update(Event).where(Event.draft_id == "draft-cards-0002").values(created_at=earlier))
    db.session.commit()
    assert runner.invoke(args=["analytics", "rebuild"]).exit_code == 0
    assert {e.draft_id: e.category_id for e in db.session.scalars(select(Event)) if e.draft_id}[
        "draft-none-00001"
    ] == acquiring.id

    admin = client_as(community["admin"])
    dashboard = admin.get("/admin/analytics/").get_data(as_text=True)
    by_category = _table(dashboard, "category")
    # shown, clicked, deflected, posted after suggestions, posted total, rate, previous rate
    assert _row("Acquiring", 2, 1, 1, 1, 1, "50 %", "—") in by_category
    assert _row("Cards", 2, 1, 1, 0, 0, "100 %", "100 %") in by_category
    by_channel = _table(dashboard, "channel")
    assert _row("Community site", 3, 2, 2, 1, 1, "66 %", "100 %") in by_channel
    assert _row("&#34;Ask us!&#34; widget", 1, 0, 0, 0, 0, "—", "—") in by_channel
    csv = admin.get("/admin/analytics/funnel-by-category.csv").get_data(as_text=True).splitlines()
    assert "Acquiring,2,1,1,1,1,50.0,0," in csv and "Cards,2,1,1,0,0,100.0,1,100.0" in csv
    assert "Community site,3,2,2,1,1,66.7,1,100.0" in admin.get("/admin/analytics/funnel-by-channel.csv").get_data(
        as_text=True
    )

    # A lead of "Private clients" sees "Cards" only, in both tables.
    lead = make_user("representative", departments=[community["private"]])
    staff_services.set_department_leads(community["admin"], community["private"], [lead.id])
    db.session.commit()
    mine = client_as(lead).get("/admin/analytics/").get_data(as_text=True)
    assert "Acquiring" not in _table(mine, "category") and _row("Cards", 2, 1, 1, 0, 0, "100 %", "100 %") in mine
    assert _row("Community site", 1, 1, 1, 0, 0, "100 %", "100 %") in _table(mine, "channel")
    lead_csv = client_as(lead).get("/admin/analytics/funnel-by-category.csv").get_data(as_text=True)
    assert "Acquiring" not in lead_csv
    assert client_as(customer).get("/admin/analytics/funnel-by-category.csv").status_code == 404


def test_following_a_topic_counts_as_taking_part(app, client_as, community, make_topic, make_user):
    topic = make_topic(title="Where is my new card", category=community["cards"])
    follower = make_user()
    assert client_as(follower).post(f"/t/{topic.id}/follow", {}).status_code in (200, 302, 303)
    admin = client_as(community["admin"])

    def participants(url="/admin/analytics/activity.csv"):
        rows = admin.get(url).get_data(as_text=True).splitlines()
        return int(next(r for r in rows if r.startswith("Active participants")).split(",")[1])

    # Today's figures are live; the stored roll-up of today holds the follower too (queued by the follow).
    assert participants() == 2  # the author and the follower
    from app.analytics.rollup_models import DailyParticipant

    stored = set(db.session.scalars(select(DailyParticipant.user_id).where(DailyParticipant.day == utcnow().date())))
    assert follower.id in stored
    # The lead of the other department does not count them.
    lead = community["rep_business"]
    staff_services.set_department_leads(community["admin"], community["business"], [lead.id])
    db.session.commit()
    rows = client_as(lead).get("/admin/analytics/activity.csv").get_data(as_text=True).splitlines()
    assert "Active participants,0" in rows
