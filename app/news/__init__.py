"""News: posts by administrators and the marketing team, pinned ones on the community home, an Atom feed."""
