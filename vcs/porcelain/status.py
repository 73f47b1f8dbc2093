"""`vcs status`: what changed in the working tree, for `vcs.cli.render`.

Returns the scan (plain data) and never prints. Saving what the stat cache learned
is the one write status makes, and only when no writer holds the lock.
"""
from __future__ import annotations

from vcs.errors import VcsError
from vcs.repo.journal import without_own_writes
from vcs.repo.repository import Repository
from vcs.worktree.dirstate import Dirstate
from vcs.worktree.scan import Scan, fold_folders, in_scope, scan


def status(repo: Repository, paths: list[str] | None = None, ignored: bool = False,
           untracked: str = "normal") -> Scan:
    """What changed in the working tree; saves what the stat cache learned if it can.

    untracked, as git's --untracked-files: `normal` lists a folder that holds no
    tracked file as one entry (`dir/`), `all` lists every file, `no` none. After an
    interrupted checkout, its own writes are not changes (the warning says what to run).
    """
    ds = repo.dirstate()
    without_own_writes(repo, ds)
    scope = [repo.relpath(p) for p in paths] if paths else None
    result = scan(repo.root, ds, scope, untracked=untracked != "no", warn=repo.warn, ignore=repo.ignore(),
                  list_ignored=ignored)
    if untracked == "normal":
        fold_folders(result, ds.files, scope)
    merging = repo.state.view.merge
    if merging is not None:  # a conflict shows as U only
        result.unresolved = [p for p in merging.unresolved if in_scope(p, scope)]
        shown = set(result.unresolved)
        for name in ("modified", "added", "removed", "missing", "untracked"):
            setattr(result, name, [p for p in getattr(result, name) if p not in shown])
    if result.added and result.removed:
        result.renamed = _renames(repo, result)
    if result.refreshed:
        _save_cache_if_free(repo, ds)
    return result


def _renames(repo: Repository, result: Scan) -> list[tuple]:
    """What the next commit records as renames: the removed files the added ones were."""
    from vcs.porcelain import moves
    from vcs.worktree import files as worktree
    parent = repo.manifest(repo.wc_rev())
    added, links = {}, {}
    for path in result.added:
        st = worktree.lstat(repo.root, path)
        if st is not None and worktree.kind_of(st) in ("f", "x", "l"):
            try:
                (links if worktree.kind_of(st) == "l" else added)[path] = \
                    worktree.read(repo.root, path, worktree.kind_of(st))
            except OSError:
                continue
    found = moves.find(repo, parent, added, result.removed, moves.pending(repo), links)
    return [(src, dst, score) for dst, (src, score) in sorted(found.items())]


def _save_cache_if_free(repo: Repository, ds: Dirstate) -> None:
    lock = repo.try_lock()
    if lock is None:
        return  # another writer is busy, or the repository is read-only: skip the cache
    try:
        repo.refresh()
        # Another process may have changed the dirstate since it was read (an add, an
        # rm, a commit): merge only what was learned, into the dirstate as it is now.
        current = repo.dirstate()
        if current.parent != ds.parent:
            return
        for path, t in current.files.items():
            seen = ds.files.get(path)
            if seen is not None and (seen.state, seen.kind, seen.id) == (t.state, t.kind, t.id):
                t.mode, t.size, t.mtime, t.ino = seen.mode, seen.size, seen.mtime, seen.ino
        repo.save_dirstate(current)
    except (OSError, VcsError):
        pass  # only a cache: the next command learns it again
    finally:
        lock.release()

