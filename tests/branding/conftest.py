import io

import pytest
from PIL import Image


def png(width=240, height=80, colour=(10, 80, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def form_data(**overrides) -> dict:
    """Every field of /admin/branding, as the form posts it."""
    data = {
        "name_ru": "Сообщество Банка Зенит",
        "name_uk": "Спільнота Банку Зеніт",
        "name_en": "Zenit Bank Community",
        "description_ru": "Вопросы и ответы клиентов",
        "description_uk": "",
        "description_en": "Customers helping",
        "hours_ru": "Пн–Пт 9:00–20:00",
        "hours_uk": "",
        "hours_en": "Mon–Fri 9:00–20:00",
        "menu_ru": "Частным лицам | https://www.zenit.example/private\nБизнесу | https://www.zenit.example/business",
        "menu_uk": "",
        "menu_en": "Personal | https://www.zenit.example/en/personal",
        "primary_color": "#0b4f8a",
        "accent_color": "#a6460f",
        "privacy_url": "https://www.zenit.example/privacy",
        "terms_url": "https://www.zenit.example/terms",
        "contacts_url": "https://www.zenit.example/contacts",
        "support_phone": "+7 800 555-35-35",
        "email_sender_name": "Zenit Bank Support",
        "widget_origins": "https://www.zenit.example\nhttp://localhost:8000",
        "save": "Save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin(make_user):
    return make_user(role="admin", email="brand.admin@test.example")


@pytest.fixture
def admin_client(client_as, admin):
    return client_as(admin)


@pytest.fixture
def save_brand(admin_client):
    def save(**overrides):
        response = admin_client.post("/admin/branding", form_data(**overrides), content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        return response

    return save
