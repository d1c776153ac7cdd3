"""Charts drawn on the server as SVG with pygal: bars (grouped, horizontal, stacked with a target
line), lines and donuts, from plain Python data.

A page embeds a chart with `<img>` pointing at a view that answers `svg_response(svg)`: its own
`image/svg+xml` response whose CSP allows only the chart's inline `<style>` and nothing else, so
the page's strict CSP stays as it is (see docs/decisions/0005-charts.md). The SVG carries no
script and no outside URL: pygal's config script, its comments and its tooltip script are
stripped here. Money and other units are the caller's: it passes each value's label ("€1,234")
and a formatter for the value axis, whose ticks `chart_axes` chooses so that their labels are
round and never repeat. A chart with nothing but zeros says "Nothing to show for these filters".

Charts draw no legend: the page shows one in HTML (`PALETTE[i]` is the colour of series `i`),
at the page's text size and wrapping on a phone, where pygal's legend was shrunk with the image
and collided with turned axis labels. Two sizes: "wide", drawn near the size a desktop shows it
(half a page), and "narrow" for phones (375 px), so the text stays readable at both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal
from xml.etree import ElementTree

import pygal
from django.http import HttpResponse
from pygal.style import Style
from pygal.util import text_len, truncate

from rapport.core.chart_axes import label_rotation, value_ticks

Size = Literal["wide", "narrow"]
Number = float | int | Decimal
AxisFormat = Callable[[float], str]

# Units of the SVG's viewBox. A desktop shows a chart about 470 to 700 px wide (two to a row,
# or one below 70rem up to the image's max-width), a 375 px phone about 320 px.
SIZES: dict[str, tuple[int, int]] = {"wide": (560, 340), "narrow": (360, 400)}
# Degrees to turn category labels that do not fit side by side, and their most characters.
ROTATIONS: dict[str, int] = {"wide": 40, "narrow": 45}
LABEL_LENGTHS: dict[str, int] = {"wide": 22, "narrow": 16}
# The app's colours (rapport.css): accent blue first, then greens, ambers and greys that stay
# dark enough on white for text and thin lines. dashboards.css repeats them for the legends.
PALETTE = ("#2450c8", "#1d6b3a", "#b07800", "#1d2330", "#7b3fb5", "#0f7c80", "#b3261e")
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
NOTHING_TO_SHOW = "Nothing to show for these filters"
FONT_SIZE = 14

_LOOK: dict[str, Any] = dict(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2330",
    foreground_strong="#1d2330",
    foreground_subtle="#566074",
    opacity="1",
    opacity_hover=".85",
    transition="0ms",
    colors=PALETTE,
    guide_stroke_color="#e1e5ec",
    major_guide_stroke_color="#9aa3b2",
    font_family=FONT,
    label_font_size=FONT_SIZE,
    major_label_font_size=FONT_SIZE,
    value_font_size=FONT_SIZE,
    value_label_font_size=FONT_SIZE,
    tooltip_font_size=FONT_SIZE,
    title_font_size=16,
    legend_font_size=FONT_SIZE,
    no_data_font_size=18,
)
STYLE = Style(**_LOOK)
LINE_STYLE = Style(**_LOOK | {"stroke_width": "2.5"})  # pygal's 1 unit is a hairline


@dataclass(frozen=True)
class Series:
    """One named series: a value per category (None: no value) and, optionally, each value as
    people read it ("€1,234.50", "42 %"), shown on hover and as printed values."""

    name: str
    values: Sequence[Number | None]
    labels: Sequence[str] | None = None


def _points(series: Series) -> list[dict[str, Any] | None]:
    points: list[dict[str, Any] | None] = []
    for i, value in enumerate(series.values):
        if value is None:
            points.append(None)
            continue
        point: dict[str, Any] = {"value": float(value)}
        if series.labels is not None:
            text = series.labels[i]
            point["formatter"] = lambda _value, text=text: text
        points.append(point)
    return points


def _has_values(series: Sequence[Series], *, zeros: bool = False) -> bool:
    """Whether any value is there to draw; a zero counts only when `zeros` (a fixed range)."""
    return any(v is not None and (zeros or v != 0) for one in series for v in one.values)


def _strip(title: str) -> Callable[[ElementTree.Element], ElementTree.Element]:
    """An xml filter: no script, no comments (pygal's name outside URLs), our own title."""

    def strip(root: ElementTree.Element) -> ElementTree.Element:
        for parent in list(root.iter()):
            for child in list(parent):
                tag = child.tag
                if callable(tag) or (isinstance(tag, str) and tag.rsplit("}", 1)[-1] == "script"):
                    parent.remove(child)
                elif tag == "title" and parent is root:
                    child.text = title
        return root

    return strip


def _config(size: Size, axis_format: AxisFormat | None) -> dict[str, Any]:
    width, height = SIZES[size]
    config: dict[str, Any] = {
        "style": STYLE,
        "width": width,
        "height": height,
        "js": [],
        "disable_xml_declaration": True,
        "show_legend": False,
        "truncate_label": LABEL_LENGTHS[size],
        "margin": 8,
        "spacing": 8,
        "no_data_text": NOTHING_TO_SHOW,
        "print_values": False,
    }
    if axis_format is not None:
        config["value_formatter"] = axis_format
    return config


def _value_axis(
    config: dict[str, Any],
    top: float,
    axis_format: AxisFormat | None,
    *,
    fixed: bool = False,
    most: int = 6,
) -> None:
    """At most `most` round ticks from 0 to at least `top` (exactly `top` when `fixed`), each
    labelled once, the highest on the plot's top line so no bar reaches past it."""
    label = axis_format or (lambda value: f"{value:g}")
    ticks = value_ticks(top, label, most=most)
    if fixed and ticks[-1] != top:
        ticks = [t for t in ticks if t < top] + [top]
    config["range"] = (0, ticks[-1])
    config["y_labels"] = [{"value": tick, "label": label(tick)} for tick in ticks]
    config["y_labels_major"] = [0]  # the base line is darker, the other guides light


def _category_axis(config: dict[str, Any], size: Size, categories: Sequence[str]) -> None:
    """Turn the category labels when they do not fit side by side (stage names, months), back
    from the tick: pygal anchors the end of a label turned past 180 degrees at its tick."""
    room = SIZES[size][0] - 90  # the value labels take the rest
    shortened = [_shortened(c, LABEL_LENGTHS[size]) for c in categories]
    angle = label_rotation(shortened, room, FONT_SIZE, ROTATIONS[size])
    config["x_label_rotation"] = 360 - angle if angle else 0


class _FittedLabels:
    """Margins that fit the category labels. Turned labels end under their tick and run down
    to the left (`_category_axis`), so only the first one reaches past the plot, on the side
    the value labels already take; a straight label reaches past by half its width. pygal
    keeps room for its widest label instead, on top of the value labels' room."""

    _centred = True  # bars sit in the middle of their slot; a line's points reach the edges

    def _compute_margin(self) -> None:
        super()._compute_margin()  # type: ignore[misc]
        graph: Any = self
        labels = [text for text, _ in graph._x_labels or []]
        if not labels or not graph.show_x_labels:
            return
        size, box = graph.style.label_font_size, graph.margin_box
        lengths = [len(truncate(text, graph.truncate_label or 25)) for text in labels]
        inset = 0.0
        if self._centred and not graph.horizontal:  # half a slot from the plot's edge
            inset = (graph.width - box.left - box.right) / len(labels) / 2
        if not graph.x_label_rotation:
            box.right = max(graph.margin, text_len(lengths[-1], size) / 2 - inset + 6)
            return
        cos = abs(math.cos(math.radians(graph.x_label_rotation)))
        value_labels = box.left - max(text_len(max(lengths), size) * cos, graph.margin)
        reach = text_len(lengths[0], size) * cos - inset + 2
        box.left = max(graph.margin + value_labels, reach)
        box.right = graph.margin


class _SlimBars:
    """Bars at most THICKEST units thick: pygal fills each category's slot, so two stages or
    three owners made slabs. The rest of the slot is left as space around the group."""

    THICKEST = 44

    def _plot(self) -> None:
        graph: Any = self
        slot = abs(graph.view.x(1) - graph.view.x(0)) / max(graph._len, 1)  # as pygal's _bar
        stacked = isinstance(self, pygal.StackedBar)
        group = self.THICKEST * (1.5 if stacked else max(graph._order, 1))
        graph._series_margin = max(0.06, (1 - group / slot) / 2) if slot else 0.06
        super()._plot()  # type: ignore[misc]


class _Bar(_SlimBars, _FittedLabels, pygal.Bar):
    pass


class _HorizontalBar(_SlimBars, _FittedLabels, pygal.HorizontalBar):
    pass


class _Line(_FittedLabels, pygal.Line):
    _centred = False


def _top(series: Sequence[Series]) -> float:
    return max((float(v) for one in series for v in one.values if v is not None), default=0.0)


def _render(chart: Any, title: str, categories: Sequence[str], series: Sequence[Series]) -> str:
    chart.x_labels = list(categories)
    for one in series:
        chart.add(one.name, _points(one))
    return _svg(chart, title)


def _svg(chart: Any, title: str) -> str:
    chart.add_xml_filter(_strip(title))
    return str(chart.render(is_unicode=True))


def nothing_to_show(title: str, *, size: Size = "wide") -> str:
    """A chart with no axes that says there is nothing to show for the chosen filters."""
    config = _config(size, None) | {"show_x_labels": False, "show_y_labels": False}
    return _svg(pygal.Bar(**config), title)


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    size: Size = "wide",
    axis_format: AxisFormat | None = None,
    horizontal: bool = False,
    value_range: tuple[float, float] | None = None,
) -> str:
    """Grouped bars, a group per category (horizontal: a row per category, for long names);
    `value_range` fixes the value axis (0 to 100 for percentages; it starts at 0 as bars do),
    where a zero is a value to draw."""
    if not categories or not _has_values(series, zeros=value_range is not None):
        return nothing_to_show(title, size=size)
    config = _config(size, axis_format)
    # Across a phone there is room for about four value labels, up the side for six.
    most = 4 if horizontal and size == "narrow" else 6
    if value_range is not None:
        _value_axis(config, value_range[1], axis_format, fixed=True, most=most)
    else:
        _value_axis(config, _top(series), axis_format, most=most)
    if horizontal:
        # pygal does not shorten the labels of a horizontal chart's category axis.
        longest = 18 if size == "narrow" else 28
        # pygal draws the first category at the bottom: reverse, so it reads top-down.
        categories = [_shortened(c, longest) for c in reversed(categories)]
        series = [_reversed(one) for one in series]
        rows = len(categories) * len(series)
        config["height"] = max(200, 70 + 52 * rows)  # a row a bar, however few or many
    else:
        _category_axis(config, size, categories)
    kind = _HorizontalBar if horizontal else _Bar
    return _render(kind(**config), title, categories, series)


def _reversed(series: Series) -> Series:
    labels = None if series.labels is None else list(reversed(series.labels))
    return Series(series.name, list(reversed(series.values)), labels)


def _shortened(text: str, longest: int) -> str:
    return text if len(text) <= longest else text[: longest - 1].rstrip() + "…"


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    size: Size = "wide",
    axis_format: AxisFormat | None = None,
) -> str:
    """Lines over ordered categories (months, weeks), each point marked."""
    if not categories or not _has_values(series):
        return nothing_to_show(title, size=size)
    config = _config(size, axis_format) | {"style": LINE_STYLE, "fill": False, "dots_size": 4}
    _value_axis(config, _top(series), axis_format)
    _category_axis(config, size, categories)
    return _render(_Line(**config), title, categories, series)


def donut_chart(
    title: str, slices: Sequence[Series], *, size: Size = "wide", inner_radius: float = 0.5
) -> str:
    """A donut (or a pie with `inner_radius=0`): one slice per series, its first value."""
    if not _has_values([Series(one.name, one.values[:1]) for one in slices]):
        return nothing_to_show(title, size=size)
    config = _config(size, None) | {"inner_radius": inner_radius}
    chart = pygal.Pie(**config)
    for one in slices:
        chart.add(one.name, _points(one)[:1])
    return _svg(chart, title)


class _StackedBarWithTarget(_SlimBars, _FittedLabels, pygal.StackedBar):
    """pygal's stacked bar, plus a horizontal line across each category's bar at its target."""

    def __init__(self, targets: Sequence[float | None], colour: str, **config: Any) -> None:
        super().__init__(**config)
        self._targets = list(targets)
        self._colour = colour

    def _plot(self) -> None:
        super()._plot()
        count = max(self._len, 1)
        for i, target in enumerate(self._targets):
            if target is None:
                continue
            left, right = self.view.x(i / count), self.view.x((i + 1) / count)
            inset = (right - left) * self._series_margin - 8  # a little past the bar
            left, right = left + max(inset, 2), right - max(inset, 2)
            y = self.view.y(target)
            attrib = {"stroke-width": "3", "stroke-dasharray": "8,4", "fill": "none"}
            path = f"M{left:.1f} {y:.1f} H{right:.1f}"
            self.svg.node(
                self.nodes["plot"], "path", attrib, d=path, stroke=self._colour, class_="target"
            )


def stacked_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    target: Series | None = None,
    size: Size = "wide",
    axis_format: AxisFormat | None = None,
) -> str:
    """Stacked bars, a bar per category; `target` draws a dashed line per category (a quota)
    in the colour after the bars', `PALETTE[len(series)]`."""
    targets = [None if v is None else float(v) for v in (target.values if target else [])]
    totals = [
        sum(float(s.values[i] or 0) for s in series if i < len(s.values))
        for i in range(len(categories))
    ]
    top = max([*totals, *(t for t in targets if t is not None), 0.0])
    if not categories or top <= 0:
        return nothing_to_show(title, size=size)
    config = _config(size, axis_format)
    _value_axis(config, top, axis_format)
    _category_axis(config, size, categories)
    chart = _StackedBarWithTarget(targets, PALETTE[len(series) % len(PALETTE)], **config)
    return _render(chart, title, categories, series)


def svg_response(svg: str) -> HttpResponse:
    """A chart as its own response: its CSP admits its inline style and nothing else."""
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = SVG_CSP
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
