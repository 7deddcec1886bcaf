"""The digest chart: needs asked against needs unmet, per week, over the last weeks of the digest.

Rendered headless (Agg) to PNG bytes; the alt text carries the same figures for people who cannot see the image.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server; chosen before anything (pyplot included) picks a backend

# Figure without pyplot: pyplot keeps global state that is not safe across the scheduler's threads.
from matplotlib.figure import Figure  # noqa: E402

from bot.digests.contents import WeekOfNeeds  # noqa: E402
from bot.platform.clock import to_local  # noqa: E402

ALT_TEXT_LIMIT = 1000  # Slack's limit for a file's alt text
CHART_TITLE = "Needs asked vs needs unmet per week"


def _week_labels(weeks: Sequence[WeekOfNeeds], timezone: str) -> list[str]:
    labels = []
    for week in weeks:
        local = to_local(week.week_start, timezone)
        labels.append(f"{local.day} {local:%b}")
    return labels


def chart_alt_text(weeks: Sequence[WeekOfNeeds], timezone: str) -> str:
    """A sentence with every figure of the chart."""
    if not weeks:
        return f"{CHART_TITLE}: no weeks to show."
    labels = _week_labels(weeks, timezone)
    total_asked = sum(w.asked for w in weeks)
    total_unmet = sum(w.unmet for w in weeks)
    per_week = "; ".join(
        f"week of {label}: {w.asked} asked, {w.unmet} unmet" for label, w in zip(labels, weeks, strict=True)
    )
    text = (
        f"{CHART_TITLE}, {len(weeks)} weeks from {labels[0]} to {labels[-1]}. "
        f"In all {total_asked} asked and {total_unmet} unmet. {per_week}."
    )
    if any(w.referrals_sent for w in weeks):
        text += (f" Referrals: {sum(w.referrals_sent for w in weeks)} sent, "
                 f"{sum(w.referrals_connected for w in weeks)} connected.")
    if len(text) > ALT_TEXT_LIMIT:
        text = text[: ALT_TEXT_LIMIT - 1].rsplit(";", 1)[0] + "…"
    return text


def needs_chart_png(weeks: Sequence[WeekOfNeeds], timezone: str) -> bytes:
    """A PNG bar chart of needs asked and needs unmet for each week."""
    labels = _week_labels(weeks, timezone)
    asked = [w.asked for w in weeks]
    unmet = [w.unmet for w in weeks]
    positions = range(len(weeks))
    width = 0.4

    figure = Figure(figsize=(8, 4), dpi=100)
    axes = figure.subplots()
    axes.bar([p - width / 2 for p in positions], asked, width, label="Needs asked", color="#2b6cb0")
    axes.bar([p + width / 2 for p in positions], unmet, width, label="Needs unmet", color="#dd6b20")
    if any(w.referrals_sent for w in weeks):
        axes.plot(list(positions), [w.referrals_sent for w in weeks], marker="o", color="#2f855a",
                  label="Referrals sent")
        axes.plot(list(positions), [w.referrals_connected for w in weeks], marker="s", linestyle="--",
                  color="#805ad5", label="Referrals connected")
    axes.set_xticks(list(positions), labels)
    axes.set_xlabel("Week starting")
    axes.set_ylabel("Questions")
    axes.set_title(CHART_TITLE, loc="left")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    # Legend beside the title, so it never covers a bar.
    axes.legend(frameon=False, ncol=2, loc="lower right", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
