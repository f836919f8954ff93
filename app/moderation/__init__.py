"""Moderation: close and reopen topics, move them to another category or type, merge duplicates."""
