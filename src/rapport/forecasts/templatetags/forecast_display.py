"""Template helpers of the forecast page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def figure(figures: Any, name: str) -> Any:
    """One named figure (a field or a computed one) of a Figures."""
    return getattr(figures, name, None)
