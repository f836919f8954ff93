"""Shared building blocks: db helpers, sanitiser, pagination, permissions, errors."""
