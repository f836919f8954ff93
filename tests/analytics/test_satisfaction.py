"""CSAT on solved topics and NPS once a quarter: asked of the right person, answered once, reported."""

from sqlalchemy import func, select

from app.analytics.models import CsatResponse, NpsResponse
from app.community import services as community
from app.extensions import db
from app.notify.models import MailMessage
from app.staff import services as staff_services


def _solved_topic(community_data, make_topic, customer):
    topic = make_topic(author=customer, title="Card blocked abroad", category=community_data["cards"])
    rep = community_data["rep_private"]
    answer = community.post_comment(rep, topic, "Call the number on the back of the card.")
    db.session.commit()
    community.mark_solution(customer, topic, answer.id)
    db.session.commit()
    return topic


def _rate(client, topic, **data):
    return client.post(f"/t/{topic.id}/rate", {"solved": "yes", "score": "5", "comment": "", **data})


def test_the_author_rates_a_solved_topic_once(app, client_as, community, make_topic, customer):
    topic = _solved_topic(community, make_topic, customer)
    author = client_as(customer)
    page = author.get(f"/t/{topic.id}-{topic.slug}").get_data(as_text=True)
    assert 'id="csat"' in page and "Did this solve your problem?" in page
    mail = db.session.scalars(select(MailMessage).where(MailMessage.recipient_id == customer.id)).all()
    assert any(f"/t/{topic.id}-{topic.slug}#csat" in m.body_text for m in mail)
    response = _rate(author, topic, score="4", comment="Quick and clear")
    assert response.status_code == 302
    row = db.session.scalar(select(CsatResponse))
    assert (row.user_id, row.solved, row.score, row.comment) == (customer.id, True, 4, "Quick and clear")
    assert row.department_id == community["private"].id and row.representative_id == community["rep_private"].id
    assert 'id="csat"' not in author.get(f"/t/{topic.id}-{topic.slug}").get_data(as_text=True)
    again = _rate(author, topic, score="1")
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CsatResponse)) == 1
    assert "rated it already" in author.get(f"/t/{topic.id}-{topic.slug}").get_data(as_text=True)


def test_nobody_else_rates_and_unsolved_topics_are_not_rated(
    app, client_as, community, make_topic, customer, make_user
):
    topic = _solved_topic(community, make_topic, customer)
    stranger = client_as(make_user())
    assert _rate(stranger, topic).status_code == 404
    assert 'id="csat"' not in stranger.get(f"/t/{topic.id}-{topic.slug}").get_data(as_text=True)
    assert client_as().post(f"/t/{topic.id}/rate", {"solved": "yes", "score": "5"}).status_code == 302  # to sign in
    open_topic = make_topic(author=customer, title="Still waiting", category=community["cards"])
    assert _rate(client_as(customer), open_topic).status_code == 302
    for bad in ({"score": "9"}, {"score": "0"}, {"solved": "maybe"}):
        _rate(client_as(customer), topic, **bad)
    assert db.session.scalar(select(func.count()).select_from(CsatResponse)) == 0


def test_a_low_rating_reaches_the_department_leads(app, client_as, community, make_topic, customer):
    lead = community["rep_private"]
    staff_services.set_department_leads(community["admin"], community["private"], [lead.id])
    db.session.commit()
    topic = _solved_topic(community, make_topic, customer)
    _rate(client_as(customer), topic, solved="no", score="1", comment="It did not help at all")
    mail = db.session.scalars(select(MailMessage).where(MailMessage.event == "low_rating")).all()
    assert [m.recipient_id for m in mail] == [lead.id]
    assert "1 of 5" in mail[0].subject and "It did not help at all" in mail[0].body_text


def test_nps_once_a_quarter_for_active_customers(app, client_as, community, make_topic, customer, make_user):
    make_topic(author=customer, title="A question of mine", category=community["cards"])
    active = client_as(customer)
    assert 'id="nps"' in active.get("/").get_data(as_text=True)
    assert 'id="nps"' not in client_as(make_user()).get("/").get_data(as_text=True)  # never posted
    assert 'id="nps"' not in client_as(community["admin"]).get("/").get_data(as_text=True)
    assert active.post("/feedback/recommend", {"score": "9", "comment": "Fast answers"}).status_code == 302
    assert active.post("/feedback/recommend", {"score": "0"}).status_code == 302
    rows = db.session.scalars(select(NpsResponse)).all()
    assert [(r.user_id, r.score, r.comment) for r in rows] == [(customer.id, 9, "Fast answers")]
    assert 'id="nps"' not in active.get("/").get_data(as_text=True)


def test_nps_can_be_dismissed(app, client_as, community, make_topic, customer):
    make_topic(author=customer, title="A question of mine", category=community["cards"])
    active = client_as(customer)
    assert active.post("/feedback/recommend", {"dismiss": "Not now"}).status_code == 302
    assert db.session.scalar(select(NpsResponse.score)) is None
    assert 'id="nps"' not in active.get("/").get_data(as_text=True)


def test_dashboard_and_csv_show_satisfaction(app, client_as, community, make_topic, customer):
    topic = _solved_topic(community, make_topic, customer)
    _rate(client_as(customer), topic, score="4")
    client_as(customer).post("/feedback/recommend", {"score": "10"})
    admin = client_as(community["admin"])
    page = admin.get("/admin/analytics/?period=7").get_data(as_text=True)
    assert "<strong>4.0</strong>average rating of answers (1–5), 1 ratings" in page
    assert "<strong>+100</strong>NPS: 1 promoters, 0 passives, 0 detractors" in page
    csv = admin.get("/admin/analytics/satisfaction.csv?period=7").get_data().decode("utf-8-sig").splitlines()
    assert "Department,Private clients,1,4.0,1.0,0" in csv and "NPS,,1,100.0,,0" in csv


def test_nps_trend_per_week_and_month_on_the_page_and_in_csv(app, client_as, community, make_topic, make_user):
    """Four customers answer through the page; their answers are then dated into two weeks (and months)."""
    from datetime import datetime, time, timedelta

    from app.common.db import utcnow

    app.config["RATELIMIT_SIGNIN"] = "60/minute"  # seven people sign in from the test client's one address
    today = utcnow().date()
    monday = today - timedelta(days=today.weekday())
    for n, score in enumerate((10, 9, 3, 8)):
        person = make_user()
        make_topic(author=person, title=f"A question of customer {n}", category=community["cards"])
        assert client_as(person).post("/feedback/recommend", {"score": str(score)}).status_code == 302
    dismissing = make_user()
    make_topic(author=dismissing, title="A question of a busy customer", category=community["cards"])
    client_as(dismissing).post("/feedback/recommend", {"dismiss": "Not now"})
    answers = db.session.scalars(select(NpsResponse).order_by(NpsResponse.id)).all()
    earlier = datetime.combine(monday - timedelta(days=14), time(10))
    for row in answers[:2]:  # 10 and 9: two promoters two weeks ago
        row.created_at = earlier
    db.session.commit()

    admin = client_as(community["admin"])
    page = admin.get("/admin/analytics/?period=30").get_data(as_text=True)
    assert "NPS by week" in page and 'id="chart-nps"' in page
    table = page[page.index('id="nps-trend-table"') :]
    table = table[: table.index("</table>")]
    assert f'<th scope="row">{monday - timedelta(days=14)}</th><td>2</td><td>+100</td>' in table
    assert f'<th scope="row">{monday}</th><td>2</td><td>-50</td>' in table  # 3 and 8: one detractor, one passive
    assert f'<th scope="row">{monday - timedelta(days=7)}</th><td>0</td><td>—</td>' in table
    csv = admin.get("/admin/analytics/nps-trend.csv?period=30").get_data()
    assert csv.startswith("\ufeff".encode())
    lines = csv.decode("utf-8-sig").splitlines()
    assert lines[0] == "Week from,Answers,NPS"
    assert f"{monday - timedelta(days=14)},2,100.0" in lines and f"{monday},2,-50.0" in lines

    year = admin.get(f"/admin/analytics/nps-trend.csv?period=custom&from={today - timedelta(days=364)}&to={today}")
    lines = year.get_data().decode("utf-8-sig").splitlines()
    assert lines[0] == "Month from,Answers,NPS" and len(lines) in (13, 14)
    assert sum(int(line.split(",")[1]) for line in lines[1:]) == 4

    lead = make_user("representative", departments=[community["private"]])
    staff_services.set_department_leads(community["admin"], community["private"], [lead.id])
    db.session.commit()
    lead_page = client_as(lead).get("/admin/analytics/?period=30").get_data(as_text=True)
    assert "NPS by week" not in lead_page
