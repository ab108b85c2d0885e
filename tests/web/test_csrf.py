"""CSRF is enforced on every form."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tinnhiem.web.models import Body

pytestmark = pytest.mark.django_db


def test_post_without_token_is_refused_and_stores_nothing(organiser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    response = client.post(reverse("web:bodies"), {"code": "x", "name": "X"})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert not Body.objects.filter(code="x").exists()


def test_post_with_token_from_the_form_is_accepted(organiser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    page = client.get(reverse("web:bodies")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("web:bodies"), {"code": "x", "name": "X", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Body.objects.filter(code="x").exists()


def test_login_form_needs_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("web:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
