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


# What stands in the way of a target vcs is known to miss on some workloads: printed
# under the targets table for each FAIL, with the measured gap. A FAIL not listed
# here has no known reason: treat it as a regression.
OBSTACLES = {
    "commit <= 3x git": (
        "a Python process costs 12-18 ms before vcs runs a line, pip's console-script "
        "launcher imports `re` (~6 ms), and vcs fsyncs its records, the state file and the "
        "folder (~5 ms; git does not fsync by default): against git's 7-14 ms on small files"),
    "vcs print oldest/middle/newest within 1.3x": (
        "the newest version replays its chain (bounded by the cost model to eight whole "
        "reads) on top of a ~20 ms process; shorter chains need more whole versions and "
        "would lose the store-size target; on a growing file the newest is also the largest"),
    "diff oldest..newest <= 0.35x hg": (
        "versions far apart differ in many places (1,400 regions in 5,000 lines) and our "
        "histogram diff runs in Python (~35 ms there) on top of a ~20 ms process, where "
        "Mercurial's bdiff is C; on this project's machine the ratio has ranged from 0.30x "
        "to 0.61x between runs"),
    # The latency case (bench_latency.py); README, Performance, "Latency" has the profiles.
    **{what: (
        "start-up: the Python interpreter costs 9-12 ms of CPU before vcs runs a line and "
        "importing vcs's command line and the command's modules 3-7 ms more, where git's whole "
        "command takes 2-7 ms; only a preloaded server with a compiled client would get under it")
       for what in ("status", "diff", "cat ", "commit of one file", "show HEAD^2")},
    "log -n 20": (
        "start-up (see status); on the 2,000-file tree one of the 20 commits changes every "
        "file: parsing it and its chain marks (an index entry a file) costs ~11 ms more"),
    "log -p": (
        "start-up (see status), then the first revisions' versions rebuilt through their "
        "delta chains; the output streams (each revision flushed as it is made)"),
    "log --stat": (
        "the stat rebuilds every changed version through its delta chain (532 replay steps, "
        "44 ms, for click's first 4 revisions) and the parents' listings: the storage model's "
        "trade for its small store"),
    "show HEAD": "4,000 versions rebuilt and 2,000 line diffs in Python, where git's are C",
    **{what: (
        "each file is staged in .vcs/tmp and renamed into place (wholly old or wholly new, "
        "where git unlinks and writes in place); the kernel's cost of that per file, and "
        "rebuilding each version in Python; two writer threads measured slower than one")
       for what in ("checkout", "branch switch", "restore")},
}


def gaps(targets: list[Target]) -> str:
    """For each missed target: the measured gap and what stands in the way."""
    lines = []
    for t in targets:
        if t.result != "FAIL":
            continue
        if t.error or t.measured is None:
            lines.append(f"- {t.case}: {t.what}: the command under test failed ({t.detail or 'see above'})")
            continue
        why = next((text for key, text in OBSTACLES.items() if t.what.startswith(key)),
                   "no known reason: a regression, investigate")
        lines.append(f"- {t.case}: {t.what}: measured {t.measured:.2f} against {t.limit:g} "
                     f"({100 * (t.measured / t.limit - 1):.0f}% over). In the way: {why}.")
    return "\n".join(lines)
