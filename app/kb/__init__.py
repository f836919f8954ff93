"""Knowledge base: FAQ articles written by staff, with revisions, comments and helpfulness feedback."""


def register() -> None:
    """Opt the knowledge base into search (kind "article") and image access (images follow the article)."""
    from app.kb import media_access, search_docs

    search_docs.register()
    media_access.register()
