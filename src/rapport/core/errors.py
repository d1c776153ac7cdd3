"""Domain errors that every boundary (API, pages, jobs) turns into one response shape.

RapportError                 500  base; never raised directly
├── Invalid                  422  bad input; carries field-level errors
├── NotFound                 404  missing, or in another workspace (never a leak)
├── Forbidden                403  the role lacks the right
├── Conflict                 409  state forbids the change (duplicate key, in use)
├── PreconditionFailed       412  If-Match names a stale version
├── PreconditionRequired     428  If-Match is missing on an update
├── Unauthenticated          401  no valid session or token
└── RateLimited              429  too many requests; carries retry_after seconds
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field; `loc` is its path, e.g. ("emails", 0, "email")."""

    loc: tuple[str | int, ...]
    msg: str
    type: str = "invalid"

    def as_dict(self) -> dict[str, object]:
        return {"loc": list(self.loc), "msg": self.msg, "type": self.type}


class RapportError(Exception):
    status = 500
    title = "Internal error"
    slug = "internal"

    def __init__(
        self,
        detail: str = "",
        errors: list[FieldError] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors or []
        self.retry_after = retry_after


class Invalid(RapportError):
    status, title, slug = 422, "Invalid input", "invalid"

    @classmethod
    def on(cls, loc: str | tuple[str | int, ...], msg: str, type: str = "invalid") -> Invalid:
        path = (loc,) if isinstance(loc, str) else loc
        return cls(msg, [FieldError(path, msg, type)])


class NotFound(RapportError):
    status, title, slug = 404, "Not found", "not-found"


class Forbidden(RapportError):
    status, title, slug = 403, "Forbidden", "forbidden"


class Conflict(RapportError):
    status, title, slug = 409, "Conflict", "conflict"


class PreconditionFailed(RapportError):
    status, title, slug = 412, "Precondition failed", "stale-version"


class PreconditionRequired(RapportError):
    status, title, slug = 428, "Precondition required", "if-match-required"


class Unauthenticated(RapportError):
    status, title, slug = 401, "Unauthenticated", "unauthenticated"


class RateLimited(RapportError):
    status, title, slug = 429, "Too many requests", "rate-limited"
