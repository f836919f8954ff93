"""Administration writes: categories and users' roles and departments."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth import services as auth_services
from app.common.errors import DomainError
from app.common.unique import unique_name
from app.community.models import Category
from app.extensions import db
from app.staff.models import Department


def _department(department_id) -> Department:
    department = db.session.get(Department, department_id) if isinstance(department_id, int) else None
    if department is None:
        raise DomainError(_l("Choose one of the listed departments."), field="department_id")
    return department


def _unique_category_name(name: str, category_id: int | None) -> str:
    return unique_name(Category, name, category_id, _l("A category with this name already exists."))


def create_category(name: str, department_id: int, description: str = "", position: int = 0) -> Category:
    category = Category(
        name=_unique_category_name(name, None),
        department=_department(department_id),
        description=(description or "").strip(),
        position=position or 0,
    )
    db.session.add(category)
    db.session.flush()
    return category


def update_category(category: Category, name: str, department_id: int, description: str, position: int) -> Category:
    """Moving a category to another department does not move existing topics: they stay with who answered."""
    category.name = _unique_category_name(name, category.id)
    category.department = _department(department_id)
    category.description = (description or "").strip()
    category.position = position or 0
    db.session.flush()
    return category


def update_user_access(actor, user, role: str, department_ids: list[int]):
    auth_services.set_role(actor, user, role)
    departments = list(db.session.scalars(select(Department).where(Department.id.in_(department_ids or []))))
    if len(departments) != len(set(department_ids or [])):
        raise DomainError(_l("Choose one of the listed departments."), field="department_ids")
    user.departments = departments
    db.session.flush()
    return user
