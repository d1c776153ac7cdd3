"""The axes of `core.charts`: round value ticks whose labels never repeat, and whether the
category labels must be turned to fit.

pygal picks its own ticks from the data's range and formats them afterwards, so a range of
0 to 1 dollar reads "$0, $0, $0, $1, $1" once the labels are rounded to whole dollars. Here
the ticks are chosen in the formatted unit instead: 1, 2 or 5 times a power of ten, no finer
than the unit the labels show exactly (a whole dollar, a whole percent), and the smallest such
step whose labels are all different.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

AxisLabel = Callable[[float], str]

STEPS = (1, 2, 5)
# Width of an average character of the chart's sans-serif font, as a share of its size.
CHARACTER_WIDTH = 0.6


def _nice_steps(top: float, most: int, smallest: float) -> list[float]:
    """Steps of 1, 2 or 5 x 10^n, no finer than `smallest`, from the smallest that could fit
    `most` ticks upwards."""
    exponent = math.floor(math.log10(max(top / most, smallest)))
    steps = (
        float(f"{mantissa * 10.0**power:.12g}")
        for power in range(exponent, exponent + 16)
        for mantissa in STEPS
    )
    return [step for step in steps if step >= smallest]


def value_ticks(
    top: float, label: AxisLabel | None = None, *, most: int = 6, smallest: float = 1
) -> list[float]:
    """Ticks from 0 up to at least `top` (`top` itself when it is round): at most `most` steps
    of 1, 2 or 5 x 10^n, each at least `smallest` (the finest unit the labels show exactly),
    and the smallest such step whose labels are all different.

    `top` at or below 0 (a chart of zeros) gets an axis of one step.
    """
    top = top if top > 0 else smallest
    text = label or (lambda value: f"{value:g}")
    ticks = [0.0, top]
    for step in _nice_steps(top, most, smallest):
        count = math.ceil(top / step - 1e-9)
        if count > most:
            continue
        ticks = [float(f"{i * step:.12g}") for i in range(count + 1)]
        labels = [text(tick) for tick in ticks]
        if len(set(labels)) == len(labels):
            return ticks
    return ticks


def label_rotation(labels: Sequence[str], room: float, font_size: float, angle: int) -> int:
    """`angle` when the longest label is wider than the `room` each category has, else 0."""
    if not labels:
        return 0
    longest = max(len(text) for text in labels) * font_size * CHARACTER_WIDTH
    return angle if longest > room / len(labels) * 0.9 else 0
