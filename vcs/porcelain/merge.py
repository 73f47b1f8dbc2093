"""`vcs merge`, `vcs cherry-pick` and `vcs revert`: another line of work joined into HEAD,
one commit's changes brought over, or taken back.

All three are one three-way tree merge (vcs.repo.treemerge) written into the working
tree (vcs.porcelain.update), against a base that says what changed:

    merge REV         base: the merge base of HEAD and REV; theirs: REV; the commit has two parents
    cherry-pick REV   base: REV's parent; theirs: REV; the commit has REV's author and message
    revert REV        base: REV; theirs: REV's parent; `Revert "subject"`, `This reverts commit ID.`

A merge of a revision HEAD already has is "already up to date"; one HEAD is an
ancestor of is a fast-forward (the branch and the working tree move), unless
`--no-ff`. A clean result is committed at once, as git does (`--no-commit` leaves it
in the working tree for `vcs commit`). Conflicts stop it: the working tree holds the
merge with markers (ours kept where a file cannot hold markers), and the view records
the operation, the other commit, the labels, and each conflict's three sides, so
resolving, re-creating markers, committing and aborting work after any number of
other commands (vcs.model.mergestate, vcs.porcelain.resolve). A conflict seen and
resolved before is resolved as before (vcs.repo.rerere). A merge that would overwrite
uncommitted changes, or untracked files, is refused and names them; local changes to
files it does not touch are kept.
"""
from __future__ import annotations

import time

from vcs.errors import ConflictError, NothingToDo, StateError, UsageError
from vcs.model.mergestate import Conflict, MergeState, label_problem, serialize_record
from vcs.model.objects import Manifest, file_on_path, local_tz
from vcs.porcelain.checkout import _dirstate_after, _plan, _refusal
from vcs.porcelain.update import finish, write_tree
from vcs.records import record
from vcs.repo import rerere
from vcs.repo.commits import commit_tree
from vcs.repo.journal import check_no_interrupted_checkout
from vcs.repo.merging import mark_dirstate, read_record
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve
from vcs.repo.treemerge import merge_revisions
from vcs.worktree.scan import scan

UP_TO_DATE, FAST_FORWARD, COMMITTED, STAGED, CONFLICTS = "up to date", "fast-forward", "committed", "staged", \
    "conflicts"

# kind: one of the five above; op: merge, cherry-pick or revert; rev, id: the revision
# the working tree is at now; conflicts: (path, kind) each; resolved_before: the paths
# rerere resolved; merged: the paths merged line by line; renamed: path -> the name the
# side that removed it gave it (a modify/delete conflict that is a rename on one side).
MergeResult = record("MergeResult", "kind op rev id message written deleted kept conflicts resolved_before merged "
                     "renamed", defaults=("", (), (), (), (), (), (), {}))
# What `vcs commit` makes while an operation is in progress (see pending_commit).
PendingCommit = record("PendingCommit", "parents message author date tz committer guessed")

_MISSING = object()


def style(repo: Repository) -> str:
    value = repo.config("merge.conflictStyle", "zdiff3")
    if value not in ("merge", "diff3", "zdiff3"):
        raise StateError(f"merge.conflictStyle in the config must be merge, diff3 or zdiff3, not {value!r}",
                         hint="vcs config set merge.conflictStyle zdiff3")
    return value


def merge(repo: Repository, spec: str, *, ff: str = "auto", commit: bool = True,
          message: str | None = None, command: str = "merge") -> MergeResult:
    """Merge revision `spec` into HEAD. ff: "auto" (fast-forward when possible), "no"
    (always a merge commit) or "only" (refuse anything but a fast-forward). `command`
    names the command in a refusal (pull fast-forwards through here)."""
    with repo.lock():
        repo.refresh()
        ours = _begin(repo)
        theirs = resolve(repo, spec)
        view = repo.state.view
        if ours is not None and repo.changelog.is_ancestor(theirs, ours):
            return MergeResult(UP_TO_DATE, "merge", ours, repo.commit_info(ours).id)
        can_ff = ours is None or repo.changelog.is_ancestor(ours, theirs)
        if can_ff and (ff != "no" or ours is None):
            return _fast_forward(repo, ours, theirs, command)
        if ff == "only":
            raise StateError(f"cannot fast-forward to {spec}: HEAD is not one of its ancestors",
                             hint=f"`vcs merge {spec}` without --ff-only makes a merge commit")
        text = message if message is not None else _merge_message(view, spec.strip(), theirs)
        return _three_way(repo, "merge", ours, theirs, None, _labels(repo, spec, theirs), text, commit)


def cherry_pick(repo: Repository, spec: str, *, record_origin: bool = False, commit: bool = True) -> MergeResult:
    """Apply the changes revision `spec` made to HEAD (with its author and message;
    record_origin: `(cherry picked from commit ID)` as git's -x)."""
    with repo.lock():
        repo.refresh()
        ours, rev, base = _one_commit(repo, spec, "cherry-pick")
        c = repo.read_commit(rev)
        text = c.message
        if record_origin:
            text = text.rstrip("\n") + f"\n\n(cherry picked from commit {repo.commit_info(rev).id.hex()})\n"
        return _three_way(repo, "cherry-pick", ours, rev, [base] if base is not None else [],
                          _labels(repo, spec, rev), text, commit)


def revert(repo: Repository, spec: str, *, commit: bool = True) -> MergeResult:
    """Undo the changes revision `spec` made, in a new commit on HEAD."""
    with repo.lock():
        repo.refresh()
        ours, rev, parent = _one_commit(repo, spec, "revert")
        c = repo.read_commit(rev)
        subject = c.message.strip().split("\n")[0]
        text = f'Revert "{subject}"\n\nThis reverts commit {repo.commit_info(rev).id.hex()}.\n'
        return _three_way(repo, "revert", ours, parent, [rev], _labels(repo, spec, rev), text, commit, other=rev)


def _labels(repo: Repository, spec: str, rev: int) -> tuple[str, str]:
    """The sides' labels: HEAD's branch (or HEAD, detached), and REV as typed (its
    number where what was typed cannot be a label)."""
    theirs = spec.strip() if not label_problem(spec.strip()) else str(rev)
    return repo.state.view.head_branch or "HEAD", theirs


def _begin(repo: Repository) -> int | None:
    """HEAD's revision, once nothing stands in the way of a new operation."""
    view = repo.state.view
    if view.merge is not None:
        raise StateError(f"a {view.merge.op} is in progress already: {len(view.merge.unresolved)} unresolved "
                         "conflicts", hint="finish it with `vcs commit`, or give it up with `vcs merge --abort`")
    check_no_interrupted_checkout(repo)
    if view.wc != view.head:
        raise StateError("the working tree is not at HEAD (its branch moved under it)",
                         hint="`vcs checkout HEAD` brings it there first")
    return repo.head_rev()


def _one_commit(repo: Repository, spec: str, op: str) -> tuple[int, int, int | None]:
    """(HEAD, the revision to pick or revert, its parent) for cherry-pick and revert."""
    ours = _begin(repo)
    if ours is None:
        raise StateError("there are no commits yet", hint="make one with `vcs commit` first")
    rev = resolve(repo, spec)
    parents = repo.parents(rev)
    if len(parents) > 1:
        raise UsageError(f"revision {rev} is a merge: {op} takes the changes of a commit with one parent")
    return ours, rev, parents[0] if parents else None


def _merge_message(view, name: str, theirs: int) -> str:
    """git's: `Merge branch 'topic'` (`into feature` when HEAD's branch is not main or
    master), `Merge tag 'v1'`; any other revision: `Merge revision N`."""
    what = f"branch '{name}'" if name in view.branches else f"tag '{name}'" if name in view.tags \
        else f"remote-tracking branch '{name}'" if name in view.remotes else f"revision {theirs}"
    into = f" into {view.head_branch}" if view.head_branch not in (None, "main", "master") else ""
    return f"Merge {what}{into}"


def _fast_forward(repo: Repository, ours: int | None, theirs: int, command: str = "merge") -> MergeResult:
    old, new = repo.manifest(ours), repo.manifest(theirs)
    ds = repo.dirstate()
    result = scan(repo.root, ds, warn=repo.warn)
    writes, deletes, clear, refused, kept = _plan(repo, old, new, ds, result, False)
    if refused:
        raise _refusal(repo, refused, set(result.untracked), new, command)
    target = repo.commit_info(theirs).id

    def change(tx):
        tx.view.move_head(target)
        tx.tree = (repo.commit_info(ours).id if ours is not None else None, target)  # undo moves it back

    stats = write_tree(repo, old, new, writes, deletes, clear, blobs={}, what="merge",
                       description=f"merge {theirs} (fast-forward)", change_view=change)
    repo.remember_tree(theirs, new)
    finish(repo, _dirstate_after(ds, target, new, stats, kept))
    return MergeResult(FAST_FORWARD, "merge", theirs, target, "", list(stats), deletes, kept)


def marker_labels(repo: Repository, op: str, ours_label: str, theirs_label: str, other: int) -> tuple:
    """(ours, base or None, theirs) as the markers show them: git's labels. For a merge
    the base's is found with the base (None here); a cherry-pick's theirs is the commit
    (`1a2b3c4d5e6f (subject)`), its base `parent of` it; a revert's the other way round."""
    if op == "merge":
        return ours_label.encode(), None, theirs_label.encode()
    c = repo.read_commit(other)
    subject = c.message.strip().split("\n")[0][:60]
    named = f"{repo.commit_info(other).id.hex()[:12]} ({subject})".encode("utf-8", "surrogateescape")
    parent = b"parent of " + named
    return (ours_label.encode(), parent, named) if op == "cherry-pick" else (ours_label.encode(), named, parent)


def _three_way(repo: Repository, op: str, ours: int, theirs: int | None, bases, labels: tuple[str, str],
               message: str, commit: bool, other: int | None = None) -> MergeResult:
    """Merge `theirs` (a revision, None: the empty tree) into `ours` against `bases`
    (None: their merge bases); commit a clean result or record the conflicts."""
    other = theirs if other is None else other
    ours_marker, base_marker, theirs_marker = marker_labels(repo, op, *labels, other)
    tm, _ = merge_revisions(repo, ours, theirs, style=style(repo), labels=(ours_marker, theirs_marker),
                            bases=bases, base_label=base_marker)
    ours_tree = repo.manifest(ours)
    tree = dict(tm.tree)
    conflicts, before = _conflicts(repo, tm, tree)
    changes = {p: tree.get(p) for p in ours_tree.keys() | tree.keys() if ours_tree.get(p) != tree.get(p)}
    committing = commit and not conflicts
    if committing and op != "merge" and not changes:
        raise NothingToDo(f"the {op} of revision {other} changes nothing: "
                          f"{'its changes are' if op == 'cherry-pick' else 'what it undoes is'} here already")
    ds = repo.dirstate()
    result = scan(repo.root, ds, warn=repo.warn)
    writes, deletes, clear, refused, kept = _plan(repo, ours_tree, tree, ds, result, False)
    if refused:
        raise _refusal(repo, refused, set(result.untracked), tree, op)
    ours_id, other_id = repo.commit_info(ours).id if ours is not None else None, repo.commit_info(other).id
    made: dict = {}
    if committing:
        pending = _pending(repo, op, other, message, merge_parent=theirs if op == "merge" else None)

        def change(tx):
            parents = ((ours,) if ours is not None else ()) + pending.parents
            files = {p: (e.kind, tm.blobs[e.id]) if e is not None and e.id in tm.blobs else e
                     for p, e in changes.items()}
            now = int(time.time())
            when = (pending.date, pending.tz) if pending.date is not None else (now, local_tz(now))
            rev, cid, manifest, _ = commit_tree(repo, parents, files, author=pending.author, date=when[0],
                                                tz=when[1], message=message, base=ours_tree,
                                                committer=pending.committer)
            tx.view.committed(cid, [repo.commit_info(p).id for p in parents])
            tx.tree = (ours_id, cid)  # the files moved from ours to the commit: undo moves them back
            tx.description = f"{op} {other}: commit {rev} {_summary(message)!r}"
            made.update(rev=rev, id=cid)
    else:
        def change(tx):
            _store(repo, tm.blobs, changes, conflicts, ours_tree)
            record_id = repo.objects.put(serialize_record(changes, message))[0]
            tx.view.merge = MergeState(op, other_id, record_id, labels[0], labels[1], tuple(conflicts))
            tx.description = f"{op} {other}: {len(conflicts)} conflicts"

    stats = write_tree(repo, ours_tree, tree, writes, deletes, clear, blobs=tm.blobs, what=op,
                       description=f"{op} {other}", change_view=change)
    if committing:
        if pending.guessed:
            from vcs.porcelain.commit import _guessed_author
            repo.warn(_guessed_author(pending.author, pending.guessed))
        repo.remember_tree(made["rev"], tree)
        ds = _dirstate_after(ds, made["id"], tree, stats, kept)
    else:
        mark_dirstate(ds, ours_tree, changes)
    finish(repo, ds)
    kind = COMMITTED if committing else CONFLICTS if conflicts else STAGED
    renamed = {}
    for c in conflicts:
        if c.kind in ("modify/delete", "delete/modify"):
            to = _renamed_to(repo, ours if c.kind == "delete/modify" else theirs, c.path)
            if to is not None:
                renamed[c.path] = to
    return MergeResult(kind, op, made.get("rev", ours), made.get("id", ours_id), message, list(stats), deletes,
                       kept, [(c.path, c.kind) for c in conflicts], before, tm.merged, renamed)


def _renamed_to(repo: Repository, tip: int | None, path: bytes, limit: int = 1000) -> bytes | None:
    """The path the commit that removed `path` on `tip`'s first-parent line recorded it
    renamed to (None: removed, or not found within `limit` commits)."""
    from vcs.model.objects import moves
    rev = tip
    for _ in range(limit):
        if rev is None or path in repo.manifest(rev):
            return None
        parents = repo.parents(rev)
        if not parents:
            return None
        if path in repo.manifest(parents[0]):
            return next((dst for dst, (kind, src) in moves(repo.read_commit(rev)).items()
                         if src == path and kind == "rename"), None)
        rev = parents[0]
    return None


def _conflicts(repo: Repository, tm, tree: Manifest) -> tuple[list[Conflict], list[bytes]]:
    """The conflicts to record, those resolved before resolved again (the tree changed
    to their resolution), and the paths that were."""
    remembered = rerere.load(repo) if tm.conflicts and rerere.enabled(repo) else {}
    out, before = [], []
    for c in tm.conflicts:
        resolution = remembered.get(rerere.key(c.kind, c.base, c.ours, c.theirs), _MISSING)
        if resolution is not _MISSING and (resolution is None or file_on_path(c.path, tree) is None
                                           and not any(p.startswith(c.path + b"/") for p in tree)):
            if resolution is None:
                tree.pop(c.path, None)
            else:
                tree[c.path] = resolution
            before.append(c.path)
        out.append(Conflict(c.path, c.path in before, c.kind, c.base, c.ours, c.theirs))
    return out, before


def _store(repo: Repository, blobs: dict, changes: dict, conflicts: list[Conflict], ours: Manifest) -> None:
    """Store what the merge made that the working tree or the conflicts name (deltas
    against ours' version where the policy agrees), so that everything the merge state
    names is in the store."""
    wanted = [(p, e) for p, e in changes.items() if e is not None] + [(c.path, c.base) for c in conflicts
                                                                      if c.base is not None]
    for path, e in wanted:
        if e.id in blobs:
            repo.objects.put(blobs[e.id], ours[path].id if path in ours else None, path)


def _pending(repo: Repository, op: str, other: int, message: str, merge_parent: int | None) -> PendingCommit:
    """The commit an operation makes: a merge's second parent; a cherry-pick's author
    (and date) are the picked commit's, the committer this user; else this user, now
    (date None)."""
    now = int(time.time())
    author, guessed = repo.author()
    if op == "cherry-pick":
        c = repo.read_commit(other)
        return PendingCommit((), message, c.author, c.date, c.tz, (author, now, local_tz(now)), guessed)
    return PendingCommit((merge_parent,) if merge_parent is not None else (), message, author, None, None,
                         None, guessed)


def pending_commit(repo: Repository, partial: bool = False, amend: bool = False) -> PendingCommit | None:
    """What `vcs commit` makes while a merge (cherry-pick, revert) is in progress, or
    None when none is: refused while a conflict is unresolved, for some paths or hunks
    only (`partial`), and for --amend."""
    state = repo.state.view.merge
    if state is None:
        return None
    if partial:
        raise UsageError(f"cannot commit only some paths or changes while a {state.op} is in progress",
                         hint="`vcs commit` commits all of it (or `vcs merge --abort` gives it up)")
    if amend:
        raise StateError(f"cannot amend while a {state.op} is in progress",
                         hint="`vcs commit` concludes it (or `vcs merge --abort` gives it up)")
    if state.unresolved:
        shown = ", ".join(repo.show(p) for p in state.unresolved[:5]) + (", ..." if len(state.unresolved) > 5 else "")
        raise ConflictError(f"cannot commit: {len(state.unresolved)} conflict{'s' * (len(state.unresolved) != 1)} "
                            f"unresolved ({shown})",
                            hint="fix them, then `vcs resolve --mark PATH`; `vcs resolve --list` lists them")
    _, message = read_record(repo, state)
    other = repo.rev_of(state.other)
    return _pending(repo, state.op, other, message, other if state.op == "merge" else None)


def remember_resolutions(repo: Repository, state: MergeState, tree: Manifest) -> None:
    """After the commit that ends a merge: how each of its conflicts was resolved."""
    if state.conflicts and rerere.enabled(repo):
        rerere.remember(repo, {rerere.key(c.kind, c.base, c.ours, c.theirs): tree.get(c.path)
                               for c in state.conflicts})


def _summary(message: str) -> str:
    lines = message.strip().splitlines()
    return lines[0][:72] if lines else ""
