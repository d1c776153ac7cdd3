"""Writes about invitations: inviting someone by email, accepting and revoking an invitation.

The link's secret is derived from a random nonce and SECRET_KEY (`invitation_secret`), and only
its SHA-256 is stored. The email job receives the nonce, so neither the invitation row nor the
job row is enough to rebuild a working link.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from rapport.core.audit import record_change
from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.jobs import enqueue_on_commit
from rapport.core.permissions import Principal, require
from rapport.workspaces.models import Invitation, Membership, Role, User
from rapport.workspaces.queries import get_invitation, hash_secret, pending_invitations
from rapport.workspaces.services.members import OWNER, is_owner
from rapport.workspaces.services.workspaces import check_password, self_service_principal

INVITATION_DAYS = 7
SEND_INVITATION_JOB = "rapport.workspaces.jobs.send_invitation_email"


def invitation_secret(nonce: str) -> str:
    """The secret in an invitation link (`/invitations/<secret>`)."""
    return salted_hmac("rapport.invitation", nonce, algorithm="sha256").hexdigest()


def invitation_link(nonce: str) -> str:
    return f"{settings.BASE_URL}/invitations/{invitation_secret(nonce)}"


def _clean_email(email: str) -> str:
    cleaned = email.strip().lower()
    try:
        validate_email(cleaned)
    except ValidationError as exc:
        raise Invalid.on("email", "Enter a valid email address.") from exc
    return cleaned


@transaction.atomic
def invite_user(principal: Principal, email: str, role_key: str) -> Invitation:
    """Invite `email` to join with `role_key`; the email goes out after commit."""
    require(principal, "create", "user")
    email = _clean_email(email)
    role = Role.objects.filter(workspace_id=principal.workspace_id, key=role_key).first()
    if role is None:
        raise Invalid.on("role", f"No role {role_key!r} in this workspace.")
    if role.key == OWNER and not is_owner(principal):
        raise Forbidden("Only an owner can invite an owner.")
    seats = Membership.objects.filter(workspace_id=principal.workspace_id)
    if seats.filter(user__email__iexact=email).exists():
        raise Conflict(f"{email} is already a member of this workspace.")
    if pending_invitations(principal.workspace_id).filter(email=email).exists():
        raise Conflict(f"{email} already has a pending invitation; revoke it to send a new one.")
    nonce, now = secrets.token_urlsafe(24), timezone.now()
    invitation = Invitation.objects.create(
        workspace_id=principal.workspace_id,
        email=email,
        role=role,
        token_hash=hash_secret(invitation_secret(nonce)),
        invited_by_id=principal.user_id,
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    record_change(principal, "create", "invitation", invitation, {"email": email, "role": role.key})
    enqueue_on_commit(SEND_INVITATION_JOB, invitation.pk, nonce)
    return invitation


@transaction.atomic
def revoke_invitation(principal: Principal, invitation_id: int) -> Invitation:
    require(principal, "delete", "user")
    invitation = get_invitation(principal, invitation_id)
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already accepted; deactivate the member instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_change(principal, "delete", "invitation", invitation, {"email": invitation.email})
    return invitation


def _open_invitation(secret: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("role", "workspace")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    if invitation is None:
        raise NotFound("This invitation link is not valid.")
    if invitation.revoked_at is not None:
        raise Conflict("This invitation was withdrawn. Ask for a new one.")
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already used. Sign in instead.")
    if invitation.expires_at <= timezone.now():
        raise Conflict("This invitation has expired. Ask for a new one.")
    return invitation


def find_open_invitation(secret: str) -> Invitation | None:
    """The pending invitation behind a link, or None; for showing the accept page."""
    try:
        with transaction.atomic():
            return _open_invitation(secret)
    except (NotFound, Conflict):
        return None


def _invited_user(email: str, full_name: str, password: str) -> User:
    """The existing user with this email (who proves it with their password), or a new one."""
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and not user.is_active:
        raise Conflict("This login is deactivated; ask the workspace owner.")
    if user is not None and user.has_usable_password():
        if not user.check_password(password):
            raise Invalid.on("password", "You already have a login: enter its password.")
        return user
    if not full_name.strip():
        raise Invalid.on("full_name", "Enter your name.")
    user = user or User(email=email)
    user.full_name = full_name.strip()[:200]
    check_password(password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def accept_invitation(secret: str, full_name: str, password: str) -> User:
    """Join the invitation's workspace; returns the user, who may then be signed in."""
    invitation = _open_invitation(secret)
    user = _invited_user(invitation.email, full_name, password)
    if Membership.objects.filter(workspace_id=invitation.workspace_id, user=user).exists():
        raise Conflict("You are already a member of this workspace. Sign in instead.")
    Membership.objects.create(workspace_id=invitation.workspace_id, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    actor = self_service_principal(invitation.workspace_id, user)
    record_change(actor, "accept", "invitation", invitation, {"email": invitation.email})
    record_change(actor, "create", "user", user, {"email": user.email, "role": invitation.role.key})
    return user
