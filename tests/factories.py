"""Factory fixtures: build rows through the real services, commit, return them."""

import itertools

import pytest

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.community import services as community_services
from app.extensions import db
from app.staff import services as staff_services

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


@pytest.fixture
def make_department(app):
    def make(name=None):
        department = staff_services.create_department(name or f"Department {next(_counter)}")
        db.session.commit()
        return department

    return make


@pytest.fixture
def make_user(app):
    def make(role="customer", email=None, name=None, departments=()):
        email = email or f"user{next(_counter)}@test.example"
        user = auth_services.register_user(email, PASSWORD, name or email.split("@")[0].title(), role=role)
        user.departments = list(departments)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_category(app, make_department):
    def make(name=None, department=None):
        department = department or make_department()
        category = admin_services.create_category(name or f"Category {next(_counter)}", department.id)
        db.session.commit()
        return category

    return make


@pytest.fixture
def make_topic(app, make_user, make_category):
    def make(
        author=None,
        topic_type="question",
        title=None,
        body="Some details about it.",
        category=None,
        mood="indifferent",
        is_private=False,
    ):
        topic = community_services.create_topic(
            author or make_user(),
            topic_type,
            title or f"Topic number {next(_counter)}",
            body,
            (category or make_category()).id,
            mood=mood,
            is_private=is_private,
        )
        db.session.commit()
        return topic

    return make


@pytest.fixture
def customer(make_user):
    return make_user(email="customer@test.example", name="Carol Customer")


@pytest.fixture
def community(make_department, make_category, make_user):
    """Two departments with a category and a representative each, an admin, a moderator."""
    private = make_department("Private clients")
    business = make_department("Business")
    data = {
        "private": private,
        "business": business,
        "cards": make_category("Cards", private),
        "acquiring": make_category("Acquiring", business),
        "rep_private": make_user("representative", "rep.private@test.example", "Pavel Private", [private]),
        "rep_business": make_user("representative", "rep.business@test.example", "Boris Business", [business]),
        "admin": make_user("admin", "admin@test.example", "Ada Admin"),
        "moderator": make_user("moderator", "moderator@test.example", "Mona Moderator"),
    }
    return data


@pytest.fixture
def make_upload(app, make_user):
    """make_upload(owner=None, data=None) -> a stored image Upload (a small PNG unless `data` is given)."""
    import io

    from PIL import Image
    from werkzeug.datastructures import FileStorage

    from app.media import services as media_services

    def make(owner=None, data=None, filename="picture.png"):
        if data is None:
            buffer = io.BytesIO()
            Image.new("RGB", (24, 16), (30, 160, 90)).save(buffer, format="PNG")
            data = buffer.getvalue()
        upload = media_services.store_image(owner or make_user(), FileStorage(io.BytesIO(data), filename=filename))
        db.session.commit()
        return upload

    return make


@pytest.fixture
def make_article(app, make_user, make_category):
    """make_article(author=None, title=None, body=..., category=None, publish=True) -> a knowledge-base Article
    (written by a new representative unless `author` is given), built through the kb services."""
    from app.kb import services as kb_services

    def make(
        author=None,
        title=None,
        body="The answer, step by step.",
        category=None,
        publish=True,
        department=None,
        source_topic=None,
    ):
        article = kb_services.create_article(
            author or make_user("representative"),
            title or f"Article number {next(_counter)}",
            body,
            (category or make_category()).id,
            department_id=department.id if department else None,
            source_topic_id=source_topic.id if source_topic else None,
            publish=publish,
        )
        db.session.commit()
        return article

    return make
