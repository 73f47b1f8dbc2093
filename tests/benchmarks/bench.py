"""The project's benchmark: vcs against git, Mercurial, RCS and Fossil, as users drive them.

    make bench                                   # everything, full sizes (over an hour)
    make bench BENCH_ARGS=--quick                # smaller sizes (about 8 minutes)
    .venv/bin/python tests/benchmarks/bench.py --quick --only click-core,startup

Every tool works in a fresh repository in a temporary folder, with its own HOME and
fixed author settings (no user or system config; hg with HGRCPATH empty), and every
command is one process, timed with perf_counter around subprocess.run. Each version
is written with its own mtime in the past, so no tool can take a changed file for an
unchanged one. A peer that is not installed is skipped with a message; a command
that fails is reported as an error in its cell (with the end of its stderr in the
JSON), never a crash of the whole run; a tool that prints back other bytes than were
committed shows in the "read back" row.

Cases (select with --only):

  click-core, small-edits, growing-log, binary
      histories of one file: every version of click's src/click/core.py; a 5,000-line
      file with 1,000 versions of 1-5 line edits; a log file growing by 20 lines per
      version; a 1 MB binary file with 200 versions of small overwrites. Per tool: the
      median time of one commit (git: add + commit), the store's size (apparent bytes
      and du), the median of 5 prints of the oldest, middle and newest version, the
      median of 5 diffs of the oldest against the newest, and every version (a sample
      of 21 for hg, RCS and Fossil) printed back and compared byte for byte. git is
      measured again after `git gc --aggressive` (column "git gc").
  startup        `vcs --version` against `python -c "import click"` in the same venv,
                 and whether `vcs --version` and `vcs status` import rich.
  diffengine     runs tests/benchmarks/bench_diff.py (the diff engine in process
                 against `git diff --no-index`) and reports what it printed.
  annotate       runs tests/benchmarks/bench_annotate.py (vcs annotate against git blame
                 on click's history: the same commit per line, and the time of each).
  scale-commits  10,000 commits of one line each to a 200-line file: the commit time
                 around the 100th and the last commit, how long printing the newest
                 version takes as history grows, and the same under
                 `vcs init --storage delta` (the literal model, whose reads grow).
  scale-tree     a tree of 10,000 small files: the first commit, `status` with nothing
                 changed, and a one-file commit against the same in a 10-file tree.
  bigfile        a 100 MB text file: commit, commit a few changed lines, check the
                 first version out; the time and peak RSS of each process.
  latency        the everyday commands (status, diff, log -n 20, the first screen of
                 log -p and log --stat, cat at an old revision, show, checkout, branch
                 switch, restore, a one-file commit) on a 2,000-file tree and on click's
                 history, vcs beside git and hg, the tools taking turns run by run; see
                 tests/benchmarks/bench_latency.py. Medians of --latency-reps (7).

Tables show each peer's figure and, in parentheses, vcs's ratio to it (vcs / peer:
below 1.00 vcs is better). The targets of the performance issue get PASS or FAIL,
from ratios measured in the same run. Results go to --json and --markdown.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import Target, failed, ms, number, ratio, size, table, targets_table, with_ratio, gaps  # noqa: E402
from bench_latency import latency  # noqa: E402
from bench_tools import TOOLS, CommandFailed, Git, Tool, Vcs, VcsDelta, clean_env, run  # noqa: E402
from bench_workloads import (Workload, big_text, binary_edits, click_core, digest, edit_lines,  # noqa: E402
                             growing_log, one_line_changes, small_edits, tree_files)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLICK_BUNDLE = ROOT.parent / "shared" / "corpus" / "click.bundle"
BASE_MTIME = 1_600_000_000  # files get distinct mtimes in the past, so no tool trusts a stale stat

FULL = {"click-core": None, "small-edits": 1000, "growing-log": 1000, "binary": 200,
        "scale-commits": 10_000, "scale-tree": 10_000, "bigfile": 100_000_000, "startup": 20}
QUICK = {"click-core": 100, "small-edits": 200, "growing-log": 200, "binary": 50,
         "scale-commits": 1000, "scale-tree": 2000, "bigfile": 20_000_000, "startup": 10}
HISTORY_CASES = ("click-core", "small-edits", "growing-log", "binary")
CASES = HISTORY_CASES + ("startup", "diffengine", "annotate", "scale-commits", "scale-tree", "bigfile",
                         "latency")
COLUMNS = {"vcs": "vcs", "git": "git", "git-gc": "git gc", "hg": "hg", "rcs": "rcs", "fossil": "fossil"}
CHECK_ALL = {"vcs", "git"}  # read back every version (and git after gc); the others a sample of 21
SAMPLE = 21


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Context:
    opts: argparse.Namespace
    sizes: dict
    tools: list[type[Tool]]      # selected and installed, vcs first
    scratch: Path
    results: dict = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    @contextlib.contextmanager
    def repo(self, cls: type[Tool], label: str):
        """A fresh repository of `cls` in its own folder (with its own HOME), removed afterwards."""
        folder = Path(tempfile.mkdtemp(prefix=f"{label}-{cls.name}-", dir=self.scratch))
        (folder / "home").mkdir()
        try:
            yield cls(folder / "work", clean_env(folder / "home"), self.opts.timeout)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def report(self, case: str, text: str) -> None:
        section = f"## {case}\n\n{text}\n"
        self.sections.append(section)
        print(section, flush=True)


# --- measuring helpers ----------------------------------------------------------------------

def attempt(fn: Callable):
    """The figure fn measures, or the error of the command that failed."""
    try:
        return fn()
    except CommandFailed as e:
        return e.as_json()


def median_ms(tool: Tool, argv: list[str], reps: int, expect: bytes | None = None, ok=(0,)) -> float:
    """Median wall time of `reps` runs; with `expect`, each output must have that digest."""
    times = []
    for _ in range(reps):
        result = tool.run(argv, ok=ok)
        if expect is not None and digest(result.stdout) != expect:
            raise CommandFailed(argv, f"printed {len(result.stdout)} bytes that differ from what was committed")
        times.append(result.seconds)
    return round(statistics.median(times) * 1000, 3)


def write(path: Path, data: bytes, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


def sample(n: int, k: int) -> list[int]:
    return list(range(n)) if n <= k else sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


def commit_history(tool: Tool, wl: Workload, after: Callable[[int, list[float]], None] | None = None) -> list[float]:
    """Commit every version of the workload, one commit each; return the commit times."""
    tool.init()
    times: list[float] = []
    step = max(1, wl.count // 10)
    for k, data in enumerate(wl.make()):
        write(tool.work / wl.filename, data, BASE_MTIME + 2 * k)
        times.append(tool.commit(f"version {k}", [wl.filename]).seconds)
        if after:
            after(k, times)
        if (k + 1) % step == 0:
            progress(f"  {tool.name}: {k + 1}/{wl.count} commits, {sum(times):.1f} s")
    return times


def commit_stats(times: list[float]) -> dict:
    tenth = max(1, len(times) // 10)
    return {"median_ms": round(statistics.median(times) * 1000, 3),
            "first_tenth_median_ms": round(statistics.median(times[:tenth]) * 1000, 3),
            "last_tenth_median_ms": round(statistics.median(times[-tenth:]) * 1000, 3),
            "total_s": round(sum(times), 3), "all_ms": [round(t * 1000, 2) for t in times]}


def read_back(tool: Tool, wl: Workload, indices: list[int]) -> dict:
    """Print each of these versions and compare it with what was committed."""
    wrong, first_error = [], None
    for k in indices:
        try:
            if digest(tool.run(tool.cat_argv(k, wl.filename)).stdout) != wl.digests[k]:
                wrong.append(k)
        except CommandFailed as e:
            wrong.append(k)
            first_error = first_error or e.as_json()
    return {"checked": len(indices), "wrong": wrong, "first_error": first_error}


def read_figures(ctx: Context, tool: Tool, wl: Workload, check_all: bool) -> dict:
    """Store size; print times of the oldest, middle and newest version, the diff; the read-back."""
    n, reps = wl.count, ctx.opts.reps
    store = tool.store()
    out = {"store_bytes": store["bytes"], "store_du": store["du"], "store_files": store["files"]}
    for where, k in (("oldest", 0), ("middle", (n - 1) // 2), ("newest", n - 1)):
        out[f"cat_{where}_ms"] = attempt(lambda: median_ms(tool, tool.cat_argv(k, wl.filename), reps, wl.digests[k]))
    out["diff_ms"] = attempt(lambda: median_ms(tool, tool.diff_argv(0, n - 1), reps, ok=tool.diff_ok))
    out["read_back"] = read_back(tool, wl, list(range(n)) if check_all else sample(n, SAMPLE))
    return out


# --- the cases ------------------------------------------------------------------------------

def history_case(ctx: Context, wl: Workload | None, name: str) -> None:
    """One file's history through every tool: commit, size, print, diff, read back."""
    if wl is None:
        ctx.report(name, f"skipped: the click corpus ({CLICK_BUNDLE}) or git is missing")
        progress(f"{name}: skipped, no click corpus")
        ctx.results[name] = {"skipped": "corpus or git missing"}
        return
    rows: dict[str, dict] = {}
    for cls in ctx.tools:
        progress(f"{wl.name}: {cls.name}, {wl.count} versions")
        with ctx.repo(cls, wl.name) as tool:
            try:
                times = commit_history(tool, wl)
            except CommandFailed as e:
                rows[cls.name] = {**e.as_json(), "committed": tool.commits}
                continue
            rows[cls.name] = {"commit_ms": commit_stats(times)["median_ms"], "commit": commit_stats(times),
                              **read_figures(ctx, tool, wl, cls.name in CHECK_ALL)}
            if isinstance(tool, Git):
                gc = attempt(tool.gc_aggressive)
                rows["git-gc"] = gc if failed(gc) else {"gc_s": round(gc, 3),
                                                        **read_figures(ctx, tool, wl, check_all=True)}
    ctx.results[name] = {"workload": wl.describe(), "tools": rows}
    d = wl.describe()
    text = (f"{d['title']}; `{d['file']}`, {size(d['first_bytes'])} to {size(d['last_bytes'])}.\n\n"
            f"{history_table(rows)}\n{error_notes(rows)}\n")
    targets = history_targets(name, rows)
    ctx.targets += targets
    ctx.report(name, text + targets_table(targets))


def error_notes(rows: dict[str, dict]) -> str:
    """A line per failed command in these rows (the command and the last line it printed)
    and per wrong read-back."""
    notes = []
    for name, row in rows.items():
        for what, value in [("", row), *row.items()]:
            if isinstance(value, dict) and value.get("wrong"):  # a read-back
                shown = ", ".join(map(str, value["wrong"][:10])) + (" ..." if len(value["wrong"]) > 10 else "")
                notes.append(f"- {name}: printed other bytes than were committed for versions {shown}")
            if failed(value):
                said = [line for line in value.get("stderr_tail", "").splitlines() if line.strip()]
                at = f" (after {row['committed']} commits)" if "committed" in value else ""
                notes.append(f"- {name}{' ' + what if what else ''}: {value['error']}{at}"
                             + (f": {said[-1].strip()}" if said else ""))
    return "\nErrors:\n\n" + "\n".join(notes) + "\n" if notes else ""


def history_table(rows: dict[str, dict]) -> str:
    names = [n for n in COLUMNS if n in rows]
    ours = rows.get("vcs", {})
    lines = [("commit, median ms", "commit_ms", ms), ("store, bytes", "store_bytes", size),
             ("store, du", "store_du", size), ("print oldest, ms", "cat_oldest_ms", ms),
             ("print middle, ms", "cat_middle_ms", ms), ("print newest, ms", "cat_newest_ms", ms),
             ("diff oldest..newest, ms", "diff_ms", ms)]
    body = []
    for label, key, fmt in lines:
        cells = [label]
        for n in names:
            row = rows[n]
            if failed(row):
                cells.append("error")
            elif n == "vcs" or failed(ours):
                cells.append(fmt(row.get(key)))
            else:
                cells.append(with_ratio(fmt(row.get(key)), ours.get(key), row.get(key)))
        body.append(cells)
    checks = ["read back"]
    for n in names:
        rb = rows[n].get("read_back")
        checks.append("error" if failed(rows[n]) or not rb else
                      f"{rb['checked'] - len(rb['wrong'])}/{rb['checked']} ok")
    body.append(checks)
    return table(["", *(COLUMNS[n] for n in names)], body)


def history_targets(case: str, rows: dict[str, dict]) -> list[Target]:
    ours, hg, git = rows.get("vcs", {}), rows.get("hg", {}), rows.get("git", {})
    if failed(ours):
        return [Target(case, "vcs committed every version", None, 0, ours["error"][:60], shown="error", error=True)]
    prints = [("oldest", "cat_oldest_ms"), ("middle", "cat_middle_ms"), ("newest", "cat_newest_ms")]
    worst = max(((ratio(ours.get(k), hg.get(k)), w) for w, k in prints if ratio(ours.get(k), hg.get(k))),
                default=(None, ""))
    own = [number(ours.get(k)) for _w, k in prints]
    spread = max(own) / min(own) if all(own) else None
    print_failed = any(failed(ours.get(k)) for _w, k in prints)  # a vcs print failed: FAIL, not n/a
    targets = [
        Target(case, "commit <= 0.35x hg", ratio(ours.get("commit_ms"), hg.get("commit_ms")), 0.35),
        Target(case, "commit <= 3x git (add+commit)", ratio(ours.get("commit_ms"), git.get("commit_ms")), 3),
        Target(case, "print any version <= 0.35x hg", worst[0], 0.35, f"worst: {worst[1]}" if worst[1] else "",
               error=print_failed),
        Target(case, "vcs print oldest/middle/newest within 1.3x", spread, 1.3, error=print_failed),
        Target(case, "diff oldest..newest <= 0.35x hg", ratio(ours.get("diff_ms"), hg.get("diff_ms")), 0.35,
               error=failed(ours.get("diff_ms"))),
    ]
    for key, what in (("store_bytes", "store bytes"), ("store_du", "store du")):
        peers = [(number(rows[n].get(key)), n) for n in ("git-gc", "hg", "rcs") if n in rows]
        peers = [(v, n) for v, n in peers if v]
        best = min(peers, default=(None, ""))
        targets.append(Target(case, f"{what} <= smallest of git gc, hg, rcs", ratio(ours.get(key), best[0]),
                              1.0, f"smallest: {COLUMNS.get(best[1], '-')}" if best[1] else ""))
    bad = [n for n, r in rows.items() if not failed(r) and r.get("read_back", {}).get("wrong")]
    targets.append(Target(case, "every version read back byte-identical (all tools)", float(len(bad)), 0,
                          "wrong: " + ", ".join(bad) if bad else "",
                          shown=f"{len(bad)} tool{'s' * (len(bad) != 1)} wrong"))
    return targets


RICH_PROBE = """\
import sys
sys.argv = ["vcs", *sys.argv[1:]]
from vcs.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nbench-probe rich=%d\\n" % ("rich" in sys.modules))
"""


def startup_case(ctx: Context) -> None:
    """Start-up: the cost every command pays, and whether the cheap commands load rich."""
    vcs = Path(Vcs.program)
    python = str(vcs.parent / "python")
    reps = ctx.sizes["startup"]
    with ctx.repo(Vcs, "startup") as tool:
        tool.init()
        for i in range(3):
            write(tool.work / f"file{i}.txt", f"file {i}\n".encode(), BASE_MTIME)
        tool.commit("three files", [])
        commands = [("python -c pass", [python, "-c", "pass"]),
                    ("python -c 'import click'", [python, "-c", "import click"]),
                    ("vcs --version", [str(vcs), "--version"]),
                    ("vcs status (3 files)", [str(vcs), "status"])]
        commands += [(" ".join(c.version_argv), c.version_argv)
                     for c in ctx.tools if c.name in ("git", "hg", "fossil")]
        figures = {}
        for label, argv in commands:
            tool.run(argv, ok=None)  # warm the page cache
            figures[label] = attempt(lambda: median_ms(tool, argv, reps))
        rich = {}
        for args in (["--version"], ["status"]):
            result = attempt(lambda: tool.run([python, "-c", RICH_PROBE, *args], ok=None))
            found = None if failed(result) else re.search(rb"bench-probe rich=([01])", result.stderr)
            rich[" ".join(args)] = found.group(1) == b"1" if found else None
    ctx.results["startup"] = {"median_ms": figures, "imports_rich": rich, "runs": reps}
    rows = [[label, ms(v)] for label, v in figures.items()]
    rows += [[f"vcs {a}: imports rich?", "-" if v is None else ("yes" if v else "no")] for a, v in rich.items()]
    targets = [Target("startup", "vcs --version <= 1.3x python -c 'import click'",
                      ratio(figures["vcs --version"], figures["python -c 'import click'"]), 1.3)]
    for args, imported in rich.items():
        targets.append(Target("startup", f"vcs {args} does not import rich",
                              None if imported is None else float(imported), 0,
                              shown={None: "-", True: "imports rich", False: "no rich"}[imported]))
    ctx.targets += targets
    ctx.report("startup", f"Median of {reps} runs, one process each (after one warm-up run).\n\n"
               + table(["command", "median ms"], rows) + "\n\n" + targets_table(targets))


def diffengine_case(ctx: Context, case: str = "diffengine", name: str = "bench_diff.py") -> None:
    """A benchmark of its own (the diff engine's, annotate's), run and reported as it prints."""
    script = HERE / name
    if not script.exists():
        ctx.report(case, f"skipped: tests/benchmarks/{name} is not there")
        return
    python = str(Path(Vcs.program).parent / "python")
    result = attempt(lambda: run([python, str(script)], ROOT, dict(os.environ), timeout=ctx.opts.timeout * 3))
    if failed(result):
        ctx.results[case] = result
        ctx.report(case, f"error: {result['error']}\n\n```\n{result['stderr_tail']}\n```")
        return
    printed = result.stdout.decode("utf-8", "replace").rstrip()
    ctx.results[case] = {"seconds": round(result.seconds, 2), "printed": printed.splitlines()}
    ctx.report(case, f"`{name}` printed (in {result.seconds:.1f} s):\n\n```\n{printed}\n```")


def annotate_case(ctx: Context) -> None:
    diffengine_case(ctx, "annotate", "bench_annotate.py")


DELTA_COMMITS = 2000


def scale_commits_case(ctx: Context) -> None:
    """Many commits of one file: does a commit or a print get slower as history grows?"""
    full = one_line_changes(ctx.sizes["scale-commits"])
    n = full.count
    # The delta policy replays the whole chain on every commit and read: its cost grows
    # with history by design, so 10,000 commits would take most of an hour. Its growth
    # shows as well over the first DELTA_COMMITS.
    short = one_line_changes(min(n, DELTA_COMMITS))
    checkpoints = sorted({c for c in (100, 1000, DELTA_COMMITS, 3000, n) if c <= n})
    classes: list[type[Tool]] = [Vcs, VcsDelta]
    if ctx.opts.peers_scale:
        classes += [c for c in ctx.tools if c.name in ("git", "hg")]
    rows: dict[str, dict] = {}
    for cls in classes:
        wl = short if cls is VcsDelta else full
        progress(f"scale-commits: {cls.name}, {wl.count} commits")
        with ctx.repo(cls, "scale-commits") as tool:
            newest: dict[int, object] = {}

            def at_checkpoint(k: int, _times: list[float]) -> None:
                if k + 1 in checkpoints:
                    newest[k + 1] = attempt(lambda: median_ms(tool, tool.cat_argv(k, wl.filename),
                                                              ctx.opts.reps, wl.digests[k]))
            try:
                times = commit_history(tool, wl, at_checkpoint)
            except CommandFailed as e:
                rows[cls.name] = {**e.as_json(), "committed": tool.commits}
                continue
            figures = read_figures(ctx, tool, wl, check_all=False)  # 10,000 prints would take long
            rows[cls.name] = {"commits": wl.count,
                              "commit_at_100_ms": round(statistics.median(times[95:105]) * 1000, 3),
                              "commit_at_last_ms": round(statistics.median(times[-10:]) * 1000, 3),
                              "cat_newest_by_commits_ms": newest, "commit": commit_stats(times), **figures}
    ctx.results["scale-commits"] = {"commits": n, "tools": rows}
    header = ["tool", "commits", "commit ms @100", "commit ms @last", "print oldest", "print middle",
              "print newest", "store", "du", "read back"]
    body = []
    for name, row in rows.items():
        if failed(row):
            body.append([name, "error"] + [""] * (len(header) - 2))
            continue
        rb = row["read_back"]
        body.append([name, str(row["commits"]), ms(row["commit_at_100_ms"]), ms(row["commit_at_last_ms"]),
                     ms(row["cat_oldest_ms"]), ms(row["cat_middle_ms"]), ms(row["cat_newest_ms"]),
                     size(row["store_bytes"]), size(row["store_du"]),
                     f"{rb['checked'] - len(rb['wrong'])}/{rb['checked']} ok"])
    growth = [[name] + [ms(row["cat_newest_by_commits_ms"].get(c)) for c in checkpoints]
              for name, row in rows.items() if not failed(row)]
    ours = rows.get("vcs", {})
    own = [number(ours.get(k)) for k in ("cat_oldest_ms", "cat_middle_ms", "cat_newest_ms")]
    first, last = number(ours.get("commit_at_100_ms")), number(ours.get("commit_at_last_ms"))
    targets = [Target("scale-commits", f"vcs commit {n} within 1.2x the time of commit 100",
                      last / first if first and last else None, 1.2, error=failed(ours)),
               Target("scale-commits", f"vcs print oldest/middle/newest within 1.3x ({n} commits)",
                      max(own) / min(own) if all(own) else None, 1.3, error=failed(ours))]
    ctx.targets += targets
    growth_table = table(["tool", *(f"after {c} commits" for c in checkpoints)], growth)
    ctx.report("scale-commits",
               f"{wl.title}. Commit times are medians of the 10 commits around the 100th and of the last 10; "
               f"prints are medians of {ctx.opts.reps} runs. vcs-delta is `vcs init --storage delta`.\n\n"
               + table(header, body) + "\n" + error_notes(rows)
               + "\nPrinting the newest version as history grows (median ms):\n\n" + growth_table
               + "\n\n" + targets_table(targets))


def one_file_commits(tool: Tool, paths: list[str], count: int) -> tuple[float, float]:
    """Change one file and commit, `count` times: median ms, mean store growth in bytes."""
    before = tool.store()["bytes"]
    times = []
    for i in range(count):
        path = tool.work / paths[(i * 7919) % len(paths)]
        write(path, path.read_bytes() + f"# changed {i}\n".encode(), BASE_MTIME + 10_000 + i)
        times.append(tool.commit(f"change {i}", [str(path.relative_to(tool.work))]).seconds)
    return round(statistics.median(times) * 1000, 3), (tool.store()["bytes"] - before) / count


def scale_tree_case(ctx: Context) -> None:
    """A big tree: first commit, status with nothing changed, a one-file commit."""
    big, small = tree_files(ctx.sizes["scale-tree"]), tree_files(10, folders=2)
    reps = ctx.opts.reps
    rows: dict[str, dict] = {}
    for cls in ctx.tools:
        if not cls.commits_trees:
            progress(f"scale-tree: skipping {cls.name}: it versions files one by one, not trees")
            continue
        progress(f"scale-tree: {cls.name}, {len(big)} files")
        row: dict = {}
        with ctx.repo(cls, "scale-tree") as tool:
            try:
                tool.init()
                for path, data in big.items():
                    write(tool.work / path, data, BASE_MTIME)
                row["first_commit_s"] = round(tool.commit("import", list(big)).seconds, 3)
                row["store_bytes"] = tool.store()["bytes"]
                row["status_first_ms"] = round(tool.run(tool.status_argv()).seconds * 1000, 3)
                row["status_ms"] = median_ms(tool, tool.status_argv(), reps)
                row["one_file_commit_ms"], row["one_file_growth_bytes"] = one_file_commits(tool, list(big), reps)
            except CommandFailed as e:
                row.update(e.as_json())
        with ctx.repo(cls, "small-tree") as tool:
            def small_tree():
                tool.init()
                for path, data in small.items():
                    write(tool.work / path, data, BASE_MTIME)
                tool.commit("import", list(small))
                return one_file_commits(tool, list(small), reps)[0]
            row["small_tree_one_file_commit_ms"] = attempt(small_tree)
        rows[cls.name] = row
    ctx.results["scale-tree"] = {"files": len(big), "tools": rows}
    names = list(rows)
    ours = rows.get("vcs", {})
    lines = [(f"first commit of {len(big)} files, s", "first_commit_s", ms),
             ("store after it", "store_bytes", size),
             ("status, first after the commit, ms", "status_first_ms", ms),
             ("status, nothing changed, ms", "status_ms", ms),
             (f"one-file commit, {len(big)}-file tree, ms", "one_file_commit_ms", ms),
             ("one-file commit, 10-file tree, ms", "small_tree_one_file_commit_ms", ms),
             ("store growth per one-file commit", "one_file_growth_bytes", size)]
    body = []
    for label, key, fmt in lines:
        cells = [label]
        for n in names:
            value = rows[n].get(key, rows[n] if failed(rows[n]) else None)
            cells.append(fmt(value) if n == "vcs" else with_ratio(fmt(value), ours.get(key), value))
        body.append(cells)
    hg = rows.get("hg", {})
    targets = [Target("scale-tree", "status (nothing changed) <= 0.5x hg",
                      ratio(ours.get("status_ms"), hg.get("status_ms")), 0.5)]
    ctx.targets += targets
    ctx.report("scale-tree", f"{len(big)} files of 3-30 lines in 100 folders; status and one-file commits: "
               f"median of {reps}.\n\n" + table(["", *names], body) + "\n" + error_notes(rows) + "\n"
               + targets_table(targets))


def bigfile_case(ctx: Context) -> None:
    """One big text file: time and peak memory of commit, commit of an edit, checkout."""
    nbytes = ctx.sizes["bigfile"]
    first = big_text(nbytes)
    second = edit_lines(first)
    rows: dict[str, dict] = {}
    for cls in ctx.tools:
        progress(f"bigfile: {cls.name}, {len(first) / 1e6:.0f} MB")
        steps: dict[str, object] = {}
        with ctx.repo(cls, "bigfile") as tool:
            try:
                tool.init()
            except CommandFailed as e:
                rows[cls.name] = {"checkout_correct": False, "store_bytes": None, "steps": {"init": e.as_json()}}
                continue
            write(tool.work / "big.txt", first, BASE_MTIME)
            steps["commit"] = attempt(lambda: tool.commit("whole", ["big.txt"], measure_rss=True))
            write(tool.work / "big.txt", second, BASE_MTIME + 2)
            steps["commit 5 changed lines"] = attempt(lambda: tool.commit("edit", ["big.txt"], measure_rss=True))
            steps["checkout 0"] = attempt(lambda: tool.run(tool.checkout_argv(0), measure_rss=True))
            path = tool.work / "big.txt"
            same = path.exists() and digest(path.read_bytes()) == digest(first)
            store = tool.store()
        rows[cls.name] = {"checkout_correct": same, "store_bytes": store["bytes"], "steps": {
            step: r if failed(r) else {"seconds": round(r.seconds, 3), "peak_rss_kib": r.peak_rss_kib}
            for step, r in steps.items()}}
    ctx.results["bigfile"] = {"file_bytes": len(first), "tools": rows}
    body, targets = [], []
    for name, row in rows.items():
        for step, r in row["steps"].items():
            if failed(r):
                body.append([name, step, "error", "", ""])
                if name == "vcs":
                    targets.append(Target("bigfile", f"vcs {step}: peak RSS <= 4x file size", None, 4, error=True))
                continue
            rss = r["peak_rss_kib"] * 1024 if r["peak_rss_kib"] else None
            body.append([name, step, f"{r['seconds']:.2f}", size(rss),
                         "-" if rss is None else f"{rss / len(first):.2f}"])
            if name == "vcs":
                targets.append(Target("bigfile", f"vcs {step}: peak RSS <= 4x file size",
                                      rss / len(first) if rss else None, 4))
        body.append([name, "checkout 0 gives the first version back", "yes" if row["checkout_correct"] else "NO",
                     f"store {size(row['store_bytes'])}", ""])
        if name == "vcs":
            targets.append(Target("bigfile", "vcs checkout 0 gives the first version back",
                                  float(not row["checkout_correct"]), 0,
                                  shown="yes" if row["checkout_correct"] else "no"))
    ctx.targets += targets
    ctx.report("bigfile", f"A {size(len(first))} text file; the edit replaces 5 lines spread over it. "
               "Peak RSS of each process (git: the larger of add and commit).\n\n"
               + table(["tool", "step", "seconds", "peak RSS", "RSS / file size"], body) + "\n"
               + error_notes({name: row["steps"] for name, row in rows.items()}) + "\n" + targets_table(targets))


def latency_case(ctx: Context) -> None:
    """Everyday commands, vcs beside git and hg (bench_latency.py): their medians and ratios."""
    programs = {"vcs": Vcs.program, **{c.name: c.exe for c in ctx.tools if c.name in ("git", "hg")}}
    results, text = latency(ctx.scratch, programs, clean_env, CLICK_BUNDLE, ctx.opts.latency_reps,
                            ctx.opts.timeout, progress)
    ctx.results["latency"] = results
    targets = [Target(f"latency {name}", f"{label} <= 2x git", ratio(row.get("vcs"), row.get("git")), 2,
                      error=failed(row.get("vcs")))
               for name, result in results.items() if "rows" in result for label, row in result["rows"].items()]
    ctx.targets += targets
    ctx.report("latency", text + "\n" + targets_table(targets))


# --- the run --------------------------------------------------------------------------------

def run_case(ctx: Context, case: str) -> None:
    scratch = ctx.scratch
    if case == "click-core":
        history_case(ctx, click_core(CLICK_BUNDLE, ctx.sizes[case], scratch), case)
    elif case == "small-edits":
        history_case(ctx, small_edits(ctx.sizes[case]), case)
    elif case == "growing-log":
        history_case(ctx, growing_log(ctx.sizes[case]), case)
    elif case == "binary":
        history_case(ctx, binary_edits(ctx.sizes[case]), case)
    else:
        {"startup": startup_case, "diffengine": diffengine_case, "annotate": annotate_case,
         "scale-commits": scale_commits_case, "scale-tree": scale_tree_case, "bigfile": bigfile_case,
         "latency": latency_case}[case](ctx)


def machine(tools: list[type[Tool]]) -> dict:
    model = "?"
    with contextlib.suppress(OSError):
        model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                      if line.startswith("model name")), "?")
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": platform.machine(), "cpus": os.cpu_count(), "cpu_model": model,
            "python": platform.python_version(), "os": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "tools": {c.name: c.version() for c in tools}}


def header(info: dict, opts: argparse.Namespace, cases: list[str]) -> str:
    tools = "; ".join(f"{name}: {v}" for name, v in info["tools"].items())
    return (f"# vcs benchmark ({'quick' if opts.quick else 'full'})\n\n"
            f"{info['date']}; {info['machine']}, {info['cpus']} CPUs ({info['cpu_model']}); "
            f"Python {info['python']}; load average at start {info['load_average'][0]}.\n\n"
            f"Tools: {tools}.\n\nCases: {', '.join(cases)}. Times are wall-clock medians, one process "
            "per command. In parentheses: vcs / peer (below 1.00 vcs is better). "
            "git gc = git after `git gc --aggressive`.\n")


def write_outputs(ctx: Context, info: dict, top: str, done: bool) -> str:
    summary = "## Targets\n\n" + targets_table(ctx.targets) + "\n" if ctx.targets else ""
    missed = gaps(ctx.targets)
    if missed:
        summary += "\nMissed targets, their gap and what stands in the way:\n\n" + missed + "\n"
    markdown = top + "\n" + "\n".join(ctx.sections) + ("\n" + summary if done else "")
    data = {"machine": info, "options": {k: str(v) for k, v in vars(ctx.opts).items()}, "sizes": ctx.sizes,
            "complete": done, "cases": ctx.results, "targets": [t.as_json() for t in ctx.targets]}
    for path, text in ((ctx.opts.json, json.dumps(data, indent=1, default=str) + "\n"), (ctx.opts.markdown, markdown)):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text)
    return summary


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller sizes: the whole run takes minutes")
    ap.add_argument("--only", metavar="CASES", help=f"comma list of cases: {', '.join(CASES)}")
    ap.add_argument("--tools", default="git,hg,rcs,fossil,vcs", help="comma list (default: all five)")
    ap.add_argument("--json", default="bench-results/bench.json", metavar="PATH")
    ap.add_argument("--markdown", default="bench-results/bench.md", metavar="PATH")
    ap.add_argument("--reps", type=int, default=5, help="runs per timed read (median; default 5)")
    ap.add_argument("--latency-reps", type=int, default=7, help="runs per command of the latency case (default 7)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per command (default 600)")
    ap.add_argument("--peers-scale", action="store_true", help="run git and hg in scale-commits too")
    ap.add_argument("--vcs", type=Path, default=ROOT / ".venv" / "bin" / "vcs",
                    help="the vcs program (default: the project's .venv/bin/vcs)")
    opts = ap.parse_args(argv)
    opts.cases = [c.strip() for c in opts.only.split(",")] if opts.only else list(CASES)
    for c in opts.cases:
        if c not in CASES:
            ap.error(f"unknown case {c!r} (known: {', '.join(CASES)})")
    opts.tool_names = [t.strip() for t in opts.tools.split(",") if t.strip()]
    for t in opts.tool_names:
        if t not in TOOLS:
            ap.error(f"unknown tool {t!r} (known: {', '.join(TOOLS)})")
    if opts.reps < 1:
        ap.error("--reps must be at least 1")
    return opts


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    Vcs.program = VcsDelta.program = str(opts.vcs.absolute())
    if not Vcs.available():
        print(f"bench: {opts.vcs} is not there; `make bench` installs it", file=sys.stderr)
        return 2
    tools = []
    for name in ["vcs"] + [t for t in opts.tool_names if t != "vcs"]:  # vcs always, first
        if TOOLS[name].available():
            tools.append(TOOLS[name])
        else:
            print(f"bench: skipping {name}: {TOOLS[name].exe} not found on PATH", file=sys.stderr)
    info = machine(tools)
    top = header(info, opts, opts.cases)
    print(top, flush=True)
    with tempfile.TemporaryDirectory(prefix="vcs-bench-") as scratch:
        ctx = Context(opts, QUICK if opts.quick else FULL, tools, Path(scratch))
        for case in opts.cases:
            progress(f"case {case}")
            started = time.perf_counter()
            try:
                run_case(ctx, case)
            except Exception as e:  # a bug in one case must not lose the others' results
                traceback.print_exc()
                ctx.results[case] = {"error": f"{e.__class__.__name__}: {e}", "traceback": traceback.format_exc()}
                ctx.report(case, f"error: the case stopped: {e.__class__.__name__}: {e}")
            progress(f"case {case} done in {time.perf_counter() - started:.0f} s")
            write_outputs(ctx, info, top, done=False)
    print(write_outputs(ctx, info, top, done=True), flush=True)
    print(f"wrote {opts.json} and {opts.markdown}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
