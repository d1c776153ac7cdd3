"""The sales dashboard's charts: legends in HTML in the charts' colours, "nothing to show" for
zeros, whole labels for small amounts, and stage names alone on the chart when they are unique."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from rapport.core.charts import PALETTE
from rapport.dashboards.charts import CHARTS, FORECAST_SERIES, WEIGHTED_SERIES
from rapport.deals.services import create_pipeline
from rapport.forecasts.periods import period_of
from rapport.forecasts.services import set_quotas
from tests.dashboards.sales_data import closed_deal, open_deal
from tests.page_clients import owner_client

pytestmark = pytest.mark.django_db
CSS = Path(settings.BASE_DIR) / "static" / "rapport" / "dashboards.css"
NOTHING = "Nothing to show for these filters"


def _y_labels(svg: str) -> list[str]:
    axis = svg.split('<g class="axis y', 1)[1].split('<g class="axis x', 1)[0]
    return re.findall(r"<text [^>]*>([^<]*)</text>", axis)


def test_the_legend_keys_name_the_series_in_the_charts_colours() -> None:
    colours = dict(re.findall(r"\.chart-key-(\d+) \{ color: (#[0-9a-f]{6}); \}", CSS.read_text()))
    assert [colours[str(i)] for i in range(len(PALETTE))] == list(PALETTE)
    weighted, forecast = CHARTS["weighted"].legend, CHARTS["forecast"].legend
    assert [(k.name, k.colour) for k in weighted] == [("Amount", 0), ("Weighted", 1)]
    assert [k.name for k in weighted] == list(WEIGHTED_SERIES)
    assert [k.name for k in forecast[:-1]] == [name for name, _ in FORECAST_SERIES]
    quota = forecast[-1]
    assert (quota.name, quota.colour, quota.is_line) == ("Quota (dashed line)", 3, True)


def test_the_page_shows_the_legends_above_their_charts(workspace: Any, owner: Any) -> None:
    month = period_of("month", timezone.localdate())
    open_deal(owner, "Big", "Proposal", amount="1000", expected_close_on=month.end.isoformat())
    page = owner_client(workspace).get("/dashboards/sales").content.decode()
    assert page.count('<ul class="chart-legend">') == 2
    assert '<li><span class="chart-key chart-key-1"></span>Weighted</li>' in page
    assert '<span class="chart-key chart-key-3 chart-key-line"></span>Quota (dashed line)' in page
    legend = page.index('<ul class="chart-legend">')
    assert legend < page.index('src="/dashboards/sales/charts/weighted.svg"')


def test_zeros_say_there_is_nothing_to_show(workspace: Any, owner: Any) -> None:
    open_deal(owner, "No amount yet", "Proposal")  # a stage with a deal and no money
    client = owner_client(workspace)
    for name in ("pipeline", "weighted", "won-by-month", "win-rate-by-owner", "forecast"):
        for size in ("wide", "narrow"):
            svg = client.get(f"/dashboards/sales/charts/{name}.svg?size={size}").content.decode()
            assert NOTHING in svg, (name, size)
            assert "$0" not in svg, (name, size)


def test_small_amounts_get_whole_dollar_labels_once_each(workspace: Any, owner: Any) -> None:
    today = timezone.localdate()
    closed_deal(owner, "Stickers", "Won", today, today, amount="3", owner_id=owner.user_id)
    open_deal(owner, "Pens", "Proposal", amount="0.40", owner_id=owner.user_id)
    quarter = period_of("quarter", today)
    set_quotas(owner, [{"user_id": owner.user_id, "month": m.strftime("%Y-%m"), "amount": "2"}
                       for m in quarter.months])  # fmt: skip
    client = owner_client(workspace)
    won = client.get("/dashboards/sales/charts/won-by-month.svg").content.decode()
    assert _y_labels(won) == ["$0", "$1", "$2", "$3"]
    pipeline = client.get("/dashboards/sales/charts/pipeline.svg").content.decode()
    assert _y_labels(pipeline) == ["$0", "$1"]  # forty cents, on an axis of one dollar
    forecast = client.get("/dashboards/sales/charts/forecast.svg").content.decode()
    assert _y_labels(forecast) == ["$0", "$1", "$2", "$3", "$4", "$5", "$6"]  # quota $6


def test_stage_names_stand_alone_on_the_chart_unless_they_repeat(
    workspace: Any, owner: Any
) -> None:
    stages = [{"name": "Renewal due", "probability": 60, "kind": "open"},
              {"name": "Renewed", "probability": 100, "kind": "won"},
              {"name": "Churned", "probability": 0, "kind": "lost"}]  # fmt: skip
    open_deal(owner, "Big", "Proposal", amount="1000")  # in the default pipeline, "Sales"
    create_pipeline(owner, {"name": "Renewals", "stages": stages})
    client = owner_client(workspace)
    page = client.get("/dashboards/sales").content.decode()
    assert '<th scope="row">Renewals · Renewal due</th>' in page  # the table names both
    svg = client.get("/dashboards/sales/charts/pipeline.svg").content.decode()
    assert ">Renewal due (0)<" in svg and ">Proposal (1)<" in svg
    create_pipeline(owner, {"name": "Partners"})  # the default stages again: Proposal twice
    svg = client.get("/dashboards/sales/charts/pipeline.svg").content.decode()
    assert "Sales · Proposal (1)" in svg and ">Renewal due (0)<" in svg
