"""`vcs log` and `vcs show`: revisions with their metadata and, if asked, their diffs.

`log_args` tells log's revisions from its paths by git's rule; `log` walks in
topological order (no commit before its parents), following file histories for
paths. Returns LogEntry records for `vcs.cli.render` and never prints.
"""
from __future__ import annotations

import os

from vcs.errors import UsageError
from vcs.model.objects import Commit, ObjectId
from vcs.records import record
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve
from vcs.worktree.scan import in_scope


# One revision for `log`: diffs is a list of FileDiff with --stat or -p, else None;
# chain_starts the paths whose version this revision stored whole (a chain starts).
LogEntry = record("LogEntry", "rev id parents commit tags head diffs chain_starts", defaults=(None, ()))


def log(repo: Repository, limit: int | None = None, paths: list[str] | None = None,
        with_diffs: bool = False, revs: list[str] | None = None,
        starts: list[int] | None = None) -> list[LogEntry]:
    """Revisions, newest first in topological order: `revs` alone, else `starts` and
    their ancestors, else HEAD and its ancestors; only those touching `paths` if given."""
    scope = [repo.relpath(p) for p in paths] if paths else None
    tags_by_id: dict[bytes, list[str]] = {}
    for name, oid in repo.tags().items():
        tags_by_id.setdefault(oid, []).append(name)
    head = repo.state.head
    entries = []
    if revs:
        order = [resolve(repo, r) for r in revs]
    else:
        if not starts:
            starts = [] if repo.head_rev() is None else [repo.head_rev()]
        order = repo.changelog.topo_order(starts)
        if scope is not None:
            touched = _revs_touching(repo, scope, starts)
            if touched is not None:
                order = [r for r in order if r in touched]
    if with_diffs:
        from vcs.porcelain.diff import commit_diffs  # only then: `log --oneline` starts without it
    for rev in order:
        if limit is not None and len(entries) >= limit:
            break
        commit = repo.read_commit(rev)
        if scope is not None and not any(in_scope(c.path, scope) for c in commit.changes):
            continue
        info = repo.commit_info(rev)
        diffs = commit_diffs(repo, rev, commit, scope) if with_diffs else None
        entries.append(LogEntry(rev, ObjectId(info.id), repo.parents(rev), commit,
                                sorted(tags_by_id.get(info.id, [])), info.id == head, diffs,
                                _chain_starts(repo, rev, commit)))
    return entries


def _revs_touching(repo: Repository, scope: list[bytes], starts: list[int]) -> set[int] | None:
    """The revisions in the starts' ancestry that changed these paths, from their file
    histories: no commit is read that did not. None when a path has no history from
    there (a folder: its files' histories are not indexed by folder, so every commit's
    changes are read instead)."""
    revs: set[int] = set()
    filelog, is_ancestor = repo.filelog, repo.changelog.is_ancestor
    for start in starts:
        tree = repo.manifest(start)
        for path in scope:
            here = tree.get(path)
            entry = filelog.entry_for(path, here.id if here is not None else None, start, is_ancestor)
            if entry is None or not path:
                return None
            revs.update(filelog.linkrev(n) for n in filelog.ancestry(entry))
    return revs


def log_args(repo: Repository, words: list[str], revs: list[str]) -> tuple[list[int], list[str]]:
    """(the revisions `vcs log` starts from, the paths it follows), from its words, by
    git's rule.

    -r REVs are revisions. With `--`, the words before it are revisions and those
    after it paths. Without, the leading words that name revisions are revisions and
    the rest paths; a word that is also a file on disk is ambiguous, and a path must
    exist on disk or in some revision's changes, so a mistyped revision is an error
    that names it (with resolve's did-you-mean), never an empty log.
    """
    starts = [resolve(repo, r) for r in revs]
    if "--" in words:
        at = words.index("--")
        return starts + [resolve(repo, w) for w in words[:at]], list(words[at + 1:])
    first_path = 0
    for word in words:
        try:
            rev = resolve(repo, word)
        except UsageError:
            break
        if os.path.lexists(word):
            raise UsageError(f"ambiguous argument {word!r}: both a revision and a path",
                             hint=f"put -- between revisions and paths: `vcs log {word} --` for the revision, "
                                  f"`vcs log -- {word}` for the path")
        starts.append(rev)
        first_path += 1
    paths = list(words[first_path:])
    for word in paths:
        if not os.path.lexists(word) and not _existed(repo, repo.relpath(word)):
            raise _neither(repo, word)
    return starts, paths


def _existed(repo: Repository, path: bytes) -> bool:
    """Whether some revision changed `path` (or, for a folder, a file under it): asked only
    of a path that is not on disk, so reading every commit is rare."""
    return any(in_scope(c.path, [path]) for rev in range(len(repo) - 1, -1, -1)
               for c in repo.read_commit(rev).changes)


def _neither(repo: Repository, word: str) -> UsageError:
    """The error for a word that is no path: why it is no revision either."""
    nowhere = f"ambiguous argument {word!r}: neither a path in the working tree or its history nor a revision"
    try:
        resolve(repo, word)
    except UsageError as e:
        return UsageError(f"{nowhere} ({e.message})", hint=e.hint)
    return UsageError(f"{nowhere} here (a revision after a path)",
                      hint="revisions come before paths: vcs log [REV...] [--] [PATH...]")


def _chain_starts(repo: Repository, rev: int, commit: Commit) -> tuple[bytes, ...]:
    """The files this revision stored whole: where their chains (re)start. Only the
    record that introduced a version tells: a later commit reusing it stored nothing."""
    starts = []
    for c in commit.changes:
        if c.entry is None:
            continue
        info = repo.objects.info(c.entry.id, c.path)
        if not info.is_delta and repo.introduced_by(c.entry.id, c.path) == rev:
            starts.append(c.path)
    return tuple(starts)



def hidden(repo: Repository, limit: int | None = None, paths: list[str] | None = None,
           with_diffs: bool = False) -> list[LogEntry]:
    """`log --hidden`: the commits no ref, head or working tree of the view reaches
    (what undo and amend leave behind), newest first."""
    from vcs.repo.operations import hidden as hidden_revs
    revs = hidden_revs(repo, repo.state.view)
    return log(repo, limit, paths, with_diffs, revs=[str(r) for r in revs]) if revs else []


def show_rev(repo: Repository, rev_spec: str) -> LogEntry:
    """One revision with its diffs against its parent: what `vcs show` prints."""
    rev = resolve(repo, rev_spec)
    return log(repo, revs=[str(rev)], with_diffs=True)[0]
