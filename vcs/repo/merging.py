"""A merge in progress, as the repository reads it: the record of what the merge wrote
(vcs.model.mergestate), and the dirstate that goes with it.

While a merge (cherry-pick, revert) is not committed, the working tree holds what it
wrote, against ours: the dirstate marks its new files added, the files it deleted
removed, and the files it changed to be read again (modified). The dirstate is a cache,
rebuilt from HEAD when it is lost; with a merge in progress those marks are rebuilt too,
from the record in the store, so a lost dirstate never drops theirs' new files from the
merge commit or brings back the files it deleted.
"""
from __future__ import annotations

from vcs.errors import CorruptError, StateError
from vcs.model.mergestate import MergeState, parse_record
from vcs.model.objects import Entry, Manifest
from vcs.worktree.dirstate import ADDED, NO_ID, NORMAL, REMOVED, Dirstate, Tracked


def check_no_merge(repo, command: str) -> None:
    """Refuse `command` while a merge (cherry-pick, revert) is in progress."""
    state = repo.state.view.merge
    if state is not None:
        raise StateError(f"a {state.op} is in progress: {command} waits until it is concluded",
                         hint="commit it (`vcs commit`), or give it up (`vcs merge --abort`)")


def read_record(repo, state: MergeState) -> tuple[dict[bytes, Entry | None], str]:
    """(what the merge wrote, the commit's message), checked."""
    try:
        return parse_record(repo.objects.read(state.record), "the merge record")
    except ValueError as e:
        raise CorruptError(str(e), hint="run `vcs verify`; `vcs merge --abort` gives the merge up") from None


def mark_dirstate(ds: Dirstate, ours: Manifest, changes: dict[bytes, Entry | None]) -> None:
    """The dirstate after an uncommitted merge: what it added is added, what it deleted
    removed, what it changed read again by status, all against ours."""
    for path, e in changes.items():
        o = ours.get(path)
        if e is None:
            if o is not None:
                ds.files[path] = Tracked(REMOVED, o.kind, o.id)
            else:
                ds.files.pop(path, None)
        elif o is None:
            ds.files[path] = Tracked(ADDED, e.kind, NO_ID)
        else:
            ds.files[path] = Tracked(NORMAL, o.kind, o.id)


def rebuilt_dirstate(repo, ds: Dirstate, ours: Manifest) -> None:
    """A dirstate rebuilt from ours while a merge is in progress gets the merge's marks."""
    state = repo.state.view.merge
    if state is None:
        return
    try:
        changes, _ = read_record(repo, state)
    except CorruptError as e:
        repo.warn(f"{e.message}; the dirstate was rebuilt without the merge's changes")
        return
    mark_dirstate(ds, ours, changes)
