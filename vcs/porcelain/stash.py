"""`vcs stash`: put uncommitted changes aside and bring them back.

A stash is a commit whose parent is the working tree's parent and whose tree is the
working tree's tracked files as they were (changes, added files, and removals: a
file removed or missing is absent from it), listed in the view (`stash HEXID N`,
vcs.model.refs), so push, pop, apply and drop are operations like any other and
`vcs undo` takes each back. Untracked files are never stashed (as git without -u).

The stash is recorded first (the commit point), then the working files move, with
the checkout journal: a kill in between loses nothing (the changes are stored), and
`vcs undo` puts the tree back as it was before the command.

Pop and apply onto another commit than the stash's parent merge each file the stash
changed, three ways (vcs.diff.merge3: the stash's parent, the working tree's parent,
the stash): a file both changed is merged, a conflict gets git's markers and is
reported, and pop then keeps the stash. A file the stash changes must have no
uncommitted change (as git refuses). The result is recorded as a commit of its own
(hidden), so an undo knows what it wrote. Returns plain data and never prints.
"""
from __future__ import annotations

import time

from vcs import faults
from vcs.errors import NothingToDo, StateError, UsageError
from vcs.model.objects import SYMLINK, local_tz
from vcs.porcelain.checkout import finish_move, move_files
from vcs.records import record
from vcs.repo.commits import commit_tree
from vcs.repo.journal import check_no_interrupted_checkout
from vcs.repo.merging import check_no_merge
from vcs.repo.repository import Repository
from vcs.worktree.scan import scan

# n: its place counting from the newest (0); number: its number in the view.
StashEntry = record("StashEntry", "n number id rev message")
# What push, pop, apply or drop did: the entry, the files written and deleted, and
# the files left with conflicts (pop keeps the stash then).
StashResult = record("StashResult", "entry written deleted conflicts dropped")


def entries(repo: Repository) -> list[StashEntry]:
    """The stash, newest first."""
    stashes = repo.state.view.stashes
    out = []
    for i, number in enumerate(sorted(stashes, reverse=True)):
        rev = repo.rev_of(stashes[number])
        out.append(StashEntry(i, number, stashes[number], rev, repo.read_commit(rev).message))
    return out


def _entry(repo: Repository, n: str | None) -> StashEntry:
    listed = entries(repo)
    if not listed:
        raise StateError("the stash is empty", hint="`vcs stash` puts your uncommitted changes aside")
    if n is None:
        return listed[0]
    if not (n.isascii() and n.isdigit()) or int(n[:18]) >= len(listed):
        raise UsageError(f"no stash entry {n}", hint=f"the stash holds {len(listed)}: 0 (the newest) "
                                                     f"to {len(listed) - 1}; `vcs stash list`")
    return listed[int(n)]


def push(repo: Repository, message: str | None = None) -> StashResult:
    with repo.lock():
        repo.refresh()
        check_no_interrupted_checkout(repo)
        check_no_merge(repo, "stash")
        view = repo.state.view
        if view.wc is None:
            raise StateError("there is no commit yet to stash changes against", hint="commit first")
        wc = repo.wc_rev()
        base = repo.manifest(wc)
        result = scan(repo.root, repo.dirstate(), untracked=False, keep_data=True, warn=repo.warn)
        changed = sorted(result.modified + result.added)
        gone = sorted(result.removed + result.missing)
        if not changed and not gone:
            raise NothingToDo("no local changes to save", hint="untracked files are not stashed: `vcs add` them")
        summary = repo.read_commit(wc).message.strip().split("\n")[0]
        where = view.head_branch if view.head_branch is not None else "(no branch)"
        text = f"On {where}: {message}" if message else f"WIP on {where}: {wc} {summary}"
        author, _ = repo.author()
        now = int(time.time())
        files: dict = {p: (result.seen[p].kind, result.seen[p].data or b"") for p in changed}
        files.update({p: None for p in gone})
        from vcs.porcelain import moves
        # What `vcs mv` noted goes with the stash (its commit records them), not left behind.
        noted = {d: ("rename", s) for d, s in moves.pending(repo).items()
                 if files.get(d) is not None and s in base and files.get(s, 0) is None}
        with repo.transaction(f"stash {text[:72]!r}") as tx:
            rev, sid, tree, _ = commit_tree(repo, wc, files, author=author, date=now, tz=local_tz(now),
                                             message=text + "\n", base=base, moves=noted or None)
            number = max(tx.view.stashes, default=-1) + 1
            tx.view.stashes[number] = sid
            tx.tree = (sid, view.wc)
        faults.step("stash:recorded")
        moved = move_files(repo, tree, base, view.wc, note=f"stash {repo.state.op[1].hex()}", command="stash")
        finish_move(repo, moved.ds)
        moves.clear_pending(repo)
        faults.step("stash:done")
        return StashResult(StashEntry(0, number, sid, rev, text + "\n"), moved.written, moved.deleted, [], False)


def drop(repo: Repository, n: str | None = None) -> StashEntry:
    with repo.lock():
        repo.refresh()
        entry = _entry(repo, n)
        with repo.transaction(f"stash drop {entry.n} (revision {entry.rev})") as tx:
            del tx.view.stashes[entry.number]
        return entry


def apply(repo: Repository, n: str | None = None, pop: bool = False) -> StashResult:
    """Bring a stash's changes back into the working tree (and, with `pop`, drop it
    unless a file conflicted)."""
    with repo.lock():
        repo.refresh()
        check_no_interrupted_checkout(repo)
        check_no_merge(repo, "stash pop" if pop else "stash apply")
        entry = _entry(repo, n)
        view = repo.state.view
        parents = repo.parents(entry.rev)
        stash_base = repo.manifest(parents[0] if parents else None)
        theirs = repo.manifest(entry.rev)
        ours = repo.manifest(repo.wc_rev())
        touched = sorted(p for p in stash_base.keys() | theirs.keys() if stash_base.get(p) != theirs.get(p))
        ds = repo.dirstate()
        result = scan(repo.root, ds, touched or None, untracked=True, warn=repo.warn)
        local = sorted(set(result.modified + result.added + result.removed + result.missing)
                       | {p for p in result.untracked if theirs.get(p) is not None})
        if local:
            shown = "".join(f"\n  {repo.show(p)}" for p in local[:20])
            raise StateError(f"your uncommitted changes (or untracked files) would be overwritten by the stash:"
                             f"{shown}", hint="commit them, `vcs restore` them, or `vcs stash` them first")
        files, conflicts = _merge(repo, touched, stash_base, ours, theirs)
        what = "pop" if pop else "apply"
        drop_it = pop and not conflicts
        with repo.transaction(f"stash {what} {entry.n} (revision {entry.rev})"
                              + (" with conflicts" if conflicts else "")) as tx:
            if view.wc == (repo.commit_info(parents[0]).id if parents else None) and not conflicts:
                to, tree = entry.id, theirs  # on its own parent: the stash's tree is the result
            else:
                author, _ = repo.author()
                now = int(time.time())
                _, to, tree, _ = commit_tree(repo, repo.wc_rev(), files, author=author, date=now,
                                             tz=local_tz(now), message=f"stash {what}: {entry.message}", base=ours)
            if drop_it:
                del tx.view.stashes[entry.number]
            tx.tree = (view.wc, to)
        faults.step(f"stash:{what}:recorded")
        moved = move_files(repo, ours, tree, to, note=f"stash {repo.state.op[1].hex()}", command="stash")
        moved.ds.reparent(view.wc, ours)
        finish_move(repo, moved.ds)
        from vcs.model.objects import moves as recorded
        from vcs.porcelain import moves
        back = {d: s for d, (kind, s) in recorded(repo.read_commit(entry.rev)).items()
                if kind == "rename" and d in tree and s in ours and s not in tree}
        if back:  # the moves `vcs mv` noted before the stash
            moves.save_pending(repo, {**moves.pending(repo), **back})
        faults.step(f"stash:{what}:done")
        return StashResult(entry, moved.written, moved.deleted, conflicts, drop_it)


def _merge(repo: Repository, touched: list[bytes], base: dict, ours: dict, theirs: dict):
    """Each path the stash changed, merged three ways: ({path: what to write, or None
    to remove}, the paths left with conflicts)."""
    from vcs.diff import merge3
    from vcs.diff.patch import is_binary
    files: dict = {}
    conflicts: list[bytes] = []
    for path in touched:
        b, o, t = base.get(path), ours.get(path), theirs.get(path)
        if o == b or o == t:
            files[path] = t
            continue
        if b is not None and o is not None and t is not None and SYMLINK not in (b.kind, o.kind, t.kind):
            texts = [repo.objects.read(e.id, path) for e in (b, o, t)]
            if not any(is_binary(x) for x in texts):
                merged, n = merge3.merge_texts(*texts, labels=(b"working tree", b"stash base", b"stash"))
                files[path] = (t.kind if o.kind == b.kind else o.kind, merged)
                if n:
                    conflicts.append(path)
                continue
        conflicts.append(path)  # changed both ways and not mergeable by line: the working tree's stays
    return files, conflicts
