"""RFC 9457 problem+json responses for every API error, with field-level detail."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from rapport.core.errors import RapportError

PROBLEM_BASE = "https://rapport.dev/problems/"


def problem_response(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str,
    slug: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body), status=status, content_type="application/problem+json"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _ninja_loc(loc: list[Any] | tuple[Any, ...]) -> list[Any]:
    # ninja reports ("body", "payload", "field"); clients want the field path.
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
        if parts and parts[0] in {"payload", "data", "filters"}:
            parts = parts[1:]
    return parts


def install_problem_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(RapportError)
    def on_rapport_error(request: HttpRequest, exc: RapportError) -> HttpResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return problem_response(
            request,
            exc.status,
            exc.title,
            exc.detail,
            exc.slug,
            [e.as_dict() for e in exc.errors],
            headers,
        )

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = []
        for err in exc.errors:
            kind = str(err.get("type", "invalid"))
            msg = str(err.get("msg", "invalid"))
            if kind == "extra_forbidden":
                msg = "Unknown or read-only field."
            errors.append({"loc": _ninja_loc(err.get("loc", [])), "msg": msg, "type": kind})
        return problem_response(
            request, 422, "Invalid input", "The request has invalid fields.", "invalid", errors
        )

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            request,
            401,
            "Unauthenticated",
            "Send a valid bearer token or sign in.",
            "unauthenticated",
            headers={"WWW-Authenticate": 'Bearer realm="rapport"'},
        )

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        return problem_response(
            request,
            413,
            "Request too large",
            f"The request body is larger than this server accepts ({limit:,} bytes).",
            "too-large",
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(request, exc.status_code, "Error", str(exc), "http-error")

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        import logging

        logging.getLogger("rapport.api").exception("unhandled API error")
        return problem_response(
            request,
            500,
            "Internal error",
            "Something went wrong on our side; it has been logged.",
            "internal",
        )
