"""The emails Rapport sends about logins: invitations and password resets (run by jobs).

Each function re-reads the database and sends nothing when the email no longer makes sense
(invitation withdrawn or used, user deactivated), so a job that runs twice does no harm.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rapport.workspaces.models import Invitation, User
from rapport.workspaces.queries import pending_invitations
from rapport.workspaces.services.invitations import invitation_link


def _send(template: str, to: str, context: dict[str, object]) -> None:
    subject = render_to_string(f"workspaces/emails/{template}_subject.txt", context)
    body = render_to_string(f"workspaces/emails/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])


def email_invitation(invitation_id: int, nonce: str) -> bool:
    """Send the invitation link; False (and nothing sent) if it can no longer be accepted."""
    invitation: Invitation | None = (
        Invitation.objects.select_related("workspace", "invited_by", "role")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return False
    if not pending_invitations(invitation.workspace_id).filter(pk=invitation.pk).exists():
        return False
    context = {
        "workspace": invitation.workspace.name,
        "inviter": str(invitation.invited_by) if invitation.invited_by else "Rapport",
        "role": invitation.role.name,
        "link": invitation_link(nonce),
        "expires_at": invitation.expires_at,
    }
    _send("invitation", invitation.email, context)
    return True


def password_reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{settings.BASE_URL}/password-reset/{uid}/{default_token_generator.make_token(user)}"


def email_password_reset(user_id: int) -> bool:
    """Send a password reset link; False (and nothing sent) for an unknown or inactive user."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    _send("password_reset", user.email, {"link": password_reset_link(user), "hours": hours})
    return True
