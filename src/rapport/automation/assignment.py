"""Choosing the owner an assign_owner step gives a record, and saying why.

Modes: a fixed member; in turn within a team (round-robin); the team member with the fewest
open records; or by territory (`rapport.territories`): the team of the first territory the
record matches, picked from in turn or by fewest open, else a fallback team, else a fallback
member. Members marked away (`Membership.away_until`) are never picked in turn or by count.

Round-robin remembers the member it last chose in the workflow's state, per step (and per team
for territories), so turns go on across runs: next is the first available member after the
last one by user id, which skips away members and welcomes them back in their place.

Each choice carries a note for the record ("Assigned by territory EMEA (round-robin) to Ada
Byron") and its reasons, for the run's output and the dry run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count

from rapport.automation import definitions as d
from rapport.automation.models import Workflow
from rapport.core.errors import Invalid
from rapport.territories.matching import Attempt, explain_match, rules_text
from rapport.territories.models import Territory
from rapport.territories.queries import facts_of_record, list_active_territories
from rapport.workspaces.models import Team, User
from rapport.workspaces.queries import team_availability, workspace_today

if TYPE_CHECKING:
    from rapport.automation.actions import StepContext

METHOD = {"round_robin": "round-robin", "fewest_open": "fewest open"}


@dataclass(frozen=True)
class Choice:
    """The member chosen (None: nobody, the owner stays), the note and the reasons."""

    user_id: int | None
    note: str
    reasons: list[str] = field(default_factory=list)
    territory_id: int | None = None
    team_id: int | None = None  # the team chosen within (round-robin remembers per team)
    method: str = "user"

    def output(self) -> dict[str, Any]:
        return {"note": self.note, "reasons": self.reasons, "territory_id": self.territory_id,
                "team_id": self.team_id, "method": self.method}  # fmt: skip


def user_name(user_id: int) -> str:
    user = User.objects.filter(pk=user_id).only("full_name", "email").first()
    return str(user) if user is not None else f"user {user_id}"


def _labels(user_ids: list[int]) -> dict[int, str]:
    rows = User.objects.filter(pk__in=user_ids).only("full_name", "email")
    names = {user.pk: str(user) for user in rows}
    return {pk: names.get(pk, f"user {pk}") for pk in user_ids}


def _team_name(team_id: int) -> str:
    return Team.objects.filter(pk=team_id).values_list("name", flat=True).first() or "a team"


# --- Within a team --------------------------------------------------------------------------------


def _last_turn(ctx: StepContext, step: d.AssignOwner, team_id: int) -> int | None:
    memory = ctx.workflow.state.get(step.id) or {}
    if step.mode == "round_robin":
        return memory.get("last_user_id")
    return (memory.get("last_by_team") or {}).get(str(team_id))


def remember_turn(ctx: StepContext, step: d.AssignOwner, choice: Choice) -> None:
    """Keep the member a round-robin chose in the workflow's state (plumbing, not audited)."""
    if choice.method != "round_robin" or choice.user_id is None or choice.team_id is None:
        return
    state = dict(ctx.workflow.state)
    if step.mode == "round_robin":
        state[step.id] = {"last_user_id": choice.user_id}
    else:
        memory = dict(state.get(step.id) or {})
        turns = {**memory.get("last_by_team", {}), str(choice.team_id): choice.user_id}
        state[step.id] = {**memory, "last_by_team": turns}
    Workflow.objects.filter(pk=ctx.workflow.pk).update(state=state)
    ctx.workflow.state = state


def pick_in_team(
    ctx: StepContext, step: d.AssignOwner, team_id: int, method: str
) -> tuple[int | None, str]:
    """A member of the team by `method` (round_robin or fewest_open) and the reason; None with
    the reason when nobody is available."""
    assert ctx.kind is not None
    team = _team_name(team_id)
    workspace_id = ctx.principal.workspace_id
    seats = team_availability(workspace_id, team_id, workspace_today(workspace_id))
    names = _labels(seats.available + seats.away)
    away = f" ({', '.join(names[m] for m in seats.away)} away)" if seats.away else ""
    members = seats.available
    if not members:
        return None, f"nobody in {team} is available{away}"
    if method == "round_robin":
        last = _last_turn(ctx, step, team_id)
        later = [m for m in members if last is not None and m > last]
        among = ", ".join(names[m] for m in members)
        return (later or members)[0], f"in turn among {among} in {team}{away}"
    owner = ctx.kind.owner_field
    owned = dict(
        ctx.kind.queryset(ctx.principal)
        .filter(ctx.kind.open_q, **{f"{owner}__in": members})
        .values(owner)
        .annotate(n=Count("pk"))
        .values_list(owner, "n")
    )
    chosen = min(members, key=lambda m: (owned.get(m, 0), m))
    counts = ", ".join(f"{names[m]} {owned.get(m, 0)}" for m in members)
    return chosen, f"fewest open {ctx.kind.label.lower()}s in {team} ({counts}){away}"


def _in_team(ctx: StepContext, step: d.AssignOwner) -> Choice:
    assert step.team_id is not None
    user_id, reason = pick_in_team(ctx, step, step.team_id, step.mode)
    if user_id is None:
        raise Invalid.on("team_id", f"The team has no member to assign: {reason}.")
    team = _team_name(step.team_id)
    how = "in turn within" if step.mode == "round_robin" else "within"
    note = f"Assigned {how} {team} ({METHOD[step.mode]}) to {user_name(user_id)}"
    return Choice(user_id, note, [reason], team_id=step.team_id, method=step.mode)


# --- By territory ---------------------------------------------------------------------------------


def _attempt_text(attempt: Attempt[Territory]) -> str:
    if attempt.matched:
        return f"territory {attempt.territory.name} matches ({rules_text(attempt.territory)})"
    return f"{attempt.territory.name} does not: not {'; not '.join(attempt.failed())}"


def _by_territory(ctx: StepContext, step: d.AssignOwner) -> Choice:
    assert ctx.kind is not None
    facts = facts_of_record(ctx.kind.object_type, ctx.record)
    attempts = explain_match(list_active_territories(ctx.principal), facts)
    reasons = [_attempt_text(a) for a in attempts]
    matched = attempts[-1].territory if attempts and attempts[-1].matched else None
    if matched is None:
        reasons.insert(0, "no territory matches")
        return _fallback(ctx, step, "No territory matched", reasons, None)
    if matched.team_id is None:
        reasons.append(f"{matched.name} has no team")
    else:
        user_id, why = pick_in_team(ctx, step, matched.team_id, step.then)
        reasons.append(why)
        if user_id is not None:
            how = METHOD[step.then]
            note = f"Assigned by territory {matched.name} ({how}) to {user_name(user_id)}"
            return Choice(user_id, note, reasons, matched.pk, matched.team_id, step.then)
    return _fallback(
        ctx, step, f"Territory {matched.name} had nobody available", reasons, matched.pk
    )


def _fallback(
    ctx: StepContext,
    step: d.AssignOwner,
    why_not: str,
    reasons: list[str],
    territory_id: int | None,
) -> Choice:
    team_id = step.fallback_team_id
    if team_id is not None:
        user_id, why = pick_in_team(ctx, step, team_id, step.then)
        reasons.append(f"fallback: {why}")
        if user_id is not None:
            to = f"{_team_name(team_id)} ({METHOD[step.then]}) to {user_name(user_id)}"
            note = f"{why_not}; assigned within {to}"
            return Choice(user_id, note, reasons, territory_id, team_id, step.then)
    if step.fallback_user_id is not None:
        name = user_name(step.fallback_user_id)
        reasons.append(f"fallback: {name}")
        note = f"{why_not}; assigned to the fallback {name}"
        return Choice(step.fallback_user_id, note, reasons, territory_id, method="user")
    reasons.append("no fallback: the owner stays")
    return Choice(None, "", reasons, territory_id, method="none")


def choose_owner(ctx: StepContext, step: d.AssignOwner) -> Choice:
    """Who the step gives the record to, and why (Invalid when a team has nobody to give it
    to and the step has no territory fallback to turn to)."""
    if step.mode == "user":
        assert step.user_id is not None
        name = user_name(step.user_id)
        return Choice(step.user_id, f"Assigned to {name}", [f"the step names {name}"])
    if step.mode == "territory":
        return _by_territory(ctx, step)
    return _in_team(ctx, step)
