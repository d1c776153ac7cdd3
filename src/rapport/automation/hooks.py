"""Inbound webhooks: a POST to a workflow's hook URL, with its secret, starts a run.

The URL's key finds the workflow; the secret (X-Hook-Secret) is compared in constant time; an
unknown key, a wrong secret and a switched-off workflow all answer 404 alike, so the URL leaks
nothing. The JSON body becomes `trigger.payload`; for a contact workflow it must name the
contact by `contact_id` or `email`.
"""

from __future__ import annotations

import hmac
import json
import uuid
from typing import Any

from django.db import transaction

from rapport.automation.consumers import storm
from rapport.automation.engine import start_run, workflow_principal
from rapport.automation.models import Workflow
from rapport.contacts.queries import find_contacts_by_email, visible_contacts
from rapport.core.errors import Invalid, NotFound

MAX_BODY = 64 * 1024


def _payload(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BODY:
        raise Invalid.on("body", f"The body is larger than {MAX_BODY // 1024} KB.")
    try:
        payload = json.loads(raw or b"{}")
    except ValueError as exc:
        raise Invalid.on("body", "The body is not valid JSON.") from exc
    if not isinstance(payload, dict):
        raise Invalid.on("body", "Send a JSON object.")
    return payload


def _contact_id(workflow: Workflow, payload: dict[str, Any]) -> int:
    principal = workflow_principal(workflow, 0)
    if "contact_id" in payload:
        raw = payload["contact_id"]
        ok = isinstance(raw, int) and visible_contacts(principal).filter(pk=raw).exists()
        if not ok:
            raise Invalid.on("contact_id", "No such contact in this workspace.")
        return int(raw)
    email = payload.get("email")
    found = find_contacts_by_email(principal, [email], 1) if isinstance(email, str) else []
    if not found:
        raise Invalid.on("email", "Name the contact by contact_id or an email it has.")
    return found[0].pk


@transaction.atomic
def receive_hook(key: str, secret: str, raw: bytes, idempotency_key: str = "") -> int | None:
    """Start the run; its id (None when the Idempotency-Key already started one)."""
    try:
        hook_key = uuid.UUID(key)
    except ValueError as exc:
        raise NotFound("hook not found") from exc
    workflow = (
        Workflow.objects.select_related("current_version")
        .filter(hook_key=hook_key, is_active=True, deleted_at__isnull=True, trigger_type="webhook")
        .first()
    )
    if workflow is None or not hmac.compare_digest(workflow.hook_secret, secret):
        raise NotFound("hook not found")
    payload = _payload(raw)
    object_id = _contact_id(workflow, payload) if workflow.object_type == "contact" else None
    if storm(workflow):
        return None
    trigger_key = f"hook:{idempotency_key[:100] or uuid.uuid4().hex}"
    run = start_run(workflow, trigger_key, {"type": "webhook", "payload": payload}, object_id)
    return run.pk if run else None
