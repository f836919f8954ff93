"""Translated names of visit sources."""

from flask_babel import lazy_gettext as _l

from app.analytics import sources

SOURCE_LABELS = {
    sources.SEARCH: _l("Search engines"),
    sources.SOCIAL: _l("Social networks"),
    sources.COMPANY: _l("Company website"),
    sources.WIDGET: _l('"Ask us!" widget'),
    sources.VK_APP: _l("VK app"),
    sources.FACEBOOK_APP: _l("Facebook app"),
    sources.EMAIL: _l("E-mail"),
    sources.REFERRAL: _l("Other websites"),
    sources.DIRECT: _l("Direct visits"),
    sources.INTERNAL: _l("Pages of the community"),
}


def source_label(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))
