"""Where a `next` parameter may send the browser: a path on this site, never another host."""

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site ("/new?resume=1"), else None ("//evil", "https://...")."""
    target = target or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return None
