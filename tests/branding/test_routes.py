"""/admin/branding as an administrator uses it, and every page showing the saved brand."""

import io

import lxml.html
from PIL import Image
from sqlalchemy import select

from app.branding.models import Setting
from app.extensions import db
from tests.branding.conftest import form_data, png


def soup(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def c(name: str) -> str:
    """XPath test for an element with this class."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def one(doc, xpath: str):
    found = doc.xpath(xpath)
    assert found, xpath
    return found[0]


def brand_name(doc, where="//header") -> str:
    return one(doc, f"{where}//*[{c('brand-name')}]").text_content()


def stylesheets(doc) -> list[str]:
    return doc.xpath("//link[@rel='stylesheet']/@href")


def test_only_admins_see_the_branding_page(client_as, make_user):
    assert client_as().get("/admin/branding").status_code == 302  # to the login page
    assert client_as(make_user(role="moderator")).get("/admin/branding").status_code == 404
    assert client_as(make_user(role="admin")).get("/admin/branding").status_code == 200


def test_saving_needs_the_csrf_token(admin_client):
    response = admin_client.post_raw("/admin/branding", data=form_data())
    assert response.status_code == 400
    assert db.session.scalar(select(Setting)) is None


def test_a_saved_brand_shows_on_every_page(client, save_brand, make_topic, customer, community):
    topic = make_topic(author=customer, category=community["cards"])
    save_brand()
    for url in ("/", f"/t/{topic.id}-{topic.slug}", "/login", "/kb/", "/search?q=card", "/nonexistent-page"):
        page = soup(client.get(url + ("&" if "?" in url else "?") + "lang=en"))
        assert brand_name(page) == "Zenit Bank Community", url
        assert page.findtext(".//title").strip().endswith("· Zenit Bank Community"), url
        menu = [(a.text, a.get("href")) for a in page.xpath(f"//nav[{c('site-menu')}]//a")]
        assert menu == [("Personal", "https://www.zenit.example/en/personal")], url
        footer = one(page, "//footer")
        links = {a.text: a.get("href") for a in footer.xpath(f".//*[{c('brand-links')}]//a")}
        assert links == {
            "Privacy policy": "https://www.zenit.example/privacy",
            "Terms of use": "https://www.zenit.example/terms",
            "Contacts": "https://www.zenit.example/contacts",
        }, url
        assert "+7 800 555-35-35" in footer.text_content() and "Mon–Fri 9:00–20:00" in footer.text_content(), url
        assert footer.xpath(".//a[@href='tel:+78005553535']"), url
        assert [h for h in stylesheets(page) if h.startswith("/brand.css?v=")], url


def test_names_and_menus_follow_the_language_with_fallback(client, save_brand):
    save_brand(name_uk="", menu_uk="")
    ru = soup(client.get("/?lang=ru"))
    assert brand_name(ru) == "Сообщество Банка Зенит"
    assert [a.text for a in ru.xpath(f"//nav[{c('site-menu')}]//a")] == ["Частным лицам", "Бизнесу"]
    uk = soup(client.get("/?lang=uk"))  # nothing in Ukrainian: the default language (en in tests), then others
    assert brand_name(uk) == "Zenit Bank Community"
    login = soup(client.get("/login?lang=ru"))
    assert one(login, "//meta[@name='description']").get("content") == "Вопросы и ответы клиентов"


def test_the_default_brand_is_the_community_name(client, app):
    page = soup(client.get("/"))
    assert brand_name(page) == app.config["COMMUNITY_NAME"]
    assert not page.xpath(f"//nav[{c('site-menu')}]")


def test_brand_css_has_the_colours_and_a_versioned_long_cache(client, save_brand):
    save_brand()
    href = [h for h in stylesheets(soup(client.get("/"))) if h.startswith("/brand.css")][0]
    response = client.get(href)
    assert response.mimetype == "text/css"
    body = response.get_data(as_text=True)
    assert "--brand: #0b4f8a;" in body and "--brand-accent: #a6460f;" in body
    assert response.cache_control.max_age == 365 * 24 * 3600 and "immutable" in response.headers["Cache-Control"]
    save_brand(primary_color="#5b2a86")
    new_href = [h for h in stylesheets(soup(client.get("/"))) if h.startswith("/brand.css")][0]
    assert new_href != href and "--brand: #5b2a86;" in client.get(new_href).get_data(as_text=True)


def test_low_contrast_colours_are_refused_with_the_ratio(admin_client, save_brand):
    save_brand()
    response = admin_client.post("/admin/branding", form_data(primary_color="#ffcc00", name_en="Changed"))
    assert response.status_code == 422
    error = one(soup(response), f"//*[{c('has-error')}]//*[{c('error')}]").text_content()
    assert "#ffcc00" in error and "1.51:1" in error and "4.5:1" in error
    assert "Changed" not in brand_name(soup(admin_client.get("/?lang=en")))

    response = admin_client.post("/admin/branding", form_data(accent_color="#7f7f7f"))
    assert response.status_code == 422 and "4.00:1" in response.get_data(as_text=True)


def test_bad_values_get_clear_messages(admin_client):
    cases = {
        "widget_origins": ("https://www.bank.example/path", "is not an origin"),
        "menu_en": ("Home without a link", "Line 1"),
        "privacy_url": ("javascript:alert(1)", "Enter a web address"),
        "support_phone": ("call us", "Enter a phone number"),
    }
    for field, (value, message) in cases.items():
        response = admin_client.post("/admin/branding", form_data(**{field: value}))
        assert response.status_code == 422, field
        assert message in response.get_data(as_text=True), field
    assert db.session.scalar(select(Setting)) is None


def test_widget_origins_are_normalised_and_stored(app, save_brand):
    save_brand(widget_origins="https://WWW.Bank.example/\nhttp://localhost:8000, https://www.bank.example")
    from app.branding import current_brand

    assert current_brand().widget_origins == ("https://www.bank.example", "http://localhost:8000")


def test_preview_shows_the_values_without_saving(admin_client, save_brand):
    save_brand()
    response = admin_client.post(
        "/admin/branding", form_data(name_en="Preview Name", primary_color="#5b2a86", save="", preview="Preview")
    )
    assert response.status_code == 200
    page = soup(response)
    assert brand_name(page, f"//*[{c('brand-preview')}]") == "Preview Name"
    css = [h for h in stylesheets(page) if h.startswith("/admin/branding/preview.css")][0]
    preview_css = admin_client.get(css).get_data(as_text=True)
    assert ".brand-preview" in preview_css and "#5b2a86" in preview_css
    assert brand_name(page, "//header") == "Zenit Bank Community"  # the real header: unchanged
    assert brand_name(soup(admin_client.get("/?lang=en"))) == "Zenit Bank Community"
    assert db.session.scalar(select(Setting)).version == 1


def _upload(admin_client, field, data, filename):
    body = form_data()
    body[field] = (io.BytesIO(data), filename)
    return admin_client.post("/admin/branding", body, content_type="multipart/form-data")


def test_logo_upload_is_re_encoded_and_served_with_a_long_cache(client, admin_client):
    jpeg = io.BytesIO()
    Image.new("RGB", (1200, 300), (200, 30, 30)).save(jpeg, format="JPEG", comment=b"secret")
    assert _upload(admin_client, "logo", jpeg.getvalue(), "logo.jpg").status_code == 302
    src = one(soup(client.get("/")), f"//header//img[{c('brand-logo')}]").get("src")
    response = client.get(src)
    assert response.status_code == 200 and response.mimetype in ("image/png", "image/jpeg")
    assert "immutable" in response.headers["Cache-Control"] and response.cache_control.max_age >= 365 * 24 * 3600
    logo = Image.open(io.BytesIO(response.data))
    response.close()
    assert logo.size == (640, 160) and b"secret" not in response.data


def test_svg_and_garbage_are_refused(admin_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for field in ("logo", "icon"):
        for data, name in ((svg, "logo.svg"), (b"\x00garbage" * 50, "logo.png")):
            response = _upload(admin_client, field, data, name)
            assert response.status_code == 422, (field, name)
            assert "Only PNG, JPEG and WebP images can be used (no SVG or GIF)." in response.get_data(as_text=True)
    gif = io.BytesIO()
    Image.new("RGB", (64, 64)).save(gif, format="GIF")
    assert "Only PNG, JPEG and WebP" in _upload(admin_client, "logo", gif.getvalue(), "a.gif").get_data(as_text=True)
    assert db.session.scalar(select(Setting)) is None


def test_icon_must_be_square(admin_client):
    response = _upload(admin_client, "icon", png(300, 200), "icon.png")
    assert response.status_code == 422 and "must be square" in response.get_data(as_text=True)


def test_favicon_and_touch_icon_answer_with_the_default_then_the_uploaded_one(client, admin_client):
    default = client.get("/favicon.ico")
    default_data = default.data
    default.close()
    assert default.status_code == 200 and default.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
    assert Image.open(io.BytesIO(default_data)).format == "ICO"
    with client.get("/apple-touch-icon.png") as touch:
        assert touch.status_code == 200 and Image.open(io.BytesIO(touch.data)).size == (180, 180)

    assert _upload(admin_client, "icon", png(256, 256, (120, 20, 20)), "icon.png").status_code == 302
    with client.get("/favicon.ico") as favicon:
        favicon_data = favicon.data
        assert favicon.status_code == 200 and favicon_data != default_data
    ico = Image.open(io.BytesIO(favicon_data))
    assert ico.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= set(ico.info["sizes"])
    with client.get("/apple-touch-icon.png") as response:
        touch = Image.open(io.BytesIO(response.data))
    assert touch.size == (180, 180) and touch.getpixel((90, 90))[:3] == (120, 20, 20)
    page = soup(client.get("/"))
    with client.get(one(page, "//link[@rel='icon']").get("href")) as response:
        assert response.data == favicon_data
