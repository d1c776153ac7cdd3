"""A small hand-made sales dataset with known figures: two currencies, a rate change, owners
Ada and Bob, open, won and lost deals around Q4 2026 (today is 24 November 2026)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rapport.core.permissions import Principal
from rapport.currencies.services import create_exchange_rate
from rapport.deals.models import Deal
from rapport.deals.services import create_deal, ensure_default_pipeline, move_deal_to_stage
from rapport.workspaces.models import User, Workspace
from tests.conftest import make_member

TODAY = dt.date(2026, 11, 24)


@dataclass
class Sales:
    ada: User
    ada_principal: Principal
    bob: User
    deals: dict[str, Deal]


def stage_id(owner: Principal, name: str) -> int:
    return ensure_default_pipeline(owner.workspace_id).stages.get(name=name).pk


def open_deal(owner: Principal, name: str, stage: str, **fields: Any) -> Deal:
    return create_deal(owner, {"name": name, "stage_id": stage_id(owner, stage), **fields})


def closed_deal(
    owner: Principal, name: str, outcome: str, closed: dt.date, created: dt.date, **fields: Any
) -> Deal:
    deal = create_deal(owner, {"name": name, **fields})
    reason = {"lost_reason": "Price"} if outcome == "Lost" else {}
    move_deal_to_stage(owner, deal.pk, stage_id(owner, outcome), **reason)
    created_at = dt.datetime.combine(created, dt.time(9), tzinfo=dt.UTC)
    Deal.objects.filter(pk=deal.pk).update(closed_on=closed, created_at=created_at)
    return deal


def build_sales(workspace: Workspace, owner: Principal) -> Sales:
    create_exchange_rate(owner, "EUR", "2026-01-01", "1.10")
    create_exchange_rate(owner, "EUR", "2026-11-01", "1.20")
    ada, ada_principal = make_member(workspace, "sales_rep", full_name="Ada Lovelace")
    bob, _ = make_member(workspace, "sales_rep", full_name="Bob Babbage")
    deals = {
        # open: 1000 + 500 EUR (600 at today's 1.20) + no amount + 900 EUR (1080)
        "o1": open_deal(owner, "Rockets", "Proposal", amount="1000", owner_id=ada.pk,
                        expected_close_on="2026-11-28"),
        "o2": open_deal(owner, "Gliders", "Qualification", amount="500", currency="EUR",
                        owner_id=bob.pk, expected_close_on="2027-02-01"),
        "o3": open_deal(owner, "Balloons", "Negotiation", owner_id=ada.pk,
                        expected_close_on="2026-11-15"),
        "o4": open_deal(owner, "Kites", "Proposal", amount="900", currency="EUR",
                        owner_id=bob.pk, expected_close_on="2026-11-30"),
        # closed in Q4: won 1000 EUR at October's 1.10 (10 days), won 400 (30 days), lost 500
        "w1": closed_deal(owner, "Zeppelin", "Won", dt.date(2026, 10, 10), dt.date(2026, 9, 30),
                          amount="1000", currency="EUR", owner_id=ada.pk),
        "w2": closed_deal(owner, "Drones", "Won", dt.date(2026, 11, 5), dt.date(2026, 10, 6),
                          amount="400", owner_id=bob.pk),
        "l1": closed_deal(owner, "Jets", "Lost", dt.date(2026, 11, 10), dt.date(2026, 10, 1),
                          amount="500", owner_id=ada.pk),
        # won before the quarter, inside the last twelve months
        "w0": closed_deal(owner, "Blimps", "Won", dt.date(2026, 9, 15), dt.date(2026, 9, 1),
                          amount="300", owner_id=ada.pk),
    }  # fmt: skip
    return Sales(ada, ada_principal, bob, deals)
