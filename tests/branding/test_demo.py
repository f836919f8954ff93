"""`flask demo` brands the community with every field; a second run keeps an administrator's own brand."""

import lxml.html

from app.branding import current_brand, store


def test_flask_demo_sets_a_complete_brand(app, runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    brand = current_brand()
    assert brand.name_for("ru") == "Северный банк" and brand.name_for("en") == "Severny Bank"
    assert all(
        brand.description_for(lang) and brand.support_hours_for(lang) and brand.site_menu_for(lang)
        for lang in ("ru", "uk", "en")
    )
    assert brand.logo_file and brand.favicon_file and brand.touch_icon_file
    assert brand.privacy_url and brand.terms_url and brand.contacts_url and brand.support_phone
    assert brand.email_sender_name and "http://localhost:8000" in brand.widget_origins

    page = lxml.html.fromstring(client.get("/?lang=uk").get_data(as_text=True))
    assert page.xpath("//header//*[contains(@class, 'brand-name')]")[0].text_content() == "Північний банк"
    assert [a.text for a in page.xpath("//nav[contains(@class, 'site-menu')]//a")][0] == "Приватним особам"
    logo = page.xpath("//header//img[contains(@class, 'brand-logo')]/@src")[0]
    with client.get(logo) as response:
        assert response.status_code == 200 and response.mimetype == "image/png"
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"

    version = store.read("brand")[0]
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert store.read("brand")[0] == version
