"""The company's brand (name, description, logo, icons, colours, site menu, footer links, support phone and
hours, e-mail sender name, origins allowed to frame the widget), kept in the generic settings store.

    from app.branding import current_brand
    brand = current_brand()   # an immutable app.branding.brand.Brand, cheap to call many times per request
"""

from app.branding.brand import Brand


def current_brand() -> Brand:
    """The newest saved brand (see store.cached: one version check per request, reloaded only when it changed)."""
    from app.branding import store

    return store.cached("brand", Brand.from_value)


def init_app(app) -> None:
    from app.branding import store
    from app.branding.routes import bp

    store.listen()
    app.register_blueprint(bp)
    app.jinja_env.globals.update(current_brand=current_brand, community_name=lambda: current_brand().name)
