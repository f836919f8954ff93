"""Community vs call centre: an administrator enters or uploads the call centre's months; the dashboard shows
the community's share of all requests solved."""

import io

from sqlalchemy import select

from app.analytics.models import CallCentreMonth
from app.common.db import utcnow
from app.community import services as community_services
from app.extensions import db


def _months():
    return {row.month: row.requests for row in db.session.scalars(select(CallCentreMonth))}


def _upload(client, content: bytes, name="calls.csv"):
    return client.post(
        "/admin/analytics/call-centre/upload", {"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def test_admin_enters_and_uploads_months(app, client_as, community):
    admin = client_as(community["admin"])
    assert "Call centre requests" in admin.get("/admin/analytics/call-centre/").get_data(as_text=True)
    assert admin.post("/admin/analytics/call-centre/", {"month": "2026-09", "requests": "900"}).status_code == 302
    csv = "\ufeffMonth;Requests\n2026-09;1 200\n2026-10;1100\n\n".encode("utf-8")
    response = _upload(admin, csv)
    assert response.status_code == 302
    assert _months() == {"2026-09": 1200, "2026-10": 1100}
    page = admin.get("/admin/analytics/call-centre/").get_data(as_text=True)
    assert "2026-10" in page and "1100" in page
    assert admin.post("/admin/analytics/call-centre/2026-10/delete").status_code == 302
    assert _months() == {"2026-09": 1200}


def test_bad_input_is_a_clear_4xx_and_saves_nothing(app, client_as, community):
    admin = client_as(community["admin"])
    bad = b"month,requests\n2026-09,100\n2026-13,5\nSeptember,7\n2026-10,many\n2026-09,3\n2026-11\n"
    response = _upload(admin, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "nothing was saved" in page
    assert "Line 3: “2026-13” is not a month like 2026-09" in page
    assert "Line 4: “September” is not a month like 2026-09" in page
    assert "Line 5: “many” is not a whole number of requests" in page
    assert "Line 6: 2026-09 appears twice" in page
    assert "Line 7: expected two columns" in page
    assert _months() == {}
    assert _upload(admin, "\xff\xfe2026".encode("latin-1")).status_code == 400
    assert _upload(admin, b"month,requests\n").status_code == 400
    assert _upload(admin, b"2026-09,1\n" * 30000).status_code == 400  # too large
    manual = admin.post("/admin/analytics/call-centre/", {"month": "09/2026", "requests": "-4"})
    assert manual.status_code == 400 and "Enter a month like 2026-09." in manual.get_data(as_text=True)
    assert _months() == {}


def test_only_administrators(app, client_as, community):
    rep = client_as(community["rep_private"])
    assert rep.get("/admin/analytics/call-centre/").status_code == 404
    assert rep.post("/admin/analytics/call-centre/", {"month": "2026-09", "requests": "1"}).status_code == 404
    assert _months() == {}


def test_dashboard_shows_the_community_share(app, client_as, community, make_topic, customer):
    admin = client_as(community["admin"])
    rep = community["rep_private"]
    for n in range(3):
        topic = make_topic(author=customer, title=f"Card question {n}", category=community["cards"])
        if n < 2:
            answer = community_services.post_comment(rep, topic, "Here is how.")
            db.session.commit()
            community_services.mark_solution(customer, topic, answer.id)
            db.session.commit()
    month = utcnow().strftime("%Y-%m")
    admin.post("/admin/analytics/call-centre/", {"month": month, "requests": "8"})
    page = admin.get(f"/admin/analytics/?period=month&month={month}").get_data(as_text=True)
    assert '<td id="community-share">20.0 %</td>' in page  # 2 solved / (2 + 8)
    csv = admin.get(f"/admin/analytics/activity.csv?period=month&month={month}").get_data().decode("utf-8-sig")
    assert "Community share of all requests solved (%),20.0" in csv and "Requests handled by the call centre,8" in csv
