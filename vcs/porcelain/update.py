"""Writing a tree into the working tree as part of an operation that also changes the refs
(a merge, a fast-forward, an abort), with checkout's machinery and one commit point.

Every file is staged (rebuilt, or given, and hash-checked) in .vcs/tmp first; then one
transaction changes the refs (and appends a merge commit, or records the merge state)
and, before its commit point, writes the checkout journal listing every path the
operation writes or deletes, with both what was there and what it puts there. The
journal names the operation by its number in the operation log, so it stands only once
the transaction is committed: a kill before leaves the tree and the refs as they were;
a kill after leaves a journal that every command reports (vcs.repo.journal), and files
that are wholly old or wholly new, each known as vcs's own write. Then the files move
into place, the caller saves the dirstate, and `finish` removes the journal.
"""
from __future__ import annotations

import os

from vcs import faults
from vcs.errors import StateError
from vcs.model.objects import Manifest, show
from vcs.porcelain.checkout import _place, _stage, _unstage
from vcs.repo.journal import Journal, write_journal
from vcs.repo.repository import Repository


def write_tree(repo: Repository, old: Manifest, new: Manifest, writes: list[bytes], deletes: list[bytes],
               clear: list[bytes], *, blobs: dict, what: str, description: str, change_view, step: str = "merge",
               states: dict | None = None) -> dict:
    """Make the working files at `writes` and `deletes` those of `new`, in one transaction
    with `change_view(tx)`; returns path -> stat of the files written. `old` is what the
    tree holds now (for the journal); `blobs`: contents not stored yet; `what` names the
    operation in messages; `states`: more entries to count as vcs's own (an earlier
    journal's). Fault steps: STEP:records, STEP:journal, STEP:committed, STEP:file:N."""
    staged = _stage(repo, [(p, new[p]) for p in writes], contents=blobs)
    states = {p: list(v) for p, v in (states or {}).items()}
    for path in writes + deletes:
        for entry in (old.get(path), new.get(path)):
            if entry not in states.setdefault(path, []):
                states[path].append(entry)
    journal, op = False, -1
    try:
        try:
            with repo.transaction(description) as tx:
                change_view(tx)
                faults.step(f"{step}:records")
                op = len(repo.oplog)  # the number the transaction's operation gets
                write_journal(repo, Journal(repo.state.view.wc, tx.view.wc,
                                            f"{'abort' if step == 'abort' else 'merge'} {op}", states))
                journal = True
                faults.step(f"{step}:journal")
        except BaseException:
            if journal and (repo.state.op is None or repo.state.op[0] < op):
                _remove_journal(repo)  # not committed (an interrupt after the commit point keeps it)
            raise
        faults.step(f"{step}:committed")
        stats: dict = {}
        try:
            _place(repo, deletes, clear, staged, step, stats)
        except OSError as e:
            raise StateError(f"cannot write {show(e.vcs_path)}: {e.strerror}; the {what} is recorded, but its files "
                             "stopped half-way (each is wholly old or wholly new)",
                             hint="fix that; then any command says what to run") from None
    except OSError as e:
        raise StateError(f"cannot write {e.filename or 'the repository'}: {e.strerror}; nothing was changed",
                         hint=f"free some space or fix that, then {what} again") from None
    finally:
        _unstage(staged)
    return stats


def finish(repo: Repository, ds) -> None:
    """The files are in place: the dirstate follows them, and the journal goes. A
    dirstate that cannot be saved is removed instead: the next command rebuilds it from
    the view (with a merge's marks: vcs.repo.merging); if even that fails, the journal
    stays, and every command says what to run."""
    try:
        repo.save_dirstate(ds)
    except OSError as e:
        try:
            os.unlink(repo.path("dirstate"))
        except FileNotFoundError:
            pass
        except OSError:
            raise StateError(f"cannot write {e.filename or 'the dirstate'}: {e.strerror}; the files are in place "
                             "but not recorded as written", hint="fix that; then any command says what to run") \
                from None
        repo.warn(f"could not save the stat cache ({e.strerror}); the next command rebuilds it")
    faults.step("merge:dirstate")
    _remove_journal(repo)


def _remove_journal(repo: Repository) -> None:
    try:
        os.unlink(repo.path("checkout"))
    except FileNotFoundError:
        pass
