"""Pagination. Lists of rows use Flask-SQLAlchemy's `db.paginate(stmt, page=, per_page=, error_out=False)`;
`Page` is the same shape for what is not a select() (search hits come from a search backend)."""

from dataclasses import dataclass


@dataclass
class Page:
    """A page of items that are not rows of a select() (search hits): the attributes of db.paginate's."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def parse_page(value) -> int:
    try:
        page = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), 100000)
