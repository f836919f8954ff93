"""Append-only events and the reports built from them."""
