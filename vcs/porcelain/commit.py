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

# detached: HEAD names no branch, so the commit advanced none.
# moves: (source, destination, similarity %) of each rename the commit records.
CommitResult = record("CommitResult", "rev id message changed removed new_records detached moves",
                      defaults=(False, ()))


def commit(repo: Repository, message, *, addremove: bool = False,
           paths: list[str] | None = None, date: int | None = None, amend: bool = False,
           choose=None) -> CommitResult:
    """Record the tracked files (or `paths`) as a new revision on top of HEAD.

    With `amend`, replace HEAD's commit instead, as git's --amend: same parents, its
    tree with the working tree's changes added, its author and author date, this
    committer; the old commit stays in the store, hidden. `message` may be a function
    of the scan (and, amending, of the old message). `choose` (commit -p) is given the
    changes (vcs.diff.select.FileChange) and returns which to commit, as a
    vcs.diff.select.Chooser's `chosen`: the rest stays in the working tree."""
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
        _check_not_moved(repo)
        parent_manifest = repo.manifest(head)
        merging, pending = repo.state.view.merge, None
        if merging is not None:  # the commit concludes a merge (cherry-pick, revert)
            from vcs.porcelain.merge import pending_commit
            pending = pending_commit(repo, bool(paths) or choose is not None, amend)
        for path in result.missing:
            if ds.files[path].state == ADDED:
                repo.warn(f"{repo.show(path)} was added but is missing; it is not committed")
        changed = sorted(result.modified + result.added)
        removed = sorted(result.removed)
        old = _amended(repo, head) if amend else None
        if not changed and not removed and old is None and pending is None:
            raise NothingToDo("nothing to commit",
                              hint="`vcs add` new files, or use `vcs commit -A` to add them all")
        partial: dict[bytes, bytes] = {}
        if choose is not None:
            changed, removed, partial = _chosen(repo, choose, result, changed, removed, parent_manifest)
            if not changed and not removed and old is None:
                raise NothingToDo("no change was chosen, so nothing was committed")
        text = pending.message if pending is not None and callable(message) else \
            (message(result, old.message) if old is not None else message(result)) if callable(message) \
            else message
        if not text.strip():
            raise UsageError("aborting commit: the message is empty")

        author, guessed = repo.author() if pending is None else (pending.author, pending.guessed)
        try:
            with repo.transaction("commit") as tx:
                before = len(repo.objects.log)
                files: dict = {path: (result.seen[path].kind, partial.get(path, result.seen[path].data or b""))
                               for path in changed}
                files.update({path: None for path in removed})
                now = int(time.time()) if date is None else date
                added = [p for p in changed if p not in parent_manifest and files[p][0] != "l"]
                links = {p: files[p][1] for p in changed if p not in parent_manifest and files[p][0] == "l"}
                found = {}
                if old is None and (added or links) and removed:  # a rename needs both (moves.find)
                    from vcs.porcelain import moves
                    found = moves.find(repo, parent_manifest, {p: files[p][1] for p in added}, removed,
                                       moves.pending(repo), links)
                if old is None:
                    parents = ((head,) if head is not None else ()) + (pending.parents if pending else ())
                    when = (pending.date, pending.tz) if pending and pending.date is not None else \
                        (now, local_tz(now))
                    rev, cid, manifest, displaced = commit_tree(repo, parents, files, author=author, date=when[0],
                                                                tz=when[1], message=text, base=parent_manifest,
                                                                committer=pending.committer if pending else None,
                                                                moves={d: ("rename", s) for d, (s, _) in found.items()})
                else:
                    parents = (head,)
                    rev, cid, manifest, displaced = _amend(repo, head, old, files, text, (author, now, local_tz(now)))
                new_records = len(repo.objects.log) - before
                tx.view.committed(cid, [repo.commit_info(p).id for p in parents])
                tx.view.merge = None
                tx.description = f"commit {rev} {_summary(text)!r}" if old is None else \
                    f"amend {head} as {rev} {_summary(text)!r}"
        except OSError as e:
            raise StateError(f"cannot write {e.filename or 'the repository'}: {e.strerror}; nothing was committed",
                             hint="free some space or fix the disk, then commit again") from None
        faults.step("commit:done")
        if os.path.lexists(repo.path("moves")):  # what `vcs mv` noted is committed now
            from vcs.porcelain import moves
            moves.clear_pending(repo)
        if merging is not None:
            from vcs.porcelain.merge import remember_resolutions
            remember_resolutions(repo, merging, manifest)
        if guessed:
            repo.warn(_guessed_author(author, guessed))
        # The commit is made; now the dirstate follows it.
        for path in changed:
            seen = result.seen[path]
            t = Tracked(NORMAL, seen.kind, manifest[path].id)
            t.cache(None if path in partial else seen.st)
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
        if old is not None:  # git's summary of an amend: the new commit against its parent
            amended = repo.parents(rev)
            base = repo.manifest(amended[0]) if amended else {}
            changed = sorted(p for p, e in manifest.items() if base.get(p) != e)
            removed = sorted(p for p in base if p not in manifest)
        return CommitResult(rev, cid, text, changed, removed, new_records, repo.state.view.head_branch is None,
                            tuple((s, d, score) for d, (s, score) in sorted(found.items())))


def _chosen(repo: Repository, choose, result, changed: list[bytes], removed: list[bytes], parent: dict):
    """commit -p: ask `choose` which changes to commit; (the paths changed, the paths
    removed, the content to commit of each file committed in part)."""
    from vcs.diff import delta, select
    from vcs.diff.patch import is_binary
    files = []
    for path in changed:
        seen, was = result.seen[path], parent.get(path)
        if was is None:
            files.append(select.FileChange(path, "added"))
            continue
        a, b = repo.objects.read(was.id, path), seen.data or b""
        if was.kind != seen.kind or is_binary(a) or is_binary(b):
            files.append(select.FileChange(path, "binary" if a != b else "mode"))
            continue
        a, b = delta.split_lines(a), delta.split_lines(b)
        files.append(select.FileChange(path, "modified", a, b, delta.diff(a, b)))
    files += [select.FileChange(path, "removed") for path in removed]
    chosen = choose(files)
    keep, gone, partial = [], [], {}
    for i, f in enumerate(files):
        pick = chosen.get(i)
        if not pick:
            continue
        if f.kind == "removed":
            gone.append(f.path)
            continue
        keep.append(f.path)
        if f.kind == "modified" and len(pick) < len(f.regions):
            partial[f.path] = b"".join(select.apply(f.a, f.b, f.regions, pick))
    return keep, gone, partial


def _check_not_moved(repo: Repository) -> None:
    """A commit on a working tree whose branch moved under it (a push to this repository)
    would drop the pushed commits from the branch: refused until a checkout catches up."""
    view = repo.state.view
    if view.head_branch is not None and view.head is not None and view.wc is not None and view.head != view.wc \
            and view.merge is None:
        raise StateError(f"branch {view.head_branch!r} was moved to revision {repo.rev_of(view.head)} (a push to this "
                         f"repository?) while the working tree is on revision {repo.rev_of(view.wc)}: a commit "
                         "here would drop the commits it gained",
                         hint=f"`vcs checkout {view.head_branch}` brings the working tree up to date first "
                              "(your uncommitted changes are kept where they do not conflict)")


def _amended(repo: Repository, head: int | None):
    """The commit --amend replaces: the working tree's parent, which HEAD must name."""
    if head is None:
        raise StateError("there is no commit to amend", hint="make one with `vcs commit`")
    if repo.state.head != repo.state.view.wc:
        raise StateError("HEAD has moved away from the working tree's parent, so --amend would replace "
                         "another commit than the one the working tree is on",
                         hint="check out HEAD first, or commit without --amend")
    return repo.read_commit(head)


def _amend(repo: Repository, head: int, old, files: dict, message: str, committer):
    """Append the commit that replaces `head`: its parents, its tree with `files` changed,
    its author and date (git keeps the author date), `committer` where that differs."""
    parents = repo.parents(head)
    base = repo.manifest(parents[0]) if parents else {}
    tree = repo.manifest(head)
    changes: dict = {p: e for p, e in tree.items() if base.get(p) != e}
    changes.update({p: None for p in base if p not in tree})
    changes.update(files)
    if (committer[0], committer[1], committer[2]) == (old.author, old.date, old.tz):
        committer = None
    return commit_tree(repo, parents, changes, author=old.author, date=old.date, tz=old.tz, message=message,
                       base=base, committer=committer)


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
