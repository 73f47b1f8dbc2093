"""`vcs op log`, `vcs undo`, `vcs redo`, `vcs op restore`: the operation log read and replayed.

Each of undo, redo and restore puts back an earlier operation's view (every ref,
HEAD, the working tree's parent) as a new operation, so each can itself be undone,
and nothing is deleted: a commit it leaves unreachable stays in the store, hidden.

What happens to the working tree follows the operations it goes back over
(vcs.repo.operations says which): an operation that rewrote working files (a
checkout, a stash, another undo that moved files) recorded the commits whose trees
it moved between, and going back over it moves them back, as a checkout does
(staged, hash-checked, journaled; refused where it would overwrite an uncommitted
change, unless `force`). An operation that only recorded the working tree (a
commit, an amend, a merge commit) left the files as they were, and so does going
back over it: the working tree's parent moves, and what it committed shows as
uncommitted changes. Returns plain data and never prints.
"""
from __future__ import annotations

from vcs import faults
from vcs.errors import NothingToDo
from vcs.records import record
from vcs.repo import operations
from vcs.repo.journal import check_no_interrupted_checkout
from vcs.repo.repository import Repository
from vcs.porcelain.checkout import finish_move, move_files

# kind: "undo", "redo" or "restore"; op: the OpEntry undone, redone or restored;
# changes: what the new operation changed (vcs.repo.operations.Changes); tree:
# "moved" (files were written), "kept" (the working tree's parent moved, no file did)
# or None; written, deleted, kept: as a checkout's.
UndoResult = record("UndoResult", "kind op before after changes tree written deleted kept")
# One line of `vcs op log`: the entry and what it changed.
OpLine = record("OpLine", "entry changes")


def op_log(repo: Repository, limit: int | None = None) -> list[OpLine]:
    entries = operations.history(repo)
    shown = entries if limit is None else entries[:max(0, limit)]
    return [OpLine(e, operations.changes(repo, operations.view_before(entries, i), e.op.view))
            for i, e in enumerate(shown)]


def undo(repo: Repository, force: bool = False) -> UndoResult:
    """Go back to the view before the operation at the current position."""
    return _step(repo, "undo", force)


def redo(repo: Repository, force: bool = False) -> UndoResult:
    """Redo the operation the last undo undid."""
    return _step(repo, "redo", force)


_NOTHING = {"undo": ("nothing to undo: the repository is as `vcs init` made it",
                     "`vcs op log` lists the operations"),
            "redo": ("nothing to redo: redo follows `vcs undo`, and an operation since ends it",
                     "`vcs op log` lists the operations; `vcs op restore OP` goes to any of them")}


def _step(repo: Repository, kind: str, force: bool) -> UndoResult:
    with repo.lock():
        repo.refresh()
        entries = operations.history(repo)
        i = operations.to_undo(entries) if kind == "undo" else operations.to_redo(entries)
        if i is None:
            raise NothingToDo(*_NOTHING[kind])
        # An undo goes to the view before operation i (its parent's); a redo to its own.
        target = i if kind == "redo" else i + 1 if i + 1 < len(entries) else None
        return _go_to(repo, entries, target, kind, entries[i], force)


def restore(repo: Repository, spec: str, force: bool = False) -> UndoResult:
    """Go to the view operation `spec` left."""
    with repo.lock():
        repo.refresh()
        entries = operations.history(repo)
        i = operations.find(entries, spec)
        return _go_to(repo, entries, i, "restore", entries[i], force)


def _go_to(repo: Repository, entries, target: int | None, kind: str, op, force: bool) -> UndoResult:
    """Make the view of entries[target] (None: the view before the first) the current
    one, as a new operation recording `kind` and `op`; the working tree follows the
    operations gone back over (entries[:target])."""
    view = entries[target].op.view if target is not None else operations.view_before(entries, len(entries) - 1)
    before = repo.state.view
    span = entries if target is None else entries[:target]
    old, new, ends = _tree_moves(repo, [e.op.tree for e in span if e.op.tree is not None])
    moved = None
    if old != new:
        wc = before.wc
        base = repo.manifest(None if wc is None else repo.rev_of(wc))
        old_tree, new_tree = dict(base), dict(base)
        for path in old:
            _set(old_tree, path, old[path])
            _set(new_tree, path, new[path])
        goal = ends[1] if ends and ends[1] is not None else view.wc or wc
        moved = move_files(repo, old_tree, new_tree, goal, force, note=f"{kind} {repo.state.op[1].hex()}",
                           command="undo" if kind == "undo" else "redo" if kind == "redo" else "op restore")
        faults.step(f"{kind}:moved")
    else:
        check_no_interrupted_checkout(repo)  # moving no file, it cannot finish a half-way tree
    ds = moved.ds if moved is not None else repo.dirstate()
    ds.reparent(view.wc, repo.manifest(None if view.wc is None else repo.rev_of(view.wc)))
    with repo.transaction(f"{kind} {op.id.hex()[:12]}: {op.op.description}") as tx:
        tx.view = view.copy()
        tx.target = (kind, op.id)
        if moved is not None:
            tx.tree = ends
    faults.step(f"{kind}:recorded")
    if moved is not None:
        finish_move(repo, ds)
    else:
        repo.save_dirstate(ds)
    changes = operations.changes(repo, before, view)
    tree = "moved" if moved is not None else "kept" if before.wc != view.wc else None
    return UndoResult(kind, op, before, view, changes, tree, moved.written if moved else [],
                      moved.deleted if moved else [], moved.kept if moved else [])


def _tree_moves(repo: Repository, trees: list[tuple]) -> tuple[dict, dict, tuple | None]:
    """Going back over operations that moved the working tree (newest first, each
    (from, to)): for each path they touched, what the files should hold now (the
    newest move's `to`) and what they will hold after (the oldest move's `from`);
    and the (from, to) commits of the whole, for the new operation's record."""
    old: dict = {}
    new: dict = {}
    for start, end in trees:
        a, b = _manifest(repo, end), _manifest(repo, start)
        for path in a.keys() | b.keys():
            if a.get(path) != b.get(path):
                old.setdefault(path, a.get(path))
                new[path] = b.get(path)
    if not trees:
        return old, new, None
    return old, new, (trees[0][1], trees[-1][0])


def _manifest(repo: Repository, oid):
    return {} if oid is None else repo.manifest(repo.rev_of(oid))


def _set(tree: dict, path: bytes, entry) -> None:
    if entry is None:
        tree.pop(path, None)
    else:
        tree[path] = entry
