"""Turning measurements into tables: Markdown whose columns line up in a terminal too.

A measured value is a number, None (not measured: the tool was skipped or does not
apply) or a dict with an "error" key (the command failed; the table says `error`).
A target is a row (case, what, measured ratio, limit) whose result is PASS, FAIL or
n/a when a figure it needs is missing.
"""
from __future__ import annotations

from dataclasses import dataclass


def failed(value) -> bool:
    return isinstance(value, dict) and "error" in value


def number(value) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def ms(value) -> str:
    if failed(value):
        return "error"
    v = number(value)
    if v is None:
        return "-"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def size(value) -> str:
    if failed(value):
        return "error"
    v = number(value)
    if v is None:
        return "-"
    for unit in ("B", "KiB", "MiB"):
        if abs(v) < 1024:
            return f"{v:.0f} {unit}" if unit == "B" else f"{v:.1f} {unit}"
        v /= 1024
    return f"{v:.2f} GiB"


def ratio(ours, theirs) -> float | None:
    a, b = number(ours), number(theirs)
    return a / b if a is not None and b else None


def with_ratio(text: str, ours, theirs) -> str:
    """A peer's cell: its value and vcs's ratio to it (below 1.00: vcs is better)."""
    r = ratio(ours, theirs)
    return text if r is None else f"{text} ({r:.2f}x)"


def table(header: list[str], rows: list[list[str]]) -> str:
    cells = [header] + rows
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(header))]

    def line(row):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule] + [line(r) for r in rows])


@dataclass
class Target:
    case: str
    what: str
    measured: float | None   # the ratio (or value) the limit applies to
    limit: float
    detail: str = ""
    shown: str | None = None  # how to show `measured` when it is not a ratio
    error: bool = False       # the command under test failed: FAIL whatever was measured

    @property
    def result(self) -> str:
        if self.error:
            return "FAIL"
        if self.measured is None:
            return "n/a"
        return "PASS" if self.measured <= self.limit else "FAIL"

    def row(self) -> list[str]:
        shown = self.shown or ("-" if self.measured is None else f"{self.measured:.2f}")
        return [self.case, self.what, shown, f"{self.limit:g}", self.result, self.detail]

    def as_json(self) -> dict:
        return {"case": self.case, "target": self.what, "measured": self.measured,
                "limit": self.limit, "result": self.result, "detail": self.detail}


def targets_table(targets: list[Target]) -> str:
    return table(["case", "target", "measured", "limit", "result", "detail"], [t.row() for t in targets])
