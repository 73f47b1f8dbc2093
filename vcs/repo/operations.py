"""The operation log read back: every operation checked, an operation named by a prefix
of its id, what each changed, and where undo and redo go.

Every operation is read from the newest backwards (vcs.storage.appendfile.Chain) and
checked before anything follows it: its record must hash to the id that names it (the
state names the newest; each names its parent), its parent must be the record before,
and an undo, redo or restore must name an older operation. A corrupt or forged entry
is a CorruptError, never followed.

Undo walks back, redo forward, as jj's do since 2025 (undo of an undo is not a
toggle). Each operation has a *position*: the operation of ordinary history whose
view it holds. An ordinary operation (and an op restore) is its own position; an
undo of X holds the view before X, so its position is X's parent's; a redo of X
holds X's view, so its position is X. `vcs undo` undoes the operation at the current
position; `vcs redo` redoes the last operation undone since the last ordinary one.
"""
from __future__ import annotations

from vcs.errors import CorruptError, UsageError
from vcs.model import oplog
from vcs.model.objects import ObjectId, content_id
from vcs.model.refs import View
from vcs.records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from vcs.repo.repository import Repository

# One operation as read back: its record number, its id and the Operation.
OpEntry = record("OpEntry", "n id op")
# What an operation changed, from the view before it to its own: refs as
# (what, old id, new id) with None for a ref that did not exist, and the commits it
# made visible (added) or hid, as revision numbers, highest first.
Changes = record("Changes", "refs added hidden")


def history(repo: Repository) -> list[OpEntry]:
    """Every operation, newest first, each checked (see above)."""
    if repo.state.op is None:
        if len(repo.oplog):
            raise CorruptError("the state names no operation, but the operation log holds some",
                               hint="run `vcs verify`")
        return []
    n, expect = repo.state.op
    chain = repo.oplog
    if n != len(chain) - 1:
        raise CorruptError(f"the state names operation {n}, but the log holds {len(chain)}", hint="run `vcs verify`")
    # Read oldest first: each record is then one delta on the one before (newest first,
    # each would replay its chain from the last whole record again).
    records = [chain.read(k) for k in range(n + 1)]
    out: list[OpEntry] = []
    while True:
        data = records[n]
        oid = content_id(data)
        if oid != expect:
            raise CorruptError(f"operation {n} does not match the id {expect.hex()[:12]} that names it",
                               hint="run `vcs verify`")
        op = oplog.parse(data, f"operation {n}")
        out.append(OpEntry(n, oid, op))
        if (op.parent is None) != (n == 0):
            raise CorruptError(f"operation {n}: its parent is not the operation before it", hint="run `vcs verify`")
        if op.parent is None:
            break
        n, expect = n - 1, op.parent
    seen: set[bytes] = set()
    for entry in reversed(out):
        if entry.op.target is not None and entry.op.target[1] not in seen:
            raise CorruptError(f"operation {entry.n} names {entry.op.target[1].hex()[:12]} as the operation it "
                               f"{entry.op.target[0]}s, which is not an earlier one", hint="run `vcs verify`")
        seen.add(entry.id)
    return out


def find(entries: list[OpEntry], spec: str) -> int:
    """The index in `entries` (newest first) of the operation `spec` names: a prefix of
    its id, `@` (the current one) or `@-`, `@--`... (counted back)."""
    if spec.startswith("@") and set(spec[1:]) <= {"-"}:
        back = len(spec) - 1
        if back >= len(entries):
            raise UsageError(f"operation {spec} does not exist: the log holds {len(entries)}")
        return back
    prefix = spec.lower()
    if not prefix or any(c not in "0123456789abcdef" for c in prefix):
        raise UsageError(f"{spec!r} names no operation", hint="an operation is a prefix of its id: `vcs op log`")
    hits = [i for i, e in enumerate(entries) if e.id.hex().startswith(prefix)]
    if len(hits) > 1:
        raise UsageError(f"operation {spec!r} is ambiguous: it matches {len(hits)}", hint="give more digits")
    if not hits:
        raise UsageError(f"no operation {spec!r}", hint="`vcs op log` lists them")
    return hits[0]


def view_before(entries: list[OpEntry], i: int) -> View:
    """The view before operation i: its parent's, or a new repository's for the first."""
    return entries[i + 1].op.view if i + 1 < len(entries) else View("main")


def position(entries: list[OpEntry], i: int) -> int | None:
    """The index of the ordinary operation whose view operation i holds (None: the
    view before the first operation)."""
    index = {e.id: k for k, e in enumerate(entries)}
    while True:
        target = entries[i].op.target
        if target is None or target[0] == "restore":
            return i
        j = index[target[1]]
        if target[0] == "redo":
            i = j
        elif j + 1 == len(entries):
            return None
        else:
            i = j + 1


def to_undo(entries: list[OpEntry]) -> int | None:
    """The index of the operation `vcs undo` undoes now, or None."""
    return position(entries, 0) if entries else None


def to_redo(entries: list[OpEntry]) -> int | None:
    """The index of the operation `vcs redo` redoes now: the last one undone since the
    last ordinary operation and not redone yet, or None."""
    run = []
    for e in entries:
        if e.op.target is None or e.op.target[0] == "restore":
            break
        run.append(e.op.target)
    undone: list[ObjectId] = []
    for kind, oid in reversed(run):
        if kind == "undo":
            undone.append(oid)
        elif undone and undone[-1] == oid:
            undone.pop()
    if not undone:
        return None
    return next(k for k, e in enumerate(entries) if e.id == undone[-1])


def changes(repo: Repository, before: View, after: View) -> Changes:
    """What changed from view `before` to view `after`."""
    refs = []
    old_head = before.head_branch if before.head_branch is not None else before.detached
    new_head = after.head_branch if after.head_branch is not None else after.detached
    if old_head != new_head:
        refs.append(("HEAD", old_head, new_head))
    if before.wc != after.wc:
        refs.append(("working tree", before.wc, after.wc))
    for kind, a, b in (("branch", before.branches, after.branches), ("tag", before.tags, after.tags),
                       ("remote", before.remotes, after.remotes), ("stash", before.stashes, after.stashes)):
        for name in sorted(a.keys() | b.keys(), key=str):
            if a.get(name) != b.get(name):
                refs.append((f"{kind} {name}", a.get(name), b.get(name)))
    revs = repo.commit_ids()

    def numbers(view: View) -> set[int]:
        return {revs[oid] for oid in view.targets() if oid in revs}

    new, old = numbers(after), numbers(before)
    cl = repo.changelog
    return Changes(refs, cl.only(new - old, old), cl.only(old - new, new))


def hidden(repo: Repository, view: View) -> list[int]:
    """Every stored commit no ref, head or working tree of `view` reaches, highest
    first: what undo and amend leave behind (nothing is deleted)."""
    revs = repo.commit_ids()
    visible = {revs[oid] for oid in view.targets() if oid in revs}
    reachable = set(repo.changelog.ancestors(visible))
    return [r for r in range(len(repo) - 1, -1, -1) if r not in reachable]
