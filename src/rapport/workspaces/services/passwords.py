"""Writes about passwords: asking for a reset link and setting a new password with it."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from rapport.core import ratelimit
from rapport.core.audit import record_change
from rapport.core.errors import Invalid
from rapport.core.jobs import enqueue_on_commit
from rapport.workspaces.models import Membership, User
from rapport.workspaces.services.workspaces import check_password, self_service_principal

SEND_RESET_JOB = "rapport.workspaces.jobs.send_password_reset_email"
RESETS_PER_HOUR = 5  # per email address: a reset link cannot be used to flood an inbox


def request_password_reset(email: str) -> None:
    """Email a reset link if `email` belongs to an active user; silent either way.

    The caller answers the same whether or not the address exists, so the form tells nobody
    who has a login here.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    if ratelimit.hit(f"password-reset:{user.pk}", RESETS_PER_HOUR, 3600) is not None:
        return
    enqueue_on_commit(SEND_RESET_JOB, user.pk)


def find_reset_user(uidb64: str, token: str) -> User | None:
    """The active user a reset link is for, while the link is still valid."""
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def reset_password(uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link stops working once the password changes."""
    user = find_reset_user(uidb64, token)
    if user is None:
        raise Invalid.on("token", "This reset link is invalid or has expired. Ask for a new one.")
    check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    seats = Membership.objects.filter(user=user).values_list("workspace_id", flat=True)
    for workspace_id in seats:
        record_change(
            self_service_principal(workspace_id, user),
            "reset_password",
            "user",
            user,
            {"password": "changed"},
        )
    return user
