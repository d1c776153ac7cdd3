"""core.charts: every kind of chart renders plain SVG with no script, comment or outside URL,
our title and colours; zeros say there is nothing to show, small values get value labels that
never repeat, bars stay under the top line, long labels turn, and a chart response carries its
own narrow CSP."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from rapport.core import charts
from rapport.core.charts import Series

pytestmark = pytest.mark.django_db  # the autouse cache fixture reads the database cache
SVG = "{http://www.w3.org/2000/svg}"
money = lambda v: f"${v:,.0f}"  # noqa: E731 - a formatter, as callers pass one


def _tree(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - the SVG our own code just drew


def _axis(svg: str, name: str) -> ElementTree.Element:
    return next(
        g for g in _tree(svg).iter(f"{SVG}g") if g.get("class", "").startswith(f"axis {name}")
    )


def _labels(svg: str, name: str) -> list[str]:
    """The texts along an axis: "y" is the value axis of an upright chart."""
    return [t.text or "" for t in _axis(svg, name).iter(f"{SVG}text")]


def _assert_clean(svg: str, title: str) -> None:
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<script" not in svg.lower() and "<!--" not in svg
    assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) == {"http://www.w3.org/2000/svg"}
    assert f"<title>{title}</title>" in svg
    assert charts.PALETTE[0] in svg and "system-ui" in svg


@pytest.mark.parametrize("size", ["wide", "narrow"])
def test_every_kind_of_chart_is_clean_svg(size: charts.Size) -> None:
    amounts = Series("Amount", [1200, 300.5, None], ["€1,200.00", "€300.50", "—"])
    money = lambda v: f"€{v:,.0f}"  # noqa: E731 - a formatter, as callers pass one
    rate = Series("Rate", [50, 100])
    stack = [Series("Won", [10]), Series("Commit", [5])]
    drawn = {
        "Bars": charts.bar_chart("Bars", ["A", "B", "C"], [amounts], size=size, axis_format=money),
        "Rows": charts.bar_chart(
            "Rows", ["Ada", "Bob"], [rate], size=size, horizontal=True, value_range=(0, 100)
        ),
        "Line": charts.line_chart("Line", ["Jan", "Feb"], [Series("Won", [1, 2])], size=size),
        "Donut": charts.donut_chart("Donut", [Series("A", [3]), Series("B", [1])], size=size),
        "Stack": charts.stacked_bar_chart(
            "Stack", ["Ada"], stack, target=Series("Quota", [30]), size=size
        ),
    }
    for title, svg in drawn.items():
        _assert_clean(svg, title)
    width, height = charts.SIZES[size]
    assert f'viewBox="0 0 {width} {height}"' in drawn["Bars"]
    assert "€1,200.00" in drawn["Bars"]  # the caller's label, in the value's tooltip text


def test_a_stacked_bar_draws_its_target_line_in_the_colour_after_the_bars() -> None:
    bars = [Series("Won", [100, 50]), Series("Commit", [50, 10])]
    svg = charts.stacked_bar_chart(
        "Forecast", ["Ada", "Bob"], bars, target=Series("Quota", [300, None])
    )
    assert svg.count('class="target"') == 1  # Bob has no quota
    assert re.search(r'<path [^>]*stroke="#b07800"[^>]*class="target"', svg)  # PALETTE[2]
    assert _labels(svg, "y")[-1] == "300"  # the quota is on the scale, above the bars
    none = charts.stacked_bar_chart("Forecast", ["Ada"], [Series("Won", [1])])
    assert 'class="target"' not in none


def test_charts_draw_no_legend_the_page_shows_it() -> None:
    two = [Series("Amount", [5, 6]), Series("Weighted", [1, 2])]
    svg = charts.bar_chart("Pipeline", ["A", "B"], two)
    assert 'class="legends"' not in svg and ">Weighted<" not in svg


@pytest.mark.parametrize("size", ["wide", "narrow"])
def test_zeros_or_no_values_say_there_is_nothing_to_show(size: charts.Size) -> None:
    zeros = [Series("Won", [0, 0, None])]
    drawn = [
        charts.bar_chart("Z", ["A", "B", "C"], zeros, size=size, axis_format=money),
        charts.line_chart("Z", ["Jan", "Feb", "Mar"], zeros, size=size, axis_format=money),
        charts.stacked_bar_chart("Z", ["Ada"], [Series("Won", [0])], size=size),
        charts.donut_chart("Z", [Series("A", [0])], size=size),
        charts.bar_chart("Z", [], [], size=size),
    ]
    for svg in drawn:
        assert "Nothing to show for these filters" in svg
        assert "$0" not in svg and 'class="axis' not in svg  # no axis of repeated "$0"


def test_a_zero_rate_on_a_fixed_scale_is_still_drawn() -> None:
    svg = charts.bar_chart(
        "Rates", ["Ada"], [Series("Rate", [0])], horizontal=True, value_range=(0, 100)
    )
    assert "Nothing to show" not in svg
    assert _labels(svg, "x") == ["0", "20", "40", "60", "80", "100"]


@pytest.mark.parametrize("size", ["wide", "narrow"])
def test_small_values_get_whole_labels_that_never_repeat(size: charts.Size) -> None:
    months = ["Sep", "Oct", "Nov"]
    line = charts.line_chart("Won", months, [Series("Won", [0, 0.4, 1])], size=size,
                             axis_format=money)  # fmt: skip
    assert _labels(line, "y") == ["$0", "$1"]
    bars = charts.bar_chart("Won", months, [Series("Won", [0, 3, 1])], size=size,
                            axis_format=money)  # fmt: skip
    assert _labels(bars, "y") == ["$0", "$1", "$2", "$3"]


def test_the_highest_bar_stays_under_the_top_line() -> None:
    svg = charts.bar_chart("Pipeline", ["A", "B"], [Series("Amount", [1_420_000, 300_000])],
                           axis_format=lambda v: f"${v / 1e6:g}M")  # fmt: skip
    assert _labels(svg, "y") == ["$0M", "$0.5M", "$1M", "$1.5M"]
    top_line = min(float(p.get("d", "").split()[1]) for p in _axis(svg, "y").iter(f"{SVG}path"))
    bar_tops = [float(r.get("y", "0")) for r in _tree(svg).iter(f"{SVG}rect")
                if "reactive" in r.get("class", "")]  # fmt: skip
    assert len(bar_tops) == 2 and min(bar_tops) > top_line


def test_long_category_labels_turn_and_short_ones_do_not() -> None:
    stages = ["Qualification (51)", "Needs analysis (48)", "Proposal (63)", "Negotiation (58)",
              "Renewal due (26)", "Quote sent (17)", "Verbal yes (14)"]  # fmt: skip
    amounts = [Series("Amount", [5, 4, 3, 2, 2, 1, 1])]
    svg = charts.bar_chart("Pipeline", stages, amounts)
    turned = [t for t in _axis(svg, "x").iter(f"{SVG}text") if t.get("transform")]
    assert len(turned) == len(stages)
    assert all(t.get("class") == "backwards" for t in turned)  # each ends under its tick
    assert [t.text for t in turned] == stages  # they fit in 22 characters
    long = ["A very long stage name indeed", "B"]
    narrow = charts.bar_chart("Pipeline", long, [Series("Amount", [1, 2])], size="narrow")
    assert _labels(narrow, "x") == ["A very long sta…", "B"]  # 16 characters on a phone
    assert "<title>A very long stage name indeed</title>" in narrow  # the full name on hover
    short = charts.bar_chart("Won", ["Ada", "Bob"], [Series("Won", [1, 2])])
    assert not any(t.get("transform") for t in _axis(short, "x").iter(f"{SVG}text"))


def test_long_names_are_shortened_on_a_horizontal_chart_top_down() -> None:
    names = ["First owner", "A very long owner name indeed"]
    svg = charts.bar_chart("Rates", names, [Series("Rate", [1, 2])], size="narrow", horizontal=True)
    assert "A very long owner…" in svg and "indeed" not in svg
    assert svg.index("A very long owner…") < svg.index("First owner")  # pygal draws bottom-up


def test_an_empty_chart_says_so() -> None:
    assert "Nothing to show for these filters" in charts.bar_chart("Empty", [], [])


def test_a_chart_response_has_its_own_csp() -> None:
    response = charts.svg_response("<svg></svg>")
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response["X-Content-Type-Options"] == "nosniff"
