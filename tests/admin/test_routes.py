"""Administration: only for administrators; departments, categories, roles and departments of users."""

import pytest
from sqlalchemy import select

from app.community.models import Category
from app.extensions import db
from app.staff.models import Department
from tests.helpers import db_snapshot, form_errors, page

PAGES = [
    "/admin/",
    "/admin/users",
    "/admin/users?q=ada",
    "/admin/users/{user}",
    "/admin/departments/new",
    "/admin/departments/{department}",
    "/admin/categories/new",
    "/admin/categories/{category}",
]


def _urls(community) -> list[str]:
    ids = {
        "user": community["rep_private"].id,
        "department": community["private"].id,
        "category": community["cards"].id,
    }
    return [url.format(**ids) for url in PAGES]


def _posts(community) -> list[tuple[str, dict]]:
    """A valid form for every admin POST: each would change something if it were accepted."""
    return [
        ("/admin/departments/new", {"name": "Mortgages"}),
        (f"/admin/departments/{community['private'].id}", {"name": "Renamed"}),
        ("/admin/categories/new", {"name": "Loans", "department_id": str(community["private"].id)}),
        (
            f"/admin/categories/{community['cards'].id}",
            {"name": "Renamed", "department_id": str(community["business"].id)},
        ),
        (f"/admin/users/{community['rep_private'].id}", {"role": "admin"}),
    ]


def test_an_administrator_opens_every_admin_page(client_as, community):
    admin = client_as(community["admin"])

    for url in _urls(community):
        assert admin.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["customer", "rep_private", "moderator"])
def test_other_roles_get_404_and_change_nothing(client_as, make_user, community, role):
    user = make_user() if role == "customer" else community[role]
    client = client_as(user)
    before = db_snapshot()

    for url in _urls(community):
        expected = 200 if role == "moderator" and url.split("?")[0] == "/admin/users" else 404
        assert client.get(url).status_code == expected, url  # moderators find people to block there
    for url, data in _posts(community):
        assert client.post(url, data).status_code == 404, url
    assert db_snapshot() == before
    assert "Administration" not in page(client.get("/")).find("header").text


def test_anonymous_visitors_are_sent_to_login(client, community):
    before = db_snapshot()

    for url in _urls(community):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
    for url, data in _posts(community):
        assert client.post(url, data).status_code == 302, url
    assert db_snapshot() == before


@pytest.fixture
def admin(client_as, community):
    return client_as(community["admin"])


def test_create_and_rename_a_department(admin, community):
    response = admin.post("/admin/departments/new", {"name": "  Mortgages ", "description": "Home loans"})

    assert response.status_code == 302
    department = db.session.scalar(select(Department).where(Department.name == "Mortgages"))
    assert department.description == "Home loans"
    assert "Mortgages" in page(admin.get("/admin/")).find("main").text

    assert admin.post(f"/admin/departments/{department.id}", {"name": "Home loans"}).status_code == 302
    db.session.refresh(department)
    assert department.name == "Home loans"


@pytest.mark.parametrize("url", ["/admin/departments/new", "/admin/departments/{other}"])
def test_a_duplicate_department_name_is_a_form_error(admin, community, url):
    before = db_snapshot()

    response = admin.post(url.format(other=community["business"].id), {"name": "Private clients"})

    assert response.status_code == 422
    assert "A department with this name already exists." in form_errors(response)
    assert db_snapshot() == before


def test_create_a_category_with_its_department(admin, community):
    response = admin.post(
        "/admin/categories/new", {"name": "Loans", "department_id": str(community["business"].id), "position": "3"}
    )

    assert response.status_code == 302
    category = db.session.scalar(select(Category).where(Category.name == "Loans"))
    assert (category.department_id, category.position) == (community["business"].id, 3)
    rows = [[cell.text for cell in row.find_all("td")] for row in page(admin.get("/admin/")).find_all("tr")]
    assert ["Loans", "Business", "3"] in rows


def test_move_a_category_to_another_department(admin, community):
    cards = community["cards"]

    response = admin.post(
        f"/admin/categories/{cards.id}", {"name": "Cards", "department_id": str(community["business"].id)}
    )

    assert response.status_code == 302
    db.session.refresh(cards)
    assert cards.department_id == community["business"].id


@pytest.mark.parametrize(
    "url, data, message",
    [
        ("/admin/categories/new", {"name": "Cards"}, "A category with this name already exists."),
        ("/admin/categories/{acquiring}", {"name": "Cards"}, "A category with this name already exists."),
        ("/admin/categories/new", {"name": "Loans", "department_id": "999999"}, "Not a valid choice."),
        ("/admin/categories/new", {"name": "Loans", "department_id": "abc"}, None),
        ("/admin/categories/new", {"name": "Loans", "department_id": "{private}", "position": "-1"}, None),
        ("/admin/categories/new", {"name": "", "department_id": "{private}"}, "This field is required."),
    ],
)
def test_bad_category_forms_are_form_errors(admin, community, url, data, message):
    ids = {key: community[key].id for key in ("private", "acquiring")}
    data = {"department_id": "{private}", **data}
    data = {key: value.format(**ids) for key, value in data.items()}
    before = db_snapshot()

    response = admin.post(url.format(**ids), data)

    assert response.status_code == 422
    errors = form_errors(response)
    assert errors and (message is None or message in errors)
    assert db_snapshot() == before


def test_change_the_role_and_departments_of_a_user(admin, make_user, community):
    user = make_user()

    response = admin.post(
        f"/admin/users/{user.id}",
        {
            "role": "representative",
            "department_ids": [str(community["private"].id), str(community["business"].id)],
        },
    )

    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "representative"
    assert {d.name for d in user.departments} == {"Private clients", "Business"}
    rows = [[cell.text for cell in row.find_all("td")] for row in page(admin.get("/admin/users")).find_all("tr")]
    [row] = [row for row in rows if row and row[1] == user.email]
    assert row[2] == "Representative" and set(row[3].split(", ")) == {"Private clients", "Business"}

    assert admin.post(f"/admin/users/{user.id}", {"role": "customer"}).status_code == 302
    db.session.refresh(user)
    assert (user.role, user.departments) == ("customer", [])


@pytest.mark.parametrize(
    "data",
    [
        {"role": "superuser"},
        {"role": "representative", "department_ids": "999999"},
        {"role": "representative", "department_ids": "abc"},
    ],
)
def test_bad_user_forms_are_form_errors(admin, community, data):
    before = db_snapshot()

    response = admin.post(f"/admin/users/{community['rep_private'].id}", data)

    assert response.status_code == 422
    assert form_errors(response)
    assert db_snapshot() == before


def test_an_administrator_cannot_change_their_own_role(admin, community):
    before = db_snapshot()

    response = admin.post(f"/admin/users/{community['admin'].id}", {"role": "customer"})

    assert response.status_code == 422
    assert "You cannot change your own role." in form_errors(response)
    assert db_snapshot() == before
