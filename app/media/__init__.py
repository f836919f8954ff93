"""Uploaded images: validation and re-encoding (Pillow), storage, access rules, serving."""


def init_app(app) -> None:
    from app.common import pagecache

    pagecache.private_tables("uploads")  # never shown on a cached public page
    from app.media.routes import bp

    _configure_pillow(app.config["UPLOAD_MAX_PIXELS"])
    app.register_blueprint(bp)


def _configure_pillow(max_pixels: int) -> None:
    """Pillow's own decompression-bomb guard at the configured pixel limit, raised instead of warned; Pillow's
    complaints about broken metadata (corrupt EXIF ...) silenced, since that metadata is dropped anyway.

    Process-wide settings: every app in the process shares them (the last configured limit wins)."""
    import warnings

    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
    warnings.simplefilter("error", Image.DecompressionBombWarning)
