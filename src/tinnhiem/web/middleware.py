"""A tiny middleware that sends the strict Content-Security-Policy of ``TINNHIEM_CSP``."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

__all__ = [
    "ContentSecurityPolicyMiddleware",
    "HeadWithoutBodyMiddleware",
    "VietnameseFirstLocaleMiddleware",
]


def csp_header(policy: dict[str, list[str]]) -> str:
    """``{"default-src": ["'self'"]}`` -> ``"default-src 'self'"``."""
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds Content-Security-Policy (and Permissions-Policy) unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = csp_header(settings.TINNHIEM_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        # The check-in page may use the camera; nothing uses the microphone or location.
        response.headers.setdefault(
            "Permissions-Policy", "camera=(self), microphone=(), geolocation=()"
        )
        return response


class HeadWithoutBodyMiddleware:
    """A HEAD answer has the GET answer's headers and no body (RFC 9110 §9.3.2). Django
    leaves that to the server, and waitress sends the body, which breaks keep-alive framing
    behind a proxy: the body goes here, Content-Length stays that of the GET body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "HEAD" and not response.streaming:
            length = len(response.content)
            response.content = b""
            response.headers["Content-Length"] = str(length)
        return response


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switcher (the language
    cookie): the browser's Accept-Language is ignored, so an English-language browser in a
    Vietnamese office still gets the Vietnamese pages."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
