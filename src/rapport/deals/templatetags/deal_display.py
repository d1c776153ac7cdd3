"""Template filters of the deal pages: how long a deal stayed in a stage."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def stay_length(duration: dt.timedelta) -> str:
    """A stay in a stage as people say it: "3 days", "5 h", "12 min"."""
    seconds = int(duration.total_seconds())
    if seconds >= 86400:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{max(seconds // 60, 0)} min"
