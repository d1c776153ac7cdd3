"""Finding mentions in a note: `@Full Name` or `@email@address` of an active member.

A name mention is the longest active member's full name that follows the "@" (compared without
case), so "@Ada Lovelace" is Ada Lovelace even when another member is called "Ada". It must end
at a word boundary ("@Adam" is not "Ada"). An "@" inside a word (an email address written
plainly, "ada@example.com") starts no mention.
"""

from __future__ import annotations

import re

from rapport.workspaces.models import Membership

EMAIL_AT = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _members(workspace_id: int) -> list[tuple[int, str, str]]:
    """(user id, full name, email) of active members, all lower-case, longest names first."""
    rows = Membership.objects.filter(
        workspace_id=workspace_id, is_active=True, user__is_active=True
    ).values_list("user_id", "user__full_name", "user__email")
    members = [(uid, " ".join(name.split()).lower(), email.lower()) for uid, name, email in rows]
    return sorted(members, key=lambda m: -len(m[1]))


def _name_at(text: str, start: int, members: list[tuple[int, str, str]]) -> int | None:
    for user_id, name, _ in members:  # longest first, so the first hit is the longest match
        end = start + len(name)
        if name and text[start:end].lower() == name and not _is_word_char(text, end):
            return user_id
    return None


def _is_word_char(text: str, index: int) -> bool:
    return index < len(text) and (text[index].isalnum() or text[index] == "_")


def mentioned_user_ids(workspace_id: int, text: str) -> list[int]:
    """Active members mentioned in `text`, each once, in the order they are first mentioned."""
    if "@" not in text:
        return []
    members = _members(workspace_id)
    by_email = {email: user_id for user_id, _, email in members}
    found: list[int] = []
    for at in (m.start() for m in re.finditer("@", text)):
        if at > 0 and _is_word_char(text, at - 1):
            continue  # inside a word: an email address, not a mention
        email = EMAIL_AT.match(text, at + 1)
        user_id = by_email.get(email.group().lower()) if email else None
        if user_id is None:
            user_id = _name_at(text, at + 1, members)
        if user_id is not None and user_id not in found:
            found.append(user_id)
    return found
