"""`vcs resolve`, `vcs checkout --conflict` and `vcs merge --abort`: working through the
conflicts of a merge (cherry-pick, revert) in progress, or giving it up.

Everything is read from the merge state the view holds (vcs.model.mergestate): each
conflict's base, ours and theirs entries are in the store, so markers can be drawn again
in any style, and the record of what the merge wrote says what an abort puts back.
Marking is a change of the view (one line), so it is in the operation log like every
other ref change; a file is never rewritten but by `--conflict` and `--abort`.
"""
from __future__ import annotations

from vcs.diff import merge3
from vcs.diff.delta import split_lines
from vcs.errors import CorruptError, StateError, UsageError
from vcs.model.mergestate import MergeState, apply_record
from vcs.model.objects import SYMLINK, Entry, content_id
from vcs.porcelain.checkout import _stage, _unstage
from vcs.porcelain.merge import marker_labels, style as configured_style
from vcs.porcelain.update import finish, write_tree
from vcs.records import record
from vcs.repo.journal import check_no_interrupted_checkout, half_way, read_journal
from vcs.repo.merging import read_record
from vcs.repo.repository import Repository
from vcs.repo.treemerge import TEXT_KINDS
from vcs.worktree import files as worktree
from vcs.worktree.dirstate import NORMAL, Tracked
from vcs.worktree.scan import in_scope

# A conflict as `resolve --list` shows it.
ConflictRow = record("ConflictRow", "path resolved kind")
AbortResult = record("AbortResult", "op rev written deleted")


def in_progress(repo: Repository) -> MergeState:
    state = repo.state.view.merge
    if state is None:
        raise StateError("no merge, cherry-pick or revert is in progress")
    return state


def conflicts(repo: Repository) -> tuple[MergeState, list[ConflictRow]]:
    state = in_progress(repo)
    return state, [ConflictRow(c.path, c.resolved, c.kind) for c in state.conflicts]


def mark(repo: Repository, paths: list[str], resolved: bool = True, every: bool = False) -> list[bytes]:
    """Mark conflicts resolved (or unresolved again): those at or under `paths`, or all."""
    with repo.lock():
        repo.refresh()
        state = in_progress(repo)
        targets = _targets(repo, state, paths, every)
        with repo.transaction(f"resolve --{'mark' if resolved else 'unmark'} {len(targets)}") as tx:
            tx.view.merge = state.with_resolved(targets, resolved)
        if resolved:
            _warn_markers(repo, state, targets)
        return targets


def _targets(repo: Repository, state: MergeState, paths: list[str], every: bool) -> list[bytes]:
    if every:
        return [c.path for c in state.conflicts]
    if not paths:
        raise UsageError("name the paths to mark, or use --all")
    out = []
    for arg in paths:
        rel = repo.relpath(arg)
        hits = [c.path for c in state.conflicts if in_scope(c.path, [rel])]
        if not hits:
            raise UsageError(f"{arg} is not in conflict", hint="`vcs resolve --list` lists the conflicts")
        out += [h for h in hits if h not in out]
    return out


def _warn_markers(repo: Repository, state: MergeState, paths: list[bytes]) -> None:
    """A file marked resolved that still holds a conflict's markers gets a warning."""
    for path in paths:
        c = state.conflict(path)
        if c.kind not in TEXT_KINDS:
            continue
        st = worktree.lstat(repo.root, path)
        if st is None or worktree.kind_of(st) == SYMLINK:
            continue
        data = worktree.read(repo.root, path, worktree.kind_of(st) or "f")
        if any(line.startswith((b"<<<<<<< ", b">>>>>>> ")) for line in data.split(b"\n")):
            repo.warn(f"{repo.show(path)} still holds conflict markers")


def recreate(repo: Repository, paths: list[str], style: str | None = None) -> list[bytes]:
    """`vcs checkout --conflict[=STYLE] PATH...`: draw the conflicts of these paths again
    from their recorded versions (a conflict that is not text: ours again), and mark them
    unresolved. Local edits to them are replaced, as git's checkout --conflict does."""
    with repo.lock():
        repo.refresh()
        check_no_interrupted_checkout(repo)
        state = in_progress(repo)
        targets = _targets(repo, state, paths, False)
        style = style or configured_style(repo)
        files = {path: _drawn(repo, state, state.conflict(path), style) for path in targets}
        # Unresolved first: a kill then leaves it unresolved with the old file, never
        # resolved with markers in it.
        with repo.transaction(f"checkout --conflict {len(targets)}") as tx:
            tx.view.merge = state.with_resolved(targets, False)
        blobs = {content_id(data): data for kind, data in files.values() if data is not None}
        writes = [(p, Entry(kind, content_id(data))) for p, (kind, data) in files.items() if data is not None]
        staged = _stage(repo, writes, contents=blobs)
        ds = repo.dirstate()
        try:
            for path, tmp in staged:
                worktree.move_into_place(repo.root, path, tmp)
            for path, (kind, data) in files.items():
                if data is None and worktree.lstat(repo.root, path) is not None:
                    worktree.remove(repo.root, path)
                if path in ds.files:
                    ds.files[path].cache(None)
        except OSError as e:
            raise StateError(f"cannot write {e.filename or 'a file'}: {e.strerror}",
                             hint="fix that, then run the command again") from None
        finally:
            _unstage(staged)
        repo.save_dirstate(ds)
        return targets


def _drawn(repo: Repository, state: MergeState, c, style: str) -> tuple[str, bytes | None]:
    """(kind, bytes) of a conflict's file drawn again; (kind, None): no file (ours had none)."""
    if c.kind not in TEXT_KINDS or c.ours is None or c.theirs is None:
        return ("f", None) if c.ours is None else (c.ours.kind, repo.objects.read(c.ours.id, c.path))
    read = repo.objects.read
    two_way = c.base is None or (c.base.kind == SYMLINK) != (c.ours.kind == SYMLINK)
    base = b"" if two_way else read(c.base.id, c.path)
    ours_label, base_label, theirs_label = marker_labels(repo, state.op, state.ours_label, state.theirs_label,
                                                         repo.rev_of(state.other))
    if base_label is None:
        base_label = _base_label(repo, state)
    chunks = merge3.merge_lines(split_lines(base), split_lines(read(c.ours.id, c.path)),
                                split_lines(read(c.theirs.id, c.path)), style)
    data, _ = merge3.render(chunks, style, (ours_label, base_label, theirs_label))
    b_kind = c.base.kind if c.base is not None else None
    kind = c.theirs.kind if c.ours.kind in (c.theirs.kind, b_kind) else c.ours.kind
    return kind, data


def _base_label(repo: Repository, state: MergeState) -> bytes:
    """A merge's base as its markers name it: as the merge did (vcs.repo.treemerge)."""
    bases = repo.changelog.merge_bases(repo.wc_rev(), repo.rev_of(state.other))
    if not bases:
        return b"empty tree"
    return repo.commit_info(bases[0]).id.hex()[:12].encode() if len(bases) == 1 else b"merged common ancestors"


def abort(repo: Repository) -> AbortResult:
    """Give the operation up: every file it wrote goes back to ours (resolutions made
    since are lost, as with git's merge --abort); local changes it did not touch stay."""
    with repo.lock():
        repo.refresh()
        state = in_progress(repo)
        rev = repo.wc_rev()
        ours = repo.manifest(rev)
        try:
            changes, _ = read_record(repo, state)
        except CorruptError as e:
            repo.warn(f"{e.message}; only the conflicting files are put back")
            changes = {}
        ds = repo.dirstate()
        try:
            journal = read_journal(repo)
        except CorruptError:
            journal = None
        if journal is not None:
            half_way(repo, journal, ours, ds)
        paths = sorted(set(changes) | {c.path for c in state.conflicts})
        writes, deletes = [], []
        for path in paths:
            target = ours.get(path)
            if _on_disk(repo, path) == ((target.kind, target.id) if target is not None else None):
                continue
            (deletes if target is None else writes).append(path)
        states = {p: list(v) for p, v in (journal.states.items() if journal is not None else ())}

        def change(tx):
            tx.view.merge = None

        merged = apply_record(ours, changes)
        stats = write_tree(repo, merged, ours, writes, deletes, [], blobs={}, what="abort", step="abort",
                           description=f"{state.op} --abort", change_view=change, states=states)
        for path in paths:
            e = ours.get(path)
            if e is None:
                ds.files.pop(path, None)
                continue
            t = ds.files.get(path)
            if t is None or (t.state, t.kind, t.id) != (NORMAL, e.kind, e.id) or path in stats:
                t = ds.files[path] = Tracked(NORMAL, e.kind, e.id)
                t.cache(stats.get(path))
        finish(repo, ds)
        return AbortResult(state.op, rev, sorted(stats), deletes)


def _on_disk(repo: Repository, path: bytes) -> tuple[str, bytes] | None:
    st = worktree.lstat(repo.root, path)
    if st is None:
        return None
    kind = worktree.kind_of(st) or "f"
    return kind, content_id(worktree.read(repo.root, path, kind))
