"""`vcs commit`: record the tracked files (or some paths) as a new revision on HEAD.

The scan decides what changed; `vcs.repo.commits.commit_tree` appends the commit
inside one transaction; then the dirstate follows it. Returns a CommitResult and
never prints (a guessed author is a warning through `repo.warn`).
"""
from __future__ import annotations

import os
import time

from vcs import faults
from vcs.errors import NothingToDo, StateError, UsageError
from vcs.model.objects import check_path, content_id, local_tz
from vcs.repo.journal import check_no_interrupted_checkout
from vcs.records import record
from vcs.repo.commits import commit_tree
from vcs.repo.repository import Repository
from vcs.worktree import files as worktree
from vcs.worktree.dirstate import ADDED, NO_ID, NORMAL, REMOVED, Dirstate, Tracked
from vcs.worktree.scan import in_scope, scan

CommitResult = record("CommitResult", "rev id message changed removed new_records")


def commit(repo: Repository, message, *, addremove: bool = False,
           paths: list[str] | None = None, date: int | None = None) -> CommitResult:
    """Record the tracked files (or `paths`) as a new revision on top of HEAD."""
    with repo.lock():
        repo.refresh()
        faults.step("commit:locked")
        check_no_interrupted_checkout(repo)
        ds = repo.dirstate()
        scope = [repo.relpath(p) for p in paths] if paths else None
        if scope is not None and not addremove:
            _check_known(ds, scope, paths or [], repo.root)
        result = scan(repo.root, ds, scope, untracked=addremove, keep_data=True, warn=repo.warn,
                      ignore=repo.ignore() if addremove else None)
        if addremove:
            for path in result.untracked:
                check_path(path)
                st = worktree.lstat(repo.root, path)
                if st is None:
                    continue
                data, st, kind = worktree.read_stable(repo.root, path, st, repo.warn)
                ds.files[path] = Tracked(ADDED, kind, NO_ID)
                result.added.append(path)
                result.seen[path] = _seen(kind, data, st)
            for path in result.missing:
                if ds.files[path].state == ADDED:
                    del ds.files[path]
                else:
                    ds.files[path].state = REMOVED
                    result.removed.append(path)
            result.untracked, result.missing = [], []
        head = repo.wc_rev()
        parent_manifest = repo.manifest(head)
        for path in result.missing:
            if ds.files[path].state == ADDED:
                repo.warn(f"{repo.show(path)} was added but is missing; it is not committed")
        changed = sorted(result.modified + result.added)
        removed = sorted(result.removed)
        if not changed and not removed:
            raise NothingToDo("nothing to commit",
                              hint="`vcs add` new files, or use `vcs commit -A` to add them all")
        text = message(result) if callable(message) else message
        if not text.strip():
            raise UsageError("aborting commit: the message is empty")

        author, guessed = repo.author()
        try:
            with repo.transaction("commit") as tx:
                before = len(repo.objects.log)
                files: dict = {path: (result.seen[path].kind, result.seen[path].data or b"") for path in changed}
                files.update({path: None for path in removed})
                now = int(time.time()) if date is None else date
                rev, cid, manifest, displaced = commit_tree(repo, head, files, author=author, date=now,
                                                            tz=local_tz(now), message=text,
                                                            base=parent_manifest)
                new_records = len(repo.objects.log) - before
                tx.view.committed(cid, [repo.commit_info(head).id] if head is not None else [])
                tx.description = f"commit {rev} {_summary(text)!r}"
        except OSError as e:
            raise StateError(f"cannot write {e.filename or 'the repository'}: {e.strerror}; nothing was committed",
                             hint="free some space or fix the disk, then commit again") from None
        faults.step("commit:done")
        if guessed:
            repo.warn(_guessed_author(author, guessed))
        # The commit is made; now the dirstate follows it.
        for path in changed:
            seen = result.seen[path]
            t = Tracked(NORMAL, seen.kind, manifest[path].id)
            t.cache(seen.st)
            ds.files[path] = t
        # A file whose place a new one took (`a` became a folder `a/`, or a folder a
        # file) is gone from disk and from the commit: removed, as git does.
        removed = sorted(removed + displaced)
        for path in removed:
            ds.files.pop(path, None)
        ds.parent = cid
        repo.remember_tree(rev, manifest)
        try:
            repo.save_dirstate(ds)
        except OSError as e:
            repo.warn(f"committed, but could not save the stat cache ({e.strerror}); "
                      "the next command rebuilds it")
        return CommitResult(rev, cid, text, changed, removed, new_records)


def _guessed_author(author: str, guessed: list[str]) -> str:
    """The warning for an author guessed from the login name and host, as git and
    Mercurial give one: what was guessed and what to run."""
    examples = {"user.name": '"Your Name"', "user.email": "you@example.com"}
    run = " and ".join(f"`vcs config set --user {key} {examples[key]}`" for key in guessed)
    keys = " and ".join(guessed)
    return (f"committed as {author}: {keys} {'is' if len(guessed) == 1 else 'are'} not set, so "
            f"{'it was' if len(guessed) == 1 else 'they were'} guessed from the login name and host; "
            f"set {'it' if len(guessed) == 1 else 'them'} with {run}")

def _summary(message: str) -> str:
    """A message's first line, for the operation log."""
    lines = message.strip().splitlines()
    return lines[0][:72] if lines else ""


def _seen(kind, data, st):
    from vcs.worktree.scan import Seen
    return Seen(kind, content_id(data), st, data)


def _check_known(ds: Dirstate, scope: list[bytes], args: list[str], root: bytes) -> None:
    """Each path given to commit must name tracked files (as git: a pathspec must match)."""
    for rel, arg in zip(scope, args):
        if not rel or any(in_scope(p, [rel]) for p in ds.files):
            continue
        if worktree.lstat(root, rel) is None and not os.path.isdir(os.path.join(root, rel)):
            raise UsageError(f"{arg}: no such file or folder")
        raise UsageError(f"{arg} is not tracked", hint="`vcs add` it first, or use `vcs commit -A`")
