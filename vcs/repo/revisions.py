"""Revision syntax: numbers, id prefixes, HEAD/@, names, and parent steps, as git's.

    0, 1, 2 ...     revisions in the order they were committed
    -1, -2 ...      counted back from the newest (-1 is the newest)
    a1b2c3          a unique prefix (4+ hex digits) of a commit id, or of the git id of
                    a commit that came from or went to a git remote (.vcs/git/map)
    HEAD, @         the checked-out revision
    NAME            a branch, a tag or a remote-tracking branch (in that order)
    REV~N           the Nth first-parent ancestor of REV (REV~ is REV~1)
    REV^N           the Nth parent of REV (REV^ is REV^1, REV^0 REV itself)
                    steps combine left to right: HEAD~2^2~1

Ranges (`A..B`, `^A`) are sets of revisions, not one: `vcs log` reads them
(vcs.porcelain.log).
"""
from __future__ import annotations

import os

from vcs.errors import UsageError
from vcs.repo.repository import Repository
from vcs.storage import gitmap

_HEXDIGITS = frozenset("0123456789abcdefABCDEF")


def _is_hex(spec: str, longest: int = 32) -> bool:
    return 4 <= len(spec) <= longest and all(c in _HEXDIGITS for c in spec)


def git_map_path(repo: Repository) -> str:
    return repo.path("git", "map")


def _git_hits(repo: Repository, prefix: str) -> set[int]:
    """The revisions whose git id (.vcs/git/map) starts with `prefix`; only commits the
    store has count (see vcs.storage.gitmap)."""
    path = git_map_path(repo)
    if not os.path.exists(path):
        return set()
    found = repo.changelog.find
    hits = set()
    for git_id, vcs_id in gitmap.read(path).to_vcs.items():
        if git_id.hex().startswith(prefix):
            rev = found(vcs_id)
            if rev is not None:
                hits.add(rev)
    return hits


def _is_number(spec: str) -> bool:
    digits = spec[1:] if spec.startswith("-") else spec
    return digits.isascii() and digits.isdigit()


# More digits than any count of revisions or ancestors has: such a number is out of
# range, known without int(), which refuses numbers of more than 4,300 digits.
_MAX_DIGITS = 18


def _number(digits: str, too_many: int) -> int:
    """A revision number or a count of steps; one too long for any history (past
    _MAX_DIGITS) is `too_many`, which is out of range."""
    return int(digits) if len(digits.lstrip("-")) <= _MAX_DIGITS else too_many


def _clip(spec: str, n: int = 40) -> str:
    return spec if len(spec) <= n else spec[:n] + "..."


def _suffixes(spec: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(the base, its `~N` and `^N` steps in order) for `HEAD~2^2~1`, or None when the
    spec has none or they do not parse (then it is a name, which cannot hold ~ or ^)."""
    at = min((i for i in (spec.find("~"), spec.find("^")) if i >= 0), default=-1)
    if at <= 0:
        return None
    steps, i = [], at
    while i < len(spec):
        kind = spec[i]
        if kind not in "~^":
            return None
        j = i + 1
        while j < len(spec) and spec[j].isascii() and spec[j].isdigit():
            j += 1
        steps.append((kind, spec[i + 1:j]))
        i = j
    return spec[:at], steps


def resolve(repo: Repository, spec: str) -> int:
    """The revision number `spec` names, or a UsageError that says why not."""
    spec = spec.strip()
    parsed = _suffixes(spec)
    if parsed is not None:
        base, steps = parsed
        return _walk(repo, spec, base, resolve(repo, base), steps)
    count = len(repo)
    if spec in ("HEAD", "@"):
        head = repo.head_rev()
        if head is None:
            raise UsageError("there are no commits yet", hint="make one with `vcs commit`")
        return head
    view = repo.state.view
    for refs in (view.branches, view.tags, view.remotes):
        if spec in refs:
            return repo.rev_of(refs[spec])
    tags = view.tags
    if _is_number(spec):
        n = _number(spec, count + 1)
        rev = n + count if n < 0 else n
        if 0 <= rev < count:  # a number in range is a number, as in Mercurial
            return rev
        if not _is_hex(spec, 40):
            raise UsageError(f"revision {_clip(spec)} does not exist",
                             hint=f"revisions go from 0 to {count - 1}" if count else "there are no commits yet")
    if _is_hex(spec, 40):
        prefix = spec.lower()
        hits = {n for oid, n in repo.commit_ids().items() if oid.hex().startswith(prefix)} if _is_hex(spec) \
            else set()
        hits = sorted(hits | _git_hits(repo, prefix))
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            ids = ", ".join(repo.commit_info(n).id.hex()[:12] for n in sorted(hits)[:5])
            raise UsageError(f"revision {spec!r} is ambiguous: it matches {ids}",
                             hint="give more digits")
    import difflib
    names = [*view.branches, *tags, *view.remotes, "HEAD"]
    close = difflib.get_close_matches(spec, names, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}?" if close else \
        "a revision is a number, an id prefix (4+ hex digits), HEAD, @, REV~N, REV^N, a branch or a tag"
    raise UsageError(f"unknown revision {spec!r}", hint=hint)


def _walk(repo: Repository, spec: str, base: str, rev: int, steps: list[tuple[str, str]]) -> int:
    """Follow `~N` (N first parents) and `^N` (the Nth parent; `^0` is the commit itself),
    as git does, from `rev`, which `base` names."""
    too_many = len(repo) + 1
    where = f"revision {rev}" if _is_number(base) else _clip(base)
    for kind, digits in steps:
        n = _number(digits or "1", too_many)
        if kind == "~":
            for i in range(n):
                parent = repo.parent_rev(rev)
                if parent is None:
                    raise UsageError(f"revision {_clip(spec)!r} does not exist: {where} has only {i} ancestors")
                rev = parent
        elif n:
            parents = repo.parents(rev)
            if n > len(parents):
                have = "no parent" if not parents else "1 parent" if len(parents) == 1 else f"{len(parents)} parents"
                raise UsageError(f"revision {_clip(spec)!r} does not exist: {where} has {have}")
            rev = parents[n - 1]
        where = f"revision {rev}"
    return rev
