"""The API's schemas: each one's class name is unique, as OpenAPI components need."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db  # the suite's autouse cache fixture uses the database


def test_every_api_schema_has_its_own_name() -> None:
    """ninja names OpenAPI components after classes: two schemas of one name collide."""
    import inspect

    from ninja import Schema

    import rapport.api  # noqa: F401  (mounts every router)

    names: dict[str, str] = {}
    for cls in _subclasses(Schema):
        module = inspect.getmodule(cls)
        if module is None or not module.__name__.startswith("rapport."):
            continue
        other = names.setdefault(cls.__name__, module.__name__)
        assert other == module.__name__, f"{cls.__name__} in {other} and {module.__name__}"


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found
