"""The sales dashboard page and its chart images: figures, filters with inline errors, the
page's CSP left as it is, charts as SVG without script, rights and tenancy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from rapport.core.charts import SVG_CSP
from rapport.deals.services import create_pipeline
from rapport.forecasts.periods import period_of
from rapport.workspaces.services import create_role
from tests.conftest import make_member, make_workspace
from tests.dashboards.sales_data import open_deal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db
CHART_NAMES = ("pipeline", "weighted", "won-by-month", "win-rate-by-owner", "forecast")


def _deal_this_month(owner: Any, name: str = "Big", amount: str = "12345", **extra: Any) -> Any:
    month = period_of("month", timezone.localdate())
    return open_deal(owner, name, "Proposal", amount=amount,
                     expected_close_on=month.end.isoformat(), **extra)  # fmt: skip


def test_the_page_shows_tiles_charts_tables_and_top_deals(workspace: Any, owner: Any) -> None:
    deal = _deal_this_month(owner)
    response = owner_client(workspace).get("/dashboards/sales")
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "Sales dashboard · This quarter" in page
    assert "$12,345.00" in page and "$6,172.50" in page  # open and weighted (50 %)
    for name in CHART_NAMES:
        assert f'src="/dashboards/sales/charts/{name}.svg"' in page
        assert f"/dashboards/sales/charts/{name}.svg?size=narrow" in page
    assert len(re.findall(r'<img [^>]*alt="[^"]{20,}"', page)) == len(CHART_NAMES)
    assert page.count('<details class="chart-figures">') == 4
    assert f'href="/deals/{deal.pk}"' in page
    assert "style=" not in page and "<script>" not in page
    assert 'href="/dashboards/sales" class="nav-link current"' in page


def test_filters_reach_the_charts_and_errors_keep_what_was_typed(
    workspace: Any, owner: Any
) -> None:
    _deal_this_month(owner)
    client = owner_client(workspace)
    page = client.get(f"/dashboards/sales?period=this_month&who=user:{owner.user_id}")
    text = page.content.decode()
    assert page.status_code == 200 and "Sales dashboard · This month" in text
    assert (
        f"/dashboards/sales/charts/pipeline.svg?period=this_month&amp;who=user%3A{owner.user_id}"
        in text
    )
    assert f'<option value="user:{owner.user_id}" selected>' in text
    bad = client.get("/dashboards/sales?period=custom&from=2026-05-09&to=2026-05-01")
    text = bad.content.decode()
    assert bad.status_code == 422
    assert "The last day comes before the first day." in text
    assert 'value="2026-05-09"' in text and 'value="2026-05-01"' in text
    assert 'id="f-to" name="to" value="2026-05-01" aria-invalid="true"' in text
    assert "/charts/" not in text
    typo = client.get("/dashboards/sales?period=custom&from=yesterday&to=2026-05-01")
    assert typo.status_code == 422 and "Give a date as 2026-11-24." in typo.content.decode()


def test_charts_are_svg_with_their_own_csp_and_no_script(workspace: Any, owner: Any) -> None:
    _deal_this_month(owner, owner_id=owner.user_id)
    client = owner_client(workspace)
    for name in CHART_NAMES:
        for size in ("", "?size=narrow"):
            response = client.get(f"/dashboards/sales/charts/{name}.svg{size}")
            svg = response.content.decode()
            assert response.status_code == 200, name
            assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
            assert response["Content-Security-Policy"] == SVG_CSP
            assert svg.startswith("<svg") and "<script" not in svg.lower()
            # the only URL is the SVG namespace: nothing is fetched from elsewhere
            assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= {"http://www.w3.org/2000/svg"}
            assert "href=" not in svg and "@import" not in svg
    pipeline = client.get("/dashboards/sales/charts/pipeline.svg").content.decode()
    assert "<title>Open pipeline by stage</title>" in pipeline
    assert "Proposal (1)" in pipeline and "$12,345.00" in pipeline
    assert client.get("/dashboards/sales/charts/pie.svg").status_code == 404


def test_a_role_without_deals_gets_403_and_no_nav_entry(workspace: Any, owner: Any) -> None:
    create_role(owner, "Contacts only", {"contact": {"view": "all"}})
    user, _ = make_member(workspace, "contacts_only")
    client = signed_in(user)
    assert client.get("/dashboards/sales").status_code == 403
    assert client.get("/dashboards/sales/charts/pipeline.svg").status_code == 403
    assert "/dashboards/sales" not in client.get("/contacts").content.decode()


def test_another_workspaces_ids_are_404(workspace: Any, owner: Any) -> None:
    pipeline = create_pipeline(owner, {"name": "Renewals"})
    other = owner_client(make_workspace("Globex"))
    assert other.get(f"/dashboards/sales?pipeline={pipeline.pk}").status_code == 404
    assert other.get(f"/dashboards/sales?who=user:{owner.user_id}").status_code == 404
    chart = other.get(f"/dashboards/sales/charts/pipeline.svg?pipeline={pipeline.pk}")
    assert chart.status_code == 404
    _deal_this_month(owner, name="Secret deal")
    assert "Secret deal" not in other.get("/dashboards/sales").content.decode()


def test_the_page_reads_a_fixed_number_of_queries(workspace: Any, owner: Any) -> None:
    _deal_this_month(owner)
    _deal_this_month(owner, "Euro", currency="EUR")  # a second currency loads its rates once
    client = owner_client(workspace)
    few = page_queries(client, "/dashboards/sales")
    for n in range(6):
        _, rep = make_member(workspace, "sales_rep")
        _deal_this_month(owner, f"D{n}", "5", owner_id=rep.user_id, currency=("EUR", "USD")[n % 2])
    assert page_queries(client, "/dashboards/sales") == few
