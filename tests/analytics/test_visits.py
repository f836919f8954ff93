"""Page views counted through real requests, written in batches, and shown on the dashboard and in its CSVs."""

from datetime import timedelta

from sqlalchemy import func, select

from app.analytics import visits
from app.analytics.models import DailyVisits, PageView
from app.common.db import utcnow
from app.extensions import db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile Safari/604.1"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def view(client, path="/", referrer=None, agent=BROWSER, ip="203.0.113.7"):
    headers = {"User-Agent": agent}
    if referrer:
        headers["Referer"] = referrer
    response = client.get(path, headers=headers, environ_base={"REMOTE_ADDR": ip})
    assert response.status_code == 200
    response.close()  # as the WSGI server does once the page is sent: runs what was deferred until then
    return response


def test_views_are_counted_by_source_and_visitor(app, client, community, make_topic):
    topic = make_topic(title="Card blocked abroad", category=community["cards"])
    view(client, "/", "https://yandex.ru/search/?text=bank", ip="198.51.100.1")
    view(client, f"/t/{topic.id}-{topic.slug}", "http://localhost/", ip="198.51.100.1")  # the same person, next page
    view(client, "/", "https://www.google.com/", agent=PHONE, ip="198.51.100.2")
    view(client, "/", "https://vk.com/", ip="198.51.100.3")
    view(client, "/", None, ip="198.51.100.4")
    view(client, "/", "https://www.google.com/", agent=GOOGLEBOT, ip="66.249.66.1")
    assert db.session.scalar(select(func.count()).select_from(PageView)) == 0  # write-behind: nothing yet
    assert visits.flush() == 6
    assert db.session.scalar(select(func.count()).select_from(PageView)) == 6
    assert db.session.scalar(select(func.sum(DailyVisits.visitors))) == 4
    assert db.session.scalar(select(func.sum(DailyVisits.page_views))) == 5
    assert db.session.scalar(select(func.sum(DailyVisits.bot_views))) == 1
    by_source = dict(
        db.session.execute(
            select(DailyVisits.source, func.sum(DailyVisits.visitors)).group_by(DailyVisits.source)
        ).all()
    )
    assert by_source == {"search": 2, "social": 1, "direct": 1, "internal": 0}
    assert not any(view.path.startswith("/static") for view in db.session.scalars(select(PageView)))
    assert "198.51.100" not in " ".join(v.visitor for v in db.session.scalars(select(PageView)))


def test_a_visitor_counts_once_a_day_across_flushes(app, client):
    view(client, "/", "https://www.google.com/")
    visits.flush()
    view(client, "/", "https://www.google.com/")
    view(client, "/", "https://www.bing.com/")
    visits.flush()
    assert db.session.scalar(select(func.sum(DailyVisits.visitors))) == 1
    assert db.session.scalar(select(func.sum(DailyVisits.page_views))) == 3


def test_a_full_batch_is_written_after_the_response(app, client):
    app.config["ANALYTICS_FLUSH_BATCH"] = 3
    for n in range(3):
        view(client, "/", ip=f"192.0.2.{n}")
    assert db.session.scalar(select(func.count()).select_from(PageView)) == 3
    assert len(visits.buffer()) == 0


def test_pages_that_are_not_counted(app, client, auth, community):
    static = client.get("/static/css/otklik.css")
    assert static.status_code == 200
    static.close()
    assert client.get("/no-such-page").status_code == 404
    auth.login("admin@test.example")
    assert client.get("/admin/").status_code == 200
    assert len(visits.buffer()) == 0


def test_dashboard_shows_the_period_and_compares(app, client, client_as, community, make_topic):
    for n, referrer in enumerate(["https://www.google.com/", "https://yandex.ru/", "https://vk.com/", ""]):
        view(client, "/", referrer, ip=f"192.0.2.{n}")
    make_topic(title="Where is my card", category=community["cards"])
    visits.flush()
    admin = client_as(community["admin"])
    page = admin.get("/admin/analytics/?period=7").get_data(as_text=True)
    assert "Analytics" in page
    assert "<strong>4</strong>\n  visitors" in page
    assert "<strong>50 %</strong>\n  of visitors came from search engines" in page
    assert "Search engines</th><td>2</td>" in page
    csv = admin.get("/admin/analytics/visits-by-source.csv?period=7")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    body = csv.get_data()
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "Source,Site or network,Visitors"
    assert "Search engines,,2" in lines and "Social networks,,1" in lines and "Direct visits,,1" in lines
    assert "Search engines,Google,1" in lines and "Search engines,Yandex,1" in lines
    by_day = admin.get("/admin/analytics/visits-by-day.csv?period=7").get_data().decode("utf-8-sig").splitlines()
    assert len(by_day) == 1 + 7 and by_day[-1] == f"{utcnow().date().isoformat()},4,4"
    activity = admin.get("/admin/analytics/activity.csv?period=30").get_data().decode("utf-8-sig").splitlines()
    assert "Questions,1" in activity and "Active participants,1" in activity


def test_custom_and_month_periods(app, client_as, community):
    admin = client_as(community["admin"])
    today = utcnow().date()
    start = (today - timedelta(days=3)).isoformat()
    page = admin.get(f"/admin/analytics/?period=custom&from={start}&to={today.isoformat()}").get_data(as_text=True)
    assert f"{start} – {today.isoformat()}" in page
    page = admin.get("/admin/analytics/?period=month&month=2026-02").get_data(as_text=True)
    assert "2026-02-01 – 2026-02-28, compared with 2026-01-04 – 2026-01-31" in page
    page = admin.get("/admin/analytics/?period=custom&from=garbage&to=2026-01-01").get_data(as_text=True)
    assert f"{(today - timedelta(days=29)).isoformat()} – {today.isoformat()}" in page


def test_who_may_see_the_dashboard(app, client_as, community, make_user, make_topic):
    from app.staff import services as staff_services

    lead = community["rep_business"]
    staff_services.set_department_leads(community["admin"], community["business"], [lead.id])
    db.session.commit()
    make_topic(title="Terminal broken", category=community["acquiring"])
    make_topic(title="Card lost", category=community["cards"])
    make_topic(title="Card stolen", category=community["cards"])
    assert client_as().get("/admin/analytics/").status_code in (302, 404)
    assert client_as(make_user()).get("/admin/analytics/").status_code == 404
    assert client_as(community["rep_private"]).get("/admin/analytics/").status_code == 404
    lead_csv = client_as(lead).get("/admin/analytics/activity.csv").get_data().decode("utf-8-sig").splitlines()
    admin_csv = client_as(community["admin"]).get("/admin/analytics/activity.csv").get_data().decode("utf-8-sig")
    assert "Questions,1" in lead_csv  # only the Business department's topic
    assert "Questions,3" in admin_csv.splitlines()
    assert client_as(community["admin"]).get("/admin/analytics/nothing.csv").status_code == 404


def test_export_and_purge_commands(app, client, runner, tmp_path):
    view(client, "/", "https://www.google.com/")
    assert "1 page views written." in runner.invoke(args=["analytics", "flush"]).output
    today = utcnow().date().isoformat()
    result = runner.invoke(args=["analytics", "export", "--from", today, "--to", today, "--out", str(tmp_path / "x")])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "x").iterdir())
    assert written == sorted(
        f"otklik-{n}-{today}-{today}.csv"
        for n in (
            "visits-by-day",
            "visits-by-source",
            "activity",
            "funnel",
            "service-levels",
            "satisfaction",
            "nps-trend",
            "zero-searches",
            "funnel-by-channel",
            "funnel-by-category",
            "moods-by-category",
        )
    )
    assert "Search engines,,1" in (tmp_path / "x" / f"otklik-visits-by-source-{today}-{today}.csv").read_text(
        "utf-8-sig"
    )
    db.session.execute(PageView.__table__.update().values(day=utcnow().date() - timedelta(days=500)))
    db.session.commit()
    assert "1 raw page views" in runner.invoke(args=["analytics", "purge"]).output
    assert db.session.scalar(select(func.count()).select_from(PageView)) == 0
    assert db.session.scalar(select(func.sum(DailyVisits.visitors))) == 1  # the roll-up stays


def test_service_levels_in_working_hours(app, client_as, community, make_topic, make_user):
    """Round-the-clock department: a first answer 3 hours after the question is 3 working hours; a topic still
    unsolved past its target counts as a miss and as overdue."""
    from datetime import datetime

    from app.staff import hours
    from app.staff import services as staff_services
    from app.staff.models import TopicWork

    admin = community["admin"]
    staff_services.update_department_hours(admin, community["private"], "UTC", hours.ALL_DAYS, 0, 24 * 60, 6, 40)
    db.session.commit()
    created = datetime.combine(utcnow().date() - timedelta(days=2), datetime.min.time()).replace(hour=8)
    answered_in = [1, 3, 10]  # hours: two within the 6-hour target, one late
    for n, delay in enumerate(answered_in):
        topic = make_topic(title=f"Card question {n}", category=community["cards"])
        topic.created_at = created
        work = db.session.get(TopicWork, topic.id)
        work.first_response_due_at = created + timedelta(hours=6)
        work.first_response_at = created + timedelta(hours=delay)
        work.resolution_due_at = created + timedelta(hours=40)
        work.resolved_at = created + timedelta(hours=delay + 1) if n < 2 else None
    db.session.commit()
    csv = client_as(admin).get("/admin/analytics/service-levels.csv?period=7").get_data().decode("utf-8-sig")
    row = next(line for line in csv.splitlines() if line.startswith("Department,Private clients,"))
    #  group, name, topics, first median, first p90, first share, solution median, p90, share, backlog, overdue
    assert row.split(",") == ["Department", "Private clients", "3", "3.0", "10.0", "0.7", "2.0", "4.0", "0.7", "1", "1"]
    page = client_as(admin).get("/admin/analytics/?period=7").get_data(as_text=True)
    assert "3.0 h / 10.0 h" in page and "66 %" in page
