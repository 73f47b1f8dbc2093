"""The checkout journal (`.vcs/checkout`): a working-tree operation in progress.

A checkout writes it, sealed, before it touches the first working file: where it
started, where it goes, and every path it writes or deletes with the content it puts
there. While it stands, whatever runs next can tell vcs's own writes from the user's
edits (`half_way`), so the next checkout finishes or reverses them exactly and never
reports them as the user's changes; commands that would build on a half-way tree
refuse, and every other command says what to run. An import records its pending
checkout here before its commit point, so a kill between the two is reported too.
An undo, redo or op restore moves files before its commit point (note `undo OPID`:
the operation it started from; once the state names another, the move was recorded
and the journal is stale); a stash moves them after it (note `stash OPID`: the
operation that recorded it), so its changes are stored before a file changes.

    vcs-checkout 2
    source HEXID | -          the commit the working tree was at
    target HEXID              the commit it goes to
    note TEXT | -             why ("import N": an import's checkout; "merge N", "abort N":
                              a merge's, or its abort's, whose operation is number N)
    wKIND HEXID PATH          a file vcs may have written there (one line each)
    d PATH                    a file vcs may have deleted
"""
from __future__ import annotations

import os

from vcs.errors import CorruptError, StateError, VcsError
from vcs.model.objects import GIT_MODES, Entry, Manifest, ObjectId, content_id, path_problem
from vcs.records import record
from vcs.storage.log import atomic_write, seal, unseal
from vcs.worktree import files as worktree
from vcs.worktree.dirstate import NORMAL, Dirstate, Tracked

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from vcs.repo.repository import Repository

# An interrupted checkout, as its journal tells it. source: HEAD when it started (None
# before the first checkout); target: the commit it goes to; note: why, for messages
# ("import N" when an import's checkout never ran); states: path -> the entries vcs
# may have put there (None: deleted it). A file on disk in one of its path's states
# is vcs's own write, not the user's change.
Journal = record("Journal", "source target note states")

_JOURNAL = "vcs-checkout 2"


def check_no_interrupted_checkout(repo: Repository) -> None:
    told = interrupted(repo)
    if told is not None:
        raise StateError(*told)


def interrupted(repo: Repository) -> tuple[str, str] | None:
    """(what happened, what to run) while a checkout's journal stands, else None."""
    journal = read_journal(repo)
    if journal is None:
        return None
    rev = repo.rev_of(journal.target)
    what = (journal.note or "").split(" ")[0]
    if what in _MOVES:
        return (f"{_MOVES[what][0]} was interrupted; the working tree is half-way", _MOVES[what][1])
    if journal.note and journal.note.startswith("import "):
        return (f"an import of {journal.note[7:]} commits finished but its checkout did not",
                f"run `vcs checkout {rev}`")
    if journal.note and journal.note.startswith(("merge ", "abort ")):
        merging = repo.state.view.merge
        view = repo.state.view
        name = view.head_branch if view.head_branch and view.head == journal.target else rev
        if merging is not None:
            return (f"a {merging.op} stopped half-way writing the working tree",
                    f"run `vcs merge --abort` to go back to revision {rev}, then start it again")
        what = "aborting a merge" if journal.note.startswith("abort ") else "a merge"
        return (f"{what} stopped half-way writing the working tree of revision {rev}",
                f"run `vcs checkout {name}` to finish it")
    back = repo.commit_ids().get(journal.source) if journal.source is not None else None
    return (f"a checkout of revision {rev} was interrupted; the working tree is half-way",
            f"run `vcs checkout {rev}` to finish it" +
            (f" (or `vcs checkout {back}` to go back)" if back is not None and back != rev else ""))


_MOVES = {"undo": ("an undo", "run `vcs undo` again to finish it"),
          "redo": ("a redo", "run `vcs redo` again to finish it"),
          "restore": ("an op restore", "run the same `vcs op restore` again to finish it"),
          "stash": ("a stash command (recorded: its changes are stored)",
                    "run `vcs undo` to put the working tree back as it was before it")}


def read_journal(repo: Repository) -> Journal | None:
    """The journal of an interrupted checkout, or None. A journal whose target is not
    committed is stale (an import killed before its commit point wrote it) and ignored,
    and so is a move's whose operation is no longer the current one (see above)."""
    path = repo.path("checkout")
    try:
        with open(path, "rb") as f:
            body = unseal(f.read(), path)
    except FileNotFoundError:
        return None
    journal = _parse_journal(repo, body, path)
    if journal is None or journal.target not in repo.commit_ids() or not _committed(repo, journal.note):
        return None
    what, _, op = (journal.note or "").partition(" ")
    if what in _MOVES and (repo.state.op is None or repo.state.op[1].hex() != op):
        return None
    return journal


def _committed(repo: Repository, note: str | None) -> bool:
    """A merge's journal is written before its commit point: it stands once the
    operation it names (by number) is in the operation log."""
    if not note or not note.startswith(("merge ", "abort ")):
        return True
    op = note.split(" ")[1]
    return op.isdigit() and len(op) < 19 and repo.state.op is not None and repo.state.op[0] >= int(op)


def _parse_journal(repo: Repository, body: bytes, path: str) -> Journal | None:
    lines = body.split(b"\n")
    if lines[0] != _JOURNAL.encode():
        # The first format: the target revision's number alone.
        try:
            rev = int(body.decode("ascii").strip())
            return Journal(None, repo.commit_info(rev).id, None, {}) if 0 <= rev < len(repo) else None
        except (ValueError, UnicodeDecodeError):
            raise CorruptError(f"{path} is malformed", hint=_JOURNAL_HINT) from None
    try:
        fields = dict(line.decode("ascii").split(" ", 1) for line in lines[1:4])
        source = None if fields["source"] == "-" else ObjectId(bytes.fromhex(fields["source"]))
        target = ObjectId(bytes.fromhex(fields["target"]))
        note = fields["note"] if fields["note"] != "-" else None
        states: dict[bytes, list] = {}
        for line in lines[4:]:
            if not line:
                continue
            if line[:2] == b"d ":
                at, entry = line[2:], None
            else:
                # w KIND HEXID PATH, as _write_journal writes it
                kind, oid, at = line[1:2].decode("ascii"), bytes.fromhex(line[3:35].decode("ascii")), line[36:]
                if line[:1] != b"w" or kind not in GIT_MODES or len(oid) != 16 or line[2:3] + line[35:36] != b"  ":
                    raise ValueError(f"bad line {line[:60]!r}")
                entry = Entry(kind, ObjectId(oid))
            problem = path_problem(at)
            if problem:
                raise ValueError(f"a forbidden path {at!r}: {problem}")
            states.setdefault(at, []).append(entry)
    except (KeyError, ValueError, UnicodeDecodeError) as e:
        raise CorruptError(f"{path} is malformed: {e}", hint=_JOURNAL_HINT) from None
    return Journal(source, target, note, states)


_JOURNAL_HINT = "`vcs checkout --force REV` goes to REV anyway (uncommitted changes are lost)"


def write_journal(repo: Repository, journal: Journal) -> None:
    lines = [_JOURNAL.encode(), b"source " + (journal.source.hex().encode() if journal.source else b"-"),
             b"target " + journal.target.hex().encode(), b"note " + (journal.note or "-").encode()]
    for path in sorted(journal.states):
        for e in journal.states[path]:
            lines.append(b"d " + path if e is None else b"w%s %s %s" % (e.kind.encode(), e.id.hex().encode(), path))
    atomic_write(repo.path("checkout"), seal(b"\n".join(lines) + b"\n"))


def write_pending(repo: Repository, target: bytes, note: str) -> None:
    """Record, before the commit point of an import, that its checkout is still to run."""
    write_journal(repo, Journal(None, ObjectId(target), note, {}))


def without_own_writes(repo: Repository, ds: Dirstate) -> None:
    """While a journal stands, make `ds` see vcs's own writes as clean (for status),
    so only the user's edits show as changes. A corrupt journal is left to the
    warning every command gives."""
    if not os.path.exists(repo.path("checkout")):
        return
    try:
        journal = read_journal(repo)
    except CorruptError:
        return
    if journal is not None:
        half_way(repo, journal, repo.manifest(repo.wc_rev()), ds)


def half_way(repo: Repository, journal: Journal, head: Manifest, ds: Dirstate) -> Manifest:
    """The tree an interrupted checkout left: HEAD's listing with every path where vcs's
    own write (or deletion) is on disk taken as it is there. `ds` is changed to match,
    so a scan sees those files clean and only the user's edits as changes."""
    tree = dict(head)
    stored: set | None = None
    for path, states in journal.states.items():
        st = worktree.lstat(repo.root, path)
        if st is None:
            if None in states:
                tree.pop(path, None)
                ds.files.pop(path, None)
            continue
        try:
            data, st, kind = worktree.read_stable(repo.root, path, st)
        except VcsError:
            continue  # cannot be read: not known to be vcs's
        e = Entry(kind, content_id(data))
        if e not in states:
            continue
        if stored is None:
            stored = set()
        if e.id not in stored:
            if repo.objects.find(e.id) is None:
                continue  # vcs writes only what it stores: this is not its write
            stored.add(e.id)
        tree[path] = e
        t = ds.files.get(path)
        if t is None or (t.state, t.kind, t.id) != (NORMAL, e.kind, e.id):
            t = ds.files[path] = Tracked(NORMAL, e.kind, e.id)
        t.cache(st)
    return tree


