"""`vcs annotate` (`vcs blame`): each line of a file with the revision that wrote it.

The answer is read from the line origins kept with the history (vcs.repo.origins): one
chain of records, no walk. A repository without them (made by an older vcs) builds
them first, once, under the lock (or in memory when it cannot be written). `-w`
compares lines without their whitespace, which the kept origins do not: it walks the
file's history instead, as git blame does.
"""
from __future__ import annotations

import os
import re

from vcs.errors import BusyError, CorruptError, UsageError
from vcs.model.objects import show
from vcs.records import record
from vcs.repo import origins as originsmod
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve

# line: its number (from 1); rev, id: the revision that wrote it; author, date, tz: that
# commit's; text: the line's bytes with its ending.
AnnotatedLine = record("AnnotatedLine", "line rev id author date tz text")

_SPACE = re.compile(rb"\s+")


def _no_space(line: bytes) -> bytes:
    return _SPACE.sub(b"", line)


def ensure_origins(repo: Repository, progress=None):
    """The repository's line origins, built first where it lacks some: in a transaction
    when the lock can be had, else in memory (a read-only or busy repository)."""
    if originsmod.complete(repo):
        return repo.origins
    from vcs.repo.state import DiskStore
    if repo.at_operation is not None or (isinstance(repo.store, DiskStore) and not os.access(repo.dir, os.W_OK)):
        return originsmod.in_memory(repo, progress)
    try:
        with repo.lock(), repo.transaction("build line origins"):
            originsmod.build(repo, progress)
    except BusyError:  # another writer holds the lock longer than we wait: build them here
        return originsmod.in_memory(repo, progress)
    return repo.origins


def parse_range(text: str | None, total: int) -> tuple[int, int]:
    """-L START,END (1-based, inclusive; END may be +N, a count) as a slice."""
    if text is None:
        return 0, total
    start, sep, end = text.partition(",")
    try:
        first = int(start) if start else 1
        if not sep or not end:
            last = total
        elif end.startswith("+"):
            last = first + int(end[1:]) - 1
        else:
            last = int(end)
    except ValueError:
        raise UsageError(f"-L {text!r} is not START,END", hint="for example: -L 10,20 or -L 10,+5") from None
    if sep and end and not end.startswith("+") and last < first:  # git blame swaps a reversed range
        first, last = last, first
    if first >= 1 and first > total:
        raise UsageError(f"-L {text!r}: the file has only {total} lines")
    if first < 1 or last < first:
        raise UsageError(f"-L {text!r}: lines are counted from 1, and END is not before START")
    return first - 1, min(last, total)


def annotate(repo: Repository, rev_spec: str | None, path_arg: str, first_parent: bool = False,
             ignore_space: bool = False, lines: str | None = None, progress=None) -> list[AnnotatedLine]:
    rev = resolve(repo, rev_spec) if rev_spec is not None else repo.wc_rev()
    if rev is None:
        raise UsageError("there are no revisions to annotate yet", hint="commit first")
    path = repo.relpath(path_arg)
    source = _no_space if ignore_space else ensure_origins(repo, progress)
    try:
        found = originsmod.origins_at(repo, rev, path, first_parent, source)
    except CorruptError as e:
        # The kept origins are derived data: damaged ones (a record or index entry failing
        # its check, a truncated file) are built anew in memory for this answer, not trusted.
        if ignore_space or "origins" not in e.message:
            raise
        repo.warn(f"{e.message}: the line origins kept in .vcs/store/origins.* are damaged, so this "
                  f"answer was built anew in memory; `vcs verify` lists what is damaged")
        found = originsmod.origins_at(repo, rev, path, first_parent, originsmod.in_memory(repo, progress))
    if found is None:
        raise UsageError(f"{show(path)} is not a file in revision {rev}",
                         hint="`vcs log --stat` shows which revisions have it")
    text, revs = found
    start, end = parse_range(lines, len(text))
    commits: dict[int, tuple] = {}
    out = []
    for i in range(start, end):
        r = revs[i]
        meta = commits.get(r)
        if meta is None:
            meta = commits[r] = (repo.commit_info(r).id, *repo.read_author(r))
        out.append(AnnotatedLine(i + 1, r, *meta, text[i]))
    return out
