"""Vietnamese by default, English through the language switcher (compiled .mo shipped)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_vietnamese_is_the_default(client):
    page = client.get(reverse("web:login")).content.decode()
    assert '<html lang="vi">' in page
    assert "Tên đăng nhập" in page
    assert 'name="language"' in page  # the switcher


def test_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    page = client.get(reverse("web:login")).content.decode()
    assert '<html lang="en">' in page
    assert "User name" in page and "Log in" in page
    client.post(reverse("set_language"), {"language": "vi", "next": "/login/"})
    assert "Tên đăng nhập" in client.get(reverse("web:login")).content.decode()


def test_english_error_messages(client, make_user):
    make_user("bob")
    client.post(reverse("set_language"), {"language": "en"})
    page = client.post(reverse("web:login"), {"username": "bob", "password": "x"})
    assert "Wrong user name or password." in page.content.decode()


def test_browser_language_does_not_override_vietnamese(client):
    page = client.get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in page.content.decode()


def test_forbidden_page_in_english(client, make_user):
    client.force_login(make_user("nobody"))
    assert "Không có quyền truy cập" in client.get(reverse("web:bodies")).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    response = client.get(reverse("web:bodies"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
