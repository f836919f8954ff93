"""Smart search: one analyser, one logical index, two backends (Whoosh, PostgreSQL), synced through an outbox.

Search knows no feature's models: content opts in with `documents.register_kind()`.
"""
