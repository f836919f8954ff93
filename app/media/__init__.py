"""Uploaded images: validation and re-encoding (Pillow), storage, access rules, serving."""
