from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.admin import services, synonyms
from app.admin.forms import (
    ROLE_LABELS,
    CategoryForm,
    DepartmentForm,
    RemoveSynonymGroupForm,
    SynonymGroupForm,
    UserRoleForm,
)
from app.analytics import queries as analytics_queries
from app.auth.models import User
from app.common.errors import DomainError, NotFound
from app.common.pagination import parse_page
from app.common.policy import ADMIN, role_required
from app.community import queries
from app.community.models import Category
from app.extensions import db
from app.staff import queries as staff_queries
from app.staff import services as staff_services
from app.staff.models import Department

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required(ADMIN)
def guard():
    return None


def _apply_error(form, error: DomainError):
    getattr(form, error.field or "name").errors.append(str(error.message))


@bp.route("/")
def index():
    return render_template(
        "admin/index.html",
        departments=staff_queries.departments(),
        categories=queries.categories_with_departments(),
        deflection=analytics_queries.deflection(),
    )


@bp.route("/departments/new", methods=["GET", "POST"])
@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
def department(department_id: int | None = None):
    item = db.session.get(Department, department_id) if department_id else None
    if department_id and item is None:
        abort(404)
    form = DepartmentForm(obj=item)
    if form.validate_on_submit():
        try:
            if item is None:
                staff_services.create_department(form.name.data, form.description.data)
            else:
                staff_services.update_department(item, form.name.data, form.description.data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Department saved."), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/department.html", form=form, item=item), 422 if form.errors else 200


@bp.route("/categories/new", methods=["GET", "POST"])
@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def category(category_id: int | None = None):
    item = db.session.get(Category, category_id) if category_id else None
    if category_id and item is None:
        abort(404)
    form = CategoryForm(obj=item)
    form.department_id.choices = [(d.id, d.name) for d in staff_queries.departments()]
    if form.validate_on_submit():
        args = (form.name.data, form.department_id.data)
        try:
            if item is None:
                services.create_category(*args, form.description.data, form.position.data)
            else:
                services.update_category(item, *args, form.description.data, form.position.data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Category saved."), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/category.html", form=form, item=item), 422 if form.errors else 200


@bp.route("/users")
def users():
    query = (request.args.get("q") or "").strip()[:100]
    stmt = select(User).options(selectinload(User.departments)).order_by(User.id)
    if query:
        pattern = f"%{query.lower()}%"
        stmt = stmt.where(db.func.lower(User.email).like(pattern) | db.func.lower(User.display_name).like(pattern))
    page = db.paginate(stmt, page=parse_page(request.args.get("page")), per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, query=query, role_labels=ROLE_LABELS)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    item = db.session.get(User, user_id) or abort(404)
    form = UserRoleForm(obj=item)
    form.department_ids.choices = [(d.id, d.name) for d in staff_queries.departments()]
    if request.method == "GET":
        form.department_ids.data = [d.id for d in item.departments]
    if form.validate_on_submit():
        try:
            services.update_user_access(current_user, item, form.role.data, form.department_ids.data)
        except DomainError as error:
            getattr(form, error.field or "role").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Access of %(name)s saved.", name=item.display_name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", form=form, item=item), 422 if form.errors else 200


def _synonyms_page(form, status: int = 200):
    groups = [(synonyms.group_id(group), group) for group in synonyms.saved_groups()]
    return render_template(
        "admin/synonyms.html",
        form=form,
        groups=groups,
        builtin=synonyms.builtin_pairs(),
        remove=RemoveSynonymGroupForm(),
    ), status


@bp.route("/synonyms", methods=["GET", "POST"])
def synonym_groups():
    """The staff's synonym groups for search: add (this form) and remove (one small form per group)."""
    form = SynonymGroupForm()
    if form.validate_on_submit():
        try:
            phrases = synonyms.add_group(current_user, form.phrases.data)
        except DomainError as error:
            form.phrases.errors.append(str(error.message))
        else:
            db.session.commit()
            flash(
                _(
                    "Synonyms added: %(group)s. Search uses them once the index is updated in the background.",
                    group=" = ".join(phrases),
                ),
                "success",
            )
            return redirect(url_for("admin.synonym_groups"))
    return _synonyms_page(form, 422 if form.errors else 200)


@bp.post("/synonyms/remove")
def remove_synonym_group():
    form = RemoveSynonymGroupForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        phrases = synonyms.remove_group(current_user, form.group.data)
    except NotFound as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Synonyms removed: %(group)s.", group=" = ".join(phrases)), "success")
    return redirect(url_for("admin.synonym_groups"))
