"""Deeply nested Markdown never loses text: nesting past MAX_DEPTH is flattened, not dropped."""

import pytest

from app.common.html import MAX_DEPTH, plain_text, render_markdown


@pytest.mark.parametrize(
    "source, words",
    [
        (">" * 120 + " deep quote text", ["deep quote text"]),
        ("".join("  " * i + f"- item{i}\n" for i in range(60)), [f"item{i}" for i in range(60)]),
        ("".join("   " * i + f"1. num{i}\n" for i in range(40)), [f"num{i}" for i in range(40)]),
        ("".join("> " * min(i, 30) + f"- x{i}\n" for i in range(30)), [f"x{i}" for i in range(30)]),
    ],
)
def test_deep_nesting_keeps_every_word(source, words):
    text = plain_text(render_markdown(source))
    assert [w for w in words if w not in text] == []


def test_nesting_within_the_limit_is_rendered_as_written():
    html = render_markdown("".join("  " * i + f"- item{i}\n" for i in range(MAX_DEPTH)))
    assert html.count("<ul>") == MAX_DEPTH
