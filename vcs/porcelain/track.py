"""`vcs add` and `vcs rm`: start and stop tracking files.

Each takes the repository and its lock, changes the dirstate (and, for rm, may
delete working files) and returns the paths it handled; nothing here prints.
"""
from __future__ import annotations

import os

from vcs.errors import StateError, UsageError
from vcs.model.objects import check_path
from vcs.repo.repository import Repository
from vcs.worktree import files as worktree
from vcs.worktree.dirstate import ADDED, NO_ID, NORMAL, REMOVED, Tracked
from vcs.worktree.scan import in_scope, scan


def add(repo: Repository, paths: list[str]) -> list[bytes]:
    """Track files; a folder adds the untracked files under it. Returns what was added."""
    with repo.lock():
        repo.refresh()
        ds = repo.dirstate()
        ignore = repo.ignore()
        added = []
        for arg in paths:
            rel = repo.relpath(arg)
            if len(rel) > 255:
                check_path(rel)  # a name too long to stat, let alone check out
            st = worktree.lstat(repo.root, rel) if rel else None
            if rel and st is not None:
                found = [rel]
            else:
                # A folder adds what it holds but what .vcsignore covers; a file named
                # on the command line is added even if ignored (as Mercurial does).
                skip = (lambda folder: ignore.match(folder, True)) if ignore else None  # not walked
                found = [p for p in worktree.stat_tree(repo.root, rel, skip) if not (ignore and ignore.covers(p))]
                if not found and not os.path.isdir(os.path.join(repo.root, rel)):
                    raise UsageError(f"{arg}: no such file or folder")
            for path in sorted(found):
                check_path(path)
                t = ds.files.get(path)
                if t is None:
                    ds.files[path] = Tracked(ADDED, "f", NO_ID)
                    added.append(path)
                elif t.state == REMOVED:
                    t.state = NORMAL
                    t.cache(None)
                    added.append(path)
        repo.save_dirstate(ds)
        return added


def rm(repo: Repository, paths: list[str], cached: bool = False, force: bool = False) -> list[bytes]:
    """Stop tracking files (and delete them unless `cached`). Returns what was removed.

    As git: deleting a file whose content is not committed (an added file, or one with
    uncommitted changes) is refused unless `force`; `cached` keeps the files anyway.
    """
    with repo.lock():
        repo.refresh()
        ds = repo.dirstate()
        scope = [repo.relpath(p) for p in paths]
        targets = sorted(p for p, t in ds.files.items() if t.state != REMOVED and in_scope(p, scope))
        if not targets:
            raise UsageError(f"not tracked: {', '.join(paths)}", hint="`vcs status` lists tracked files")
        if not cached and not force:
            result = scan(repo.root, ds, targets, untracked=False, warn=repo.warn)
            unsaved = sorted(result.modified + result.added)
            if unsaved:
                names = "\n  ".join(repo.show(p) for p in unsaved[:20])
                raise StateError(f"these files have changes that are not committed:\n  {names}",
                                 hint="commit them first, keep them with `vcs rm --cached`, "
                                      "or delete them anyway with `vcs rm --force`")
        for path in targets:
            t = ds.files[path]
            if t.state == ADDED:
                del ds.files[path]
            else:
                t.state = REMOVED
            if not cached:
                worktree.remove(repo.root, path)
        repo.save_dirstate(ds)
        return targets
