"""Request plumbing: a request id on every request and response, the CSP header, error pages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.core.errors import RapportError

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class ContentSecurityPolicyMiddleware:
    """A strict CSP on every response: no inline script or style, nothing from other origins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = (
            settings.DOCS_CONTENT_SECURITY_POLICY
            if request.path.startswith("/api/v1/docs")
            else settings.CONTENT_SECURITY_POLICY
        )
        response.setdefault("Content-Security-Policy", policy)
        return response


class PageErrorMiddleware:
    """Domain errors raised by a page become the product's error page (the API renders its own).

    An htmx request gets the message alone, which the shell shows as a toast.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RapportError) or request.path.startswith("/api/"):
            return None
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(exception.detail, status=exception.status)
            response["Content-Type"] = "text/plain; charset=utf-8"
        else:
            context = {
                "status": exception.status,
                "title": exception.title,
                "detail": exception.detail,
            }
            response = render(request, "error.html", context, status=exception.status)
        if exception.retry_after:
            response["Retry-After"] = str(exception.retry_after)
        return response
