"""Writes of canned responses and macros (canned.py, macros.py), imported from here."""

from rapport.macros.services.canned import (
    create_canned_response,
    delete_canned_response,
    render_canned_response,
    update_canned_response,
)
from rapport.macros.services.macros import (
    apply_macro,
    create_macro,
    delete_macro,
    update_macro,
)

__all__ = [
    "apply_macro",
    "create_canned_response",
    "create_macro",
    "delete_canned_response",
    "delete_macro",
    "render_canned_response",
    "update_canned_response",
    "update_macro",
]
