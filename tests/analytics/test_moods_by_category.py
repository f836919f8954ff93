"""Moods of new topics per category and department over the period, with the previous period's upset share:
on the dashboard and in its CSV; a lead sees their departments only."""

from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from app.common.db import utcnow
from app.community.models import Topic
from app.extensions import db
from app.staff import services as staff_services


def _post(client, category, mood: str, n: int) -> None:
    response = client.post(
        "/new",
        {
            "type": "problem",
            "title": f"Payments fail again, case {n}",
            "body": "Since this morning the payment does not go through.",
            "category_id": category.id,
            "mood": mood,
            "confirmed": "1",
        },
    )
    assert response.status_code == 302


def _table(page: str) -> str:
    return page.split('id="moods-by-category-table"', 1)[1].split("</table>", 1)[0]


def test_moods_per_category_and_department(app, client_as, runner, community, customer, make_user):
    cards, acquiring = community["cards"], community["acquiring"]
    author = client_as(customer)
    for n, (category, mood) in enumerate(
        [(cards, "upset"), (cards, "upset"), (cards, "satisfied"), (acquiring, "indifferent"), (cards, "satisfied")]
    ):
        _post(author, category, mood, n)
    # The last "Cards" topic was written last month (the previous period of "last 30 days").
    last = db.session.scalars(select(Topic.id).order_by(Topic.id.desc())).first()
    earlier = datetime.combine(utcnow().date() - timedelta(days=40), time(9))
    db.session.execute(update(Topic).where(Topic.id == last).values(created_at=earlier))
    db.session.commit()
    assert runner.invoke(args=["analytics", "rebuild"]).exit_code == 0

    admin = client_as(community["admin"])
    rows = _table(admin.get("/admin/analytics/").get_data(as_text=True))
    # category, department, satisfied, indifferent, upset, upset share, previous period
    assert (
        '<tr><th scope="row">Cards</th><td>Private clients</td><td>1</td><td>0</td><td>2</td><td>66 %</td><td>0 %</td>'
        in rows
    )
    assert (
        '<tr><th scope="row">Acquiring</th><td>Business</td><td>0</td><td>1</td><td>0</td><td>0 %</td><td>—</td>'
        in rows
    )
    assert rows.index("Cards") < rows.index("Acquiring")  # the most upset first
    csv = admin.get("/admin/analytics/moods-by-category.csv").get_data(as_text=True).splitlines()
    assert "Cards,Private clients,1,0,2,66.7,0.0" in csv and "Acquiring,Business,0,1,0,0.0," in csv

    lead = make_user("representative", departments=[community["business"]])
    staff_services.set_department_leads(community["admin"], community["business"], [lead.id])
    db.session.commit()
    mine = _table(client_as(lead).get("/admin/analytics/").get_data(as_text=True))
    assert "Acquiring" in mine and "Cards" not in mine
    assert "Cards" not in client_as(lead).get("/admin/analytics/moods-by-category.csv").get_data(as_text=True)
