"""The forecast page and the quota grid: figures shown, overrides saved, rights."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from rapport.deals.services import create_deal
from rapport.forecasts.models import ForecastOverride, Quota
from rapport.forecasts.periods import period_of
from tests.conftest import make_member, make_workspace
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


def test_the_forecast_page_shows_this_quarter_by_rep(workspace: Any, owner: Any) -> None:
    quarter = period_of("quarter", timezone.localdate())
    close = quarter.end.isoformat()
    create_deal(owner, {"name": "Big", "amount": "12345", "expected_close_on": close,
                        "forecast_category": "commit"})  # fmt: skip
    page = owner_client(workspace).get("/forecast").content.decode()
    assert f"Forecast · {quarter.label}" in page
    assert "$12,345.00" in page
    month = owner_client(workspace).get(f"/forecast?period={quarter.key}&as_of=2000-01-01")
    assert "No snapshot was taken" in month.content.decode()


def test_the_forecast_page_reads_a_fixed_number_of_queries(workspace: Any, owner: Any) -> None:
    quarter = period_of("quarter", timezone.localdate())
    create_deal(owner, {"name": "One", "amount": "1", "expected_close_on": quarter.end.isoformat()})
    client = owner_client(workspace)
    few = page_queries(client, "/forecast")
    for n in range(6):
        _, rep = make_member(workspace, "sales_rep")
        create_deal(owner, {"name": f"D{n}", "amount": "5", "owner_id": rep.user_id,
                            "expected_close_on": quarter.end.isoformat()})  # fmt: skip
    assert page_queries(client, "/forecast") == few


def test_a_manager_overrides_from_the_page_and_a_rep_cannot(workspace: Any, owner: Any) -> None:
    quarter = period_of("quarter", timezone.localdate())
    rep_user, _ = make_member(workspace, "sales_rep", full_name="Ada")
    manager_user, _ = make_member(workspace, "manager")
    form = {"period": quarter.key, "user_id": rep_user.pk, "amount": "900", "note": "Gut feel"}
    assert signed_in(rep_user).post("/forecast/override", form).status_code == 403
    assert not ForecastOverride.objects.exists()
    assert "Override</summary>" not in signed_in(rep_user).get("/forecast").content.decode()
    response = signed_in(manager_user).post("/forecast/override", form)
    assert response.status_code == 302
    assert ForecastOverride.objects.get().amount == Decimal("900")


def test_quota_grid_saves_all_or_nothing(workspace: Any, owner: Any) -> None:
    rep_user, _ = make_member(workspace, "sales_rep")
    client = owner_client(workspace)
    page = client.get("/settings/quotas?year=2027").content.decode()
    assert f'name="q-{rep_user.pk}-2027-01"' in page
    bad = client.post("/settings/quotas", {"year": 2027, f"q-{rep_user.pk}-2027-01": "5000",
                                           f"q-{rep_user.pk}-2027-02": "lots"})  # fmt: skip
    assert bad.status_code == 422 and not Quota.objects.exists()
    assert 'value="lots"' in bad.content.decode()
    good = client.post("/settings/quotas", {"year": 2027, f"q-{rep_user.pk}-2027-01": "5,000"})
    assert good.status_code == 302
    assert Quota.objects.get().amount == Decimal("5000")
    assert signed_in(rep_user).post("/settings/quotas", {"year": 2027}).status_code == 403


def test_strangers_see_none_of_it(workspace: Any, owner: Any) -> None:
    quarter = period_of("quarter", timezone.localdate())
    create_deal(
        owner, {"name": "Secret", "amount": "777", "expected_close_on": quarter.end.isoformat()}
    )
    stranger = owner_client(make_workspace("Other"))
    assert "$777.00" not in stranger.get("/forecast").content.decode()
