"""Turn results into text for the terminal: the only module that imports rich.

rich is imported only by the functions that draw with it (the stats table and
progress bars), so every other command starts without paying for it. User text
(paths, messages, tags) is printed with control characters escaped, and never
interpreted as markup. Diffs written to a pipe are never wrapped or coloured.
"""
from __future__ import annotations

import sys
import time

from vcs.model.objects import GIT_MODES, format_tz, relative, show
from vcs.cli.terminal import COLOURS, RESET, Out

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Iterable

    from vcs.porcelain.diff import FileDiff
    from vcs.porcelain.log import LogEntry
    from vcs.porcelain.stats import Stats
    from vcs.worktree.scan import Scan


def text(s: str) -> str:
    """User text with control characters escaped (newlines and tabs kept)."""
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() or c in "\n\t" else f"\\x{ord(c):02x}" if ord(c) < 256
                   else f"\\u{ord(c):04x}" for c in s)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def warn(msg: str) -> None:
    sys.stderr.write(f"warning: {msg}\n")


def error(msg: str, hint: str | None) -> None:
    sys.stderr.write(f"error: {msg}\n")
    for line in hint.splitlines() if hint else ():
        sys.stderr.write(f"hint: {line}\n")


# -- commands --------------------------------------------------------------------------

STATUS = (("U", "unresolved"), ("M", "modified"), ("A", "added"), ("R", "removed"), ("!", "missing"), ("?", "untracked"),
          ("I", "ignored"))


def status(out: Out, s: Scan, as_json: bool = False) -> None:
    for code, name in STATUS:
        for p in getattr(s, name):
            if as_json:
                _json_line(out, {"path": _path(p), "status": name})
            else:
                out.line(f"{code} {where(out, p)}")
    for src, dst, score in s.renamed:  # the A and R lines above, paired
        if as_json:
            _json_line(out, {"path": _path(dst), "status": "renamed", "from": _path(src), "similarity": score})
        else:
            out.line(f"rename {where(out, src)} -> {where(out, dst)} ({score}%)")


def where(out: Out, p: bytes) -> str:
    """A path for a person: relative to the current folder, as git's status prints it
    (a folder, `dir/`, keeps its slash: `./` for the current folder itself)."""
    if p.endswith(b"/"):
        return where(out, p[:-1]) + "/"
    return show(relative(p, out.base))


def _path(p: bytes) -> str:
    """A path for JSON: UTF-8, with undecodable bytes as U+DC80..U+DCFF (surrogateescape)."""
    return p.decode("utf-8", "surrogateescape")


def _json_line(out: Out, obj) -> None:
    import json
    out.line(json.dumps(obj, ensure_ascii=True))


def progress(description: str):
    """A transient progress bar on stderr while a long operation runs; silent when stderr
    is not a terminal. Yields a callback progress(done, total)."""
    return _Progress(description)


def _progress_delay() -> float:
    """Seconds before a bar is drawn: VCS_PROGRESS_DELAY, default half a second (a bar
    that flashes for a moment is noise; Mercurial's progress.delay is the same idea)."""
    import os
    try:
        return max(0.0, float(os.environ.get("VCS_PROGRESS_DELAY", "0.5")))
    except ValueError:
        return 0.5


class _Progress:
    def __init__(self, description: str):
        self.description = description
        self.bar = None
        self.task = None
        self.started = time.monotonic()
        self.delay = _progress_delay()

    def __enter__(self):
        return self if sys.stderr.isatty() else None

    def __call__(self, done: int, total: int | None = None) -> None:
        """total None: a count without an end (an import reading a stream)."""
        if self.bar is None:
            # Only what lasts: nothing is drawn before the delay.
            if time.monotonic() - self.started < self.delay or (total is not None and total < 2):
                return
            from rich.progress import Progress
            self.bar = Progress(*self._columns(total), transient=True, console=_console(stderr=True))
            self.bar.start()
            self.task = self.bar.add_task(self.description, total=total)
        self.bar.update(self.task, completed=done, total=total)

    @staticmethod
    def _columns(total: int | None) -> tuple:
        """rich's default bar (percentage, time left) when the end is known; without an
        end a bar only pulses, so show the running count and the time spent instead."""
        if total is not None:
            return ()
        from rich.progress import TextColumn, TimeElapsedColumn
        return TextColumn("{task.description}"), TextColumn("{task.completed:,}"), TimeElapsedColumn()

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def _console(stderr: bool = False):
    from rich.console import Console
    return Console(stderr=stderr, highlight=False, markup=False, emoji=False)


def paths(out: Out, verb: str, items: list[bytes]) -> None:
    for p in items:
        out.line(f"{verb} {where(out, p)}")


def checked_out(out: Out, result) -> None:
    if result.rev is not None:
        out.line(f"at revision {result.rev} ({result.id.hex()[:12]}): {plural(len(result.written), 'file')} "
                 f"written, {len(result.deleted)} deleted")
    if result.kept:
        out.line(f"kept uncommitted changes in {plural(len(result.kept), 'file')}")
    if result.created:
        out.line(f"switched to a new branch {text(result.branch)!r}")
    elif result.branch is not None and result.branch != result.before:
        out.line(f"switched to branch {text(result.branch)!r}")
    elif result.branch is None and result.rev is not None:
        # git's "You are in 'detached HEAD' state", shorter.
        out.line(f"HEAD is detached at revision {result.rev}: a commit made here is on no branch")
        if result.before is not None:
            out.line("  `vcs branch NAME` names this line of work; "
                     f"`vcs checkout {text(result.before)}` goes back")


def committed(out: Out, rev: int, oid: bytes, message: str, changed: int, removed: int,
              detached: bool = False, moves=()) -> None:
    first = message.strip().splitlines()[0] if message.strip() else ""
    parts = [f"{changed} file{'s' * (changed != 1)} changed"]
    if removed:
        parts.append(f"{removed} removed")
    out.line(f"[{rev} {oid.hex()[:12]}{' (no branch)' if detached else ''}] {text(first)}")
    out.line(" " + ", ".join(parts))
    for src, dst, score in moves:
        out.line(f" rename {where(out, src)} -> {where(out, dst)} ({score}%)")


def merged(out: Out, r) -> None:
    """What a merge (cherry-pick, revert) did: vcs.porcelain.merge.MergeResult."""
    if r.kind == "up to date":
        out.line("already up to date")
        return
    if r.kind == "fast-forward":
        out.line(f"fast-forward to revision {r.rev} ({r.id.hex()[:12]}): {plural(len(r.written), 'file')} "
                 f"written, {len(r.deleted)} deleted")
    conflicting = {p for p, _ in r.conflicts}
    for path in r.merged:
        if path not in conflicting:
            out.line(f"merged {where(out, path)}")
    for path, kind in r.conflicts:
        to = r.renamed.get(path)
        moved = (f": {'ours' if kind == 'delete/modify' else 'theirs'} renamed it to {where(out, to)}, "
                 f"which a merge does not follow" if to is not None else "")
        out.line(f"resolved {where(out, path)} as before ({kind})" if path in r.resolved_before
                 else f"conflict ({kind}) in {where(out, path)}{moved}")
    if r.kind == "committed":
        first = r.message.strip().splitlines()[0] if r.message.strip() else ""
        out.line(f"[{r.rev} {r.id.hex()[:12]}] {text(first)}")
        out.line(f" {plural(len(r.written), 'file')} written, {len(r.deleted)} deleted")
    elif r.kind == "staged":
        out.line(f"the {r.op} is in the working tree, not committed: `vcs commit` makes the commit")
    if r.kept:
        out.line(f"kept uncommitted changes in {plural(len(r.kept), 'file')}")


def merging(state) -> None:
    """A note on stderr while a merge is in progress (after `vcs status`)."""
    left = len(state.unresolved)
    todo = (f"{plural(left, 'conflict')} unresolved (`vcs resolve --mark PATH` when fixed)" if left
            else "every conflict resolved: `vcs commit` concludes it")
    sys.stderr.write(f"note: a {state.op} of {text(state.theirs_label)} is in progress: {todo}; "
                     f"`vcs {state.op} --abort` gives it up\n")


def conflicts(out: Out, state, rows, as_json: bool = False) -> None:
    for row in rows:
        if as_json:
            _json_line(out, {"path": _path(row.path), "status": "resolved" if row.resolved else "unresolved",
                             "kind": row.kind})
        else:
            out.line(f"{'R' if row.resolved else 'U'} {where(out, row.path)}")


def date(ts: int, tz: int) -> str:
    """The local time of the author, or the stored seconds for a date past what the
    platform's calendar reaches (any 64-bit date may be imported from git)."""
    try:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts + tz * 60)) + " " + _offset(tz)
    except (OverflowError, OSError, ValueError):
        return f"{ts} {_offset(tz)} (seconds since 1970)"


def _offset(tz: int) -> str:
    """A UTC offset in minutes as git shows it: +0100, -0530."""
    return format_tz(tz).decode()


def log(out: Out, entries: Iterable[LogEntry], oneline: bool = False, stat: bool = False,
        patch: bool = False, context: int = 3, as_json: bool = False, binary: bool = False,
        graph: bool = False) -> None:
    """Revisions as `vcs log` shows them; with `graph`, the lines of history beside them
    (vcs.cli.graph), every line of a revision's text and diff after its graph row."""
    lines_of = None
    if graph and not as_json:
        from vcs.cli.graph import Graph
        lines_of = Graph()
    first = True
    for e in entries:
        if as_json:
            _json_line(out, log_dict(e))
            continue
        text_lines = _log_lines(out, e, oneline, chain_marks=lines_of is None)
        if lines_of is None:
            if not first and not oneline:
                out.line()
            for line in text_lines:
                out.line(line)
            shown = out
        else:
            lines_of.update(e.rev, e.graph_parents or ())
            if not first and not oneline:  # the blank line between revisions, as git draws it
                out.line(lines_of.padding_line())
            row, is_commit = lines_of.next_line()
            while not is_commit:  # an octopus merge widens the gap it needs first
                out.line(row)
                row, is_commit = lines_of.next_line()
            out.line(row + text_lines[0])
            for line in text_lines[1:]:
                out.line(lines_of.next_line()[0] + line)
            while not lines_of.finished:
                out.line(lines_of.next_line()[0])
            shown = _Beside(out, lines_of)
        if e.diffs is not None and (stat or patch):
            if not oneline:
                shown.line()
            if stat:
                diffstat(shown, e.diffs)
            if patch:
                diffs(shown, e.diffs, context, binary)
            # Each revision with its diffs reaches the pager or pipe as it is made, as git
            # flushes after each commit: `| head` ends the command at the next revision.
            out.stdout.flush()
        first = False


def _log_lines(out: Out, e: LogEntry, oneline: bool, chain_marks: bool = True) -> list[str]:
    """One revision's lines of text in `log` (one with --oneline, where `*` marks a chain
    start, unless the graph draws its own `*`)."""
    marks = decoration(e.head, [*e.branches, *e.remotes], e.tags, e.head_branch)  # git's order
    if oneline:
        summary = e.commit.message.strip().splitlines()[0] if e.commit.message.strip() else ""
        new_chain = out.paint(" *", "dim") if e.chain_starts and chain_marks else ""
        return [f"{out.paint(str(e.rev), 'rev')} {e.id.hex()[:12]}{marks}{new_chain} {text(summary)}"]
    lines = [out.paint(f"revision {e.rev} {e.id.hex()[:12]}", "rev") + marks]
    if len(e.commit.parents) > 1:  # as git's: a merge's parents, short
        lines.append("Merge: " + " ".join(p.hex()[:12] for p in e.commit.parents))
    lines += [f"Author: {text(e.commit.author)}", f"Date:   {date(e.commit.date, e.commit.tz)}"]
    if e.chain_starts:
        names = ", ".join(where(out, p) for p in e.chain_starts[:4])
        more = f" and {len(e.chain_starts) - 4} more" if len(e.chain_starts) > 4 else ""
        lines.append(out.paint(f"Whole:  {names}{more} (a chain starts here)", "dim"))
    lines.append("")
    lines += [f"    {text(line)}" for line in e.commit.message.rstrip("\n").split("\n")]
    return lines


class _Beside:
    """Out for a revision's diff under `log --graph`: each line after the graph's row."""

    def __init__(self, out: Out, lines_of):
        self.out, self.lines_of = out, lines_of
        self.color, self.base, self.stdout = out.color, out.base, out.stdout

    def paint(self, text: str, what: str) -> str:
        return self.out.paint(text, what)

    def line(self, text: str = "") -> None:
        self.out.line(self.lines_of.padding_line() + text)

    def raw(self, data: bytes) -> None:
        self.out.raw(b"".join(self.lines_of.padding_line().encode() + line
                              for line in data.splitlines(keepends=True)))


def log_dict(e: LogEntry) -> dict:
    """The JSON schema of a revision (README: Machine-readable output)."""
    d = {"rev": e.rev, "id": e.id.hex(), "parent": e.parents[0] if e.parents else None,
         "parents": [p.hex() for p in e.commit.parents], "author": e.commit.author,
         "date": e.commit.date, "tz": _offset(e.commit.tz), "message": e.commit.message, "tags": e.tags, "head": e.head,
         "chain_starts": [_path(p) for p in e.chain_starts], "branches": list(e.branches)}
    if e.diffs is not None:
        d["files"] = [diffstat_dict(x) for x in e.diffs]
    return d


def diffstat_dict(d: FileDiff) -> dict:
    added, removed, binary = diff_counts(d)
    status = "added" if d.old is None else "removed" if d.new is None else "modified"
    moved = {} if d.source is None else {"status": "renamed" if d.how == "rename" else "copied",
                                         "from": _path(d.source), "similarity": d.similarity}
    return {"path": _path(d.path), "status": status, "added": added, "removed": removed, "binary": binary,
            "old_mode": GIT_MODES[d.old.kind] if d.old else None,
            "new_mode": GIT_MODES[d.new.kind] if d.new else None, **moved}


def diffstat_json(out: Out, ds: list[FileDiff]) -> None:
    for d in ds:
        _json_line(out, diffstat_dict(d))


def diffs(out: Out, ds: list[FileDiff], context: int = 3, binary: bool = False) -> None:
    from vcs.diff.patch import file_patch
    for d in ds:
        data = file_patch(d.source or d.path, d.path, d.old_data if d.old else None, d.new_data if d.new else None,
                          GIT_MODES[d.old.kind] if d.old else None,
                          GIT_MODES[d.new.kind] if d.new else None, context, binary=binary,
                          similarity=d.similarity, copy=d.how == "copy")
        if out.color:
            out.raw(_colour_patch(out, data))
        else:
            out.raw(data)


def _colour_patch(out: Out, data: bytes) -> bytes:
    lines = data.split(b"\n")
    painted = []
    in_header = False
    for line in lines:
        if line.startswith(b"diff --git"):
            in_header = True
        if line.startswith(b"@@"):
            in_header = False
            painted.append(out.paint(line.decode("utf-8", "surrogateescape"), "hunk").encode("utf-8", "surrogateescape"))
        elif line == b"GIT binary patch":  # its base85 lines stay plain, as git's
            in_header = False
            painted.append(line)
        elif in_header:
            painted.append(out.paint(line.decode("utf-8", "surrogateescape"), "head").encode("utf-8", "surrogateescape"))
        elif line.startswith(b"+"):
            painted.append(COLOURS["add"].encode() + line + RESET.encode())
        elif line.startswith(b"-"):
            painted.append(COLOURS["del"].encode() + line + RESET.encode())
        else:
            painted.append(line)
    return b"\n".join(painted)


def diff_counts(d: FileDiff) -> tuple[int, int, bool]:
    from vcs.diff.patch import is_binary, line_counts
    old, new = d.old_data or b"", d.new_data or b""
    if is_binary(old) or is_binary(new):
        return 0, 0, True
    added, removed = line_counts(old, new)
    return added, removed, False


def diffstat(out: Out, ds: list[FileDiff], width: int = 60) -> None:
    rows = []
    for d in ds:
        added, removed, binary = diff_counts(d)
        name = where(out, d.path) if d.source is None else f"{where(out, d.source)} => {where(out, d.path)}"
        rows.append((name, added, removed, binary, d))
    if not rows:
        return
    name_w = max(len(r[0]) for r in rows)
    most = max((r[1] + r[2] for r in rows), default=0)
    bar_w = max(10, width - name_w)
    total_add = total_del = 0
    for name, added, removed, binary, d in rows:
        total_add += added
        total_del += removed
        if binary:
            size_a, size_b = len(d.old_data or b""), len(d.new_data or b"")
            out.line(f" {name.ljust(name_w)} | Bin {size_a} -> {size_b} bytes")
            continue
        n = added + removed
        scale = n if most <= bar_w else max(1 if n else 0, round(n * bar_w / most))
        plus = round(scale * added / n) if n else 0
        bar = out.paint("+" * plus, "add") + out.paint("-" * (scale - plus), "del")
        out.line(f" {name.ljust(name_w)} | {n:>4} {bar}")
    files = len(rows)
    out.line(f" {files} file{'s' * (files != 1)} changed, {total_add} insertion{'s' * (total_add != 1)}(+), "
             f"{total_del} deletion{'s' * (total_del != 1)}(-)")


def name_only(out: Out, ds: list[FileDiff]) -> None:
    for d in ds:
        out.line(where(out, d.path))


def stats(out: Out, s: Stats, as_json: bool = False) -> None:
    if as_json:
        _json_line(out, stats_dict(s))
        return
    if out.stdout.isatty():
        _stats_table(out, s)
    else:
        _stats_text(out, s)


def stats_dict(s: Stats) -> dict:
    return {
        "policy": s.policy, "commits": s.commits,
        "files": [{"path": _path(f.path), "versions": f.versions,
                   "whole": f.whole, "deltas": f.deltas, "longest_chain": f.longest_chain,
                   "current_chain": f.current_chain, "stored_bytes": f.stored, "raw_bytes": f.raw}
                  for f in s.files],
        "totals": {"versions": s.versions, "whole": s.whole, "deltas": s.deltas,
                   "stored_bytes": s.stored, "raw_bytes": s.raw, "listings": s.listings,
                   "listing_bytes": s.listing_bytes, "store_bytes": s.store_bytes,
                   "disk_bytes": s.disk_bytes},
    }


def _ratio(stored: int, raw: int) -> str:
    return f"{100 * stored / raw:.1f}%" if raw else "-"


def _stats_text(out: Out, s: Stats) -> None:
    out.line(f"{'path':<40} {'versions':>8} {'whole':>6} {'deltas':>6} {'longest':>7} {'current':>7} "
             f"{'stored':>10} {'raw':>12} {'ratio':>7}")
    for f in s.files:
        cur = "-" if f.current_chain is None else str(f.current_chain)
        out.line(f"{where(out, f.path):<40} {f.versions:>8} {f.whole:>6} {f.deltas:>6} {f.longest_chain:>7} "
                 f"{cur:>7} {f.stored:>10} {f.raw:>12} {_ratio(f.stored, f.raw):>7}")
    out.line(f"{'total':<40} {s.versions:>8} {s.whole:>6} {s.deltas:>6} {'':>7} {'':>7} "
             f"{s.stored:>10} {s.raw:>12} {_ratio(s.stored, s.raw):>7}")
    out.line(f"policy {s.policy}; {s.commits} commits; {s.listings} tree listings ({s.listing_bytes} bytes); "
             f".vcs/ holds {s.store_bytes} bytes ({s.disk_bytes} on disk)")


def _stats_table(out: Out, s: Stats) -> None:
    from rich.table import Table
    table = Table(title=f"storage: policy {s.policy}, {s.commits} commits", title_justify="left")
    for col in ("path", "versions", "whole", "deltas", "longest chain", "current chain",
                "stored", "raw", "ratio"):
        table.add_column(col, justify="left" if col == "path" else "right")
    for f in s.files:
        table.add_row(where(out, f.path), str(f.versions), str(f.whole), str(f.deltas), str(f.longest_chain),
                      "-" if f.current_chain is None else str(f.current_chain), _size(f.stored),
                      _size(f.raw), _ratio(f.stored, f.raw))
    table.add_section()
    table.add_row("total", str(s.versions), str(s.whole), str(s.deltas), "", "", _size(s.stored),
                  _size(s.raw), _ratio(s.stored, s.raw), style="bold")
    console = _console()
    console.print(table)
    console.print(f"{s.listings} tree listings ({_size(s.listing_bytes)}); .vcs/ holds "
                  f"{_size(s.store_bytes)} ({_size(s.disk_bytes)} on disk)", markup=False)


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def verify(out: Out, result) -> None:
    for p in result.problems:
        where = f" ({p.where})" if p.where else ""
        out.line(f"{p.what} {p.name}{where}: {p.message}")
    verdict = "OK" if result.ok else f"{len(result.problems)} problem{'s' * (len(result.problems) != 1)}"
    out.line(f"checked {result.objects} stored versions and {result.commits} commits: {verdict}")


def tags(out: Out, rows, as_json: bool = False) -> None:
    for name, rev, oid in rows:
        if as_json:
            _json_line(out, {"name": name, "rev": rev, "id": oid.hex()})
        else:
            out.line(f"{text(name):<20} {rev:>6} {oid.hex()[:12]}")


def branches(out: Out, rows, verbose: bool = False, as_json: bool = False, prefix: str = "") -> None:
    """`vcs branch`: `* ` marks the current branch (or a detached HEAD), as git's; a
    remote-tracking branch shows after them (`remotes/origin/main` with -a, as git's)."""
    if as_json:
        for b in rows:
            if b.name is not None:
                _json_line(out, {"name": b.name, "rev": b.rev, "id": b.id.hex(), "current": b.current,
                                 "remote": b.remote})
        return
    names = [(prefix if b.remote else "") + text(b.name) if b.name is not None else f"(HEAD detached at {b.rev})"
             for b in rows]
    width = max(map(len, names), default=0)
    digits = max((len(str(b.rev)) for b in rows), default=0)
    for b, name in zip(rows, names):
        mark = "* " if b.current else "  "
        if not verbose:
            out.line(mark + (out.paint(name, "add") if b.current else name))
            continue
        shown = out.paint(name.ljust(width), "add") if b.current else name.ljust(width)
        out.line(f"{mark}{shown} {out.paint(str(b.rev).rjust(digits), 'rev')} {b.id.hex()[:12]} {text(b.summary)}")


def heads(out: Out, rows, as_json: bool = False) -> None:
    """`vcs heads`: one line per tip, as `log --oneline` shows a revision."""
    for h in rows:
        if as_json:
            _json_line(out, {"rev": h.rev, "id": h.id.hex(), "branches": h.branches, "tags": h.tags,
                             "head": h.current})
            continue
        out.line(f"{out.paint(str(h.rev), 'rev')} {h.id.hex()[:12]}"
                 f"{decoration(h.current, h.branches, h.tags, h.head_branch)} {text(h.summary)}")


def decoration(head: bool, branch_names, tag_names, head_branch: str | None = None) -> str:
    """` (HEAD -> main, feature, tag: v1)`, as git's log decorates a revision."""
    marks = [f"HEAD -> {head_branch}" if head and head_branch in branch_names else "HEAD"] if head else []
    marks += [b for b in branch_names if not (head and b == head_branch)] + [f"tag: {t}" for t in tag_names]
    return f" ({', '.join(text(m) for m in marks)})" if marks else ""


def imported(out: Out, result) -> None:
    """What `vcs import` did."""
    as_revs = "" if result.revisions == result.commits else \
        f" (as {plural(result.revisions, 'revision')}: identical commits are stored once)"
    out.line(f"imported {plural(result.commits, 'commit')}{as_revs} and {plural(len(result.tags), 'tag')}")
    if result.merges:
        out.line(f"kept {plural(result.merges, 'merge')} as {'a merge' if result.merges == 1 else 'merges'} "
                 "(every parent, in git's order)")
    if result.gitlinks:
        out.line(f"skipped {plural(result.gitlinks, 'submodule')}")
    if result.branches:
        out.line("branches: " + ", ".join(f"{text(name)} at revision {rev}"
                                          for name, rev in sorted(result.branches.items())))


def config_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return text(str(value))


def replay(out: Out, r, as_json: bool = False) -> None:
    """`vcs replay`: each step of a rebuild, as a table, or JSON lines."""
    if as_json:
        for s in r.steps:
            _json_line(out, {"step": s.kind, "rev": s.rev, "record": s.record, "stored_bytes": s.stored,
                             "hunks": s.hunks, "lines_added": s.added, "lines_removed": s.removed,
                             "size": s.size, "micros": round(s.micros, 1)})
        _json_line(out, {"step": "check", "id": r.id.hex(), "ok": r.ok, "micros": round(r.check_micros, 1)})
        return
    total = sum(s.micros for s in r.steps) + r.check_micros
    out.line(f"{where(out, r.path)} at revision {r.rev} ({r.id.hex()[:12]}): "
             f"{plural(len(r.steps) - 1, 'delta')} on a whole version")
    for s in r.steps:
        rev = "?" if s.rev is None else str(s.rev)
        if s.kind == "whole":
            what = out.paint("whole", "head") + f"  revision {rev:>6}  {s.stored:>9} bytes stored"
            what += f"  {'':>14}"
        else:
            what = f"delta  revision {rev:>6}  {s.stored:>9} bytes stored  {s.hunks:>4} hunk{'s' * (s.hunks != 1)}"
            what += out.paint(f" +{s.added}", "add") + out.paint(f" -{s.removed}", "del")
        out.line(f"  {what}  -> {s.size} bytes  {s.micros / 1000:.3f} ms")
    verdict = out.paint("ok", "add") if r.ok else out.paint("MISMATCH", "del")
    out.line(f"  check  xxh3-128 {r.id.hex()}  {verdict}  {r.check_micros / 1000:.3f} ms")
    out.line(f"rebuilt in {total / 1000:.2f} ms; reading it whole would take about "
             f"{r.whole_micros / 1000:.2f} ms (the storage policy's estimate)")


def annotate(out: Out, lines, as_json: bool = False) -> None:
    """`vcs annotate`: revision, short id, author's name, date, line number, the line's
    bytes as they are (as `vcs cat` writes them); or JSON lines."""
    if as_json:
        for a in lines:
            _json_line(out, {"line": a.line, "revision": a.rev, "id": a.id.hex(), "author": a.author,
                             "date": a.date, "tz": _offset(a.tz),
                             "text": a.text.decode("utf-8", "surrogateescape")})
        return
    if not lines:
        return
    names = {a.rev: text(a.author.rsplit(" <", 1)[0]) for a in lines}
    wrev = max(len(str(r)) for r in names)
    wname = min(20, max(len(n) for n in names.values()))
    wline = len(str(lines[-1].line))
    chunks = []
    heads: dict[int, str] = {}  # a revision's part of the line, made once
    for a in lines:
        head = heads.get(a.rev)
        if head is None:
            head = heads[a.rev] = (out.paint(f"{a.rev:>{wrev}} {a.id.hex()[:12]}", "rev")
                                   + f" ({names[a.rev][:wname]:<{wname}} {date(a.date, a.tz)[:10]} ")
        body = a.text if a.text.endswith(b"\n") else a.text + b"\n"
        chunks.append(f"{head}{a.line:>{wline}}) ".encode("utf-8", "surrogateescape") + body)
    out.raw(b"".join(chunks))


def moved(out: Out, pairs) -> None:
    """`vcs mv`: each tracked file moved."""
    for src, dst in pairs:
        out.line(f"moved {where(out, src)} -> {where(out, dst)}")
