"""The demo content is data files: every reference in them resolves, and every file ships with the package."""

import tomllib
from pathlib import Path

from app.demo import files

ROOT = Path(__file__).resolve().parents[2]


def test_every_key_in_the_demo_files_points_at_something_defined():
    content = files.content()
    users, categories = content.users, content.categories
    assert all(set(u["departments"]) <= set(content.departments) for u in users.values())
    assert all(c["department"] in content.departments for c in categories.values())
    for topic in content.topics:
        assert topic["author"] in users and topic["category"] in categories, topic["title"]
        assert all(author in users for author, _text in topic["comments"]), topic["title"]
        assert set(topic.get("votes", [])) <= set(users), topic["title"]
        if "solution" in topic:
            assert topic["solution"] < len(topic["comments"]), topic["title"]
    for article in [*content.articles, content.draft]:
        assert article.author in users and article.category in categories, article.title
    assert content.promoted["topic_title"] in {topic["title"] for topic in content.topics}


def test_signed_comments_end_with_their_authors_signature():
    content = files.content()
    answer = next(t for t in content.topics if t["title"].startswith("Как поменять ПИН-код"))["comments"][0]
    assert answer[0] == "rep_private"
    assert answer[1].endswith(
        "1. Откройте мобильное приложение и выберите карту.\n"
        "2. Нажмите **Настройки карты → Сменить ПИН-код**.\n"
        "3. Подтвердите действие кодом из SMS и дважды введите новый ПИН.\n\n"
        "Новый ПИН начинает действовать сразу. Если в банкомате стороннего банка он не "
        "примется с первого раза, сделайте одну операцию с вводом ПИН в нашем банкомате — "
        "например, запросите баланс.\n\n*Ольга Миронова, команда «Частные клиенты»*"
    )


def test_the_package_data_patterns_cover_every_demo_file():
    """`pip install .` (not only an editable install) must carry the data files `flask demo` reads."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["app.demo"]
    package = ROOT / "app" / "demo"
    covered = {path for pattern in patterns for path in package.glob(pattern)}
    on_disk = {path for path in (package / "data").rglob("*") if path.is_file()}
    assert on_disk and on_disk <= covered, sorted(str(p) for p in on_disk - covered)
