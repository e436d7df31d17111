"""Every figure kind, drawn with 1, 2, 4 and 9 scenarios, is readable: no text (titles, tick
labels, legend entries, notes, event numbers, annotations) overprints another, and all of it
stays inside the figure. Small runs (a few replicates, three years) keep this fast."""

from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.plots.briefing import briefing_pages
from sim.plots.explore import compare_differences, compare_fans, compare_outcomes
from sim.plots.runs import arms_race_curve, dashboard, fan_charts, outcome_shares
from sim.results.comparison import Comparison

SLACK = 1.0
"""Pixels two texts' boxes may share (antialiasing at their edges) before they overlap."""


def _drawn(text: Text) -> bool:
    return text.get_visible() and bool(text.get_text().strip())


def _tick_labels(ax: Axes) -> list[Text]:
    """The tick labels an axes draws: visible, not empty, at ticks inside its view."""
    labels = []
    for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        low, high = sorted((low, high))
        span = (high - low) * 1e-9
        for tick in axis.get_major_ticks():
            if low - span <= tick.get_loc() <= high + span:
                labels += [label for label in (tick.label1, tick.label2) if _drawn(label)]
    return labels


def _axes_texts(ax: Axes) -> list[Text]:
    texts = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
    texts += _tick_labels(ax) + list(ax.texts)
    if ax.get_legend() is not None:
        texts += [*ax.get_legend().get_texts(), ax.get_legend().get_title()]
    for child in ax.child_axes:
        texts += _axes_texts(child)
    return texts


def figure_texts(fig: Figure) -> list[Text]:
    """Every text a figure draws: its own, its legends', and each visible axes'."""
    texts = list(fig.texts)
    for legend in fig.legends:
        texts += [*legend.get_texts(), legend.get_title()]
    for ax in fig.axes:
        if ax.get_visible():
            texts += _axes_texts(ax)
    return [t for t in texts if _drawn(t)]


def overlaps(fig: Figure) -> list[str]:
    """Texts that overprint each other or reach outside the figure, in words."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = figure_texts(fig)
    boxes = np.array([t.get_window_extent(renderer).extents for t in texts]).reshape(-1, 4)
    problems = []
    inside = fig.bbox.padded(SLACK)
    for t, (x0, y0, x1, y1) in zip(texts, boxes, strict=True):
        if not (inside.contains(x0, y0) and inside.contains(x1, y1)):
            problems.append(f"outside the figure: {t.get_text()!r}")
    for i in range(len(texts)):
        x0, y0, x1, y1 = boxes[i]
        rest = boxes[i + 1 :]
        hit = (np.minimum(x1, rest[:, 2]) - np.maximum(x0, rest[:, 0]) > SLACK) & (
            np.minimum(y1, rest[:, 3]) - np.maximum(y0, rest[:, 1]) > SLACK
        )
        for j in np.flatnonzero(hit) + i + 1:
            problems.append(f"{texts[i].get_text()!r} overprints {texts[j].get_text()!r}")
    return problems


SCENARIOS = (
    "baseline",
    "sanctions_isolation",
    "us_buildup",
    "leadership_change",
    "china_coalition",
    "china_grip_dialogue",
    "russia_pacific_presence",
    "ukraine_ceasefire",
    "us_engagement",
)


COMPARISON_FIGURES: dict[str, Callable[[Comparison], list[Figure]]] = {
    "fans": lambda c: [compare_fans(c)],
    "outcomes": lambda c: [compare_outcomes(c)],
    "paired differences": lambda c: [compare_differences(c)] if len(c.results) > 1 else [],
    "briefing": lambda c: briefing_pages(c) if len(c.results) > 1 else [],
}

CASES = [
    pytest.param(kind, count, marks=() if kind == "outcomes" and count < 4 else pytest.mark.slow)
    for kind in COMPARISON_FIGURES
    for count in (1, 2, 4, 9)
]
"""Every figure kind with 1, 2, 4 and 9 scenarios compared; a figure of time series takes
5-40 s to draw and check here, so all but the cheapest are slow tests."""


@pytest.mark.parametrize(("kind", "count"), CASES)
def test_comparison_figures_print_no_text_over_text_or_off_the_page(small_comparison, kind, count):
    comparison = Comparison(small_comparison(SCENARIOS[: max(2, count)]).results[:count])
    for fig in COMPARISON_FIGURES[kind](comparison):
        assert overlaps(fig) == []
        plt.close(fig)


@pytest.mark.parametrize(
    "draw",
    [
        pytest.param(dashboard, marks=pytest.mark.slow),
        pytest.param(fan_charts, marks=pytest.mark.slow),
        outcome_shares,
        arms_race_curve,
    ],
)
def test_run_figures_print_no_text_over_text_or_off_the_page(small_comparison, draw):
    # the baseline over its own ten years: ten events, and the present (December 2026) a
    # quarter of the way along, where the panels' own legends reach
    fig = draw(small_comparison(SCENARIOS[:2], months=120).results[0])
    assert overlaps(fig) == []
    plt.close(fig)


def test_the_check_sees_text_over_text_and_off_the_page():
    fig = plt.figure(figsize=(4, 3))
    fig.text(0.1, 0.5, "a label")
    fig.text(0.12, 0.5, "another label")
    fig.text(0.9, 0.9, "beyond the right edge")
    problems = overlaps(fig)
    plt.close(fig)
    assert problems == [
        "outside the figure: 'beyond the right edge'",
        "'a label' overprints 'another label'",
    ]
