"""Format 1 (vcs 0.1) to format 2: read as it is, upgraded in place by the first write.

Format 1 kept one parent per commit in the commits log's index (the entry's base), HEAD
and the log lengths in `.vcs/state`, and tags in `.vcs/tags`. Format 2 puts parents
inside the records, refs and the operation log in the state (vcs.repo.state), and adds
the file history. No id changes: a one-parent commit hashes as in format 1
(objects.commit_id), file versions and the objects log are kept as they are, and each
commit record gains only its parent line.

The upgrade writes the new logs (changelog, filelog, oplog: names format 1 never
used) beside the old ones, fsyncs them, then replaces `.vcs/state` with a format-2 state:
that rename is the commit point. Then `.vcs/format` says 2 and the old files go. A kill
before the rename leaves format 1 intact (the next attempt truncates what it left); a
kill after it leaves format 2 complete, which the next command finishes tidying.

Read-only commands on a format-1 repository convert it in memory each time (MemoryStore
for the new logs, the objects log read from disk): correct, and slower; `vcs upgrade`
or any write makes it permanent.
"""
from __future__ import annotations

import os

from vcs import faults
from vcs.storage.changelog import Changelog
from vcs.errors import CorruptError, StateError
from vcs.storage.filelog import Filelog
from vcs.model.objects import ID_SIZE, Manifest, ObjectId, apply_changes, content_id, parse_commit
from vcs.model.oplog import Operation, serialize as serialize_op
from vcs.model.refs import View
from vcs.repo.state import LOGS, DiskStore, MemoryStore, State
from vcs.storage.log import FLAG_SNAPSHOT, NO_BASE, Log, atomic_write, unseal

NEW_LOGS = LOGS[1:4]  # everything but the objects log, which format 2 keeps as it is, and the line
# origins, which the first annotate builds (or `vcs upgrade`)


def open_format1(repo, disk: DiskStore):
    """The store to read a repository whose format file says 1 through."""
    data = disk.read_state()
    if data is not None and data.startswith(b"vcs-state 2\n"):
        # The upgrade passed its commit point and was stopped before it said so: finish.
        try:
            _finish(repo)
        except OSError:
            pass  # cannot write here: format 2 reads all the same
        repo.format = 2
        return disk
    memory = _Format1Reader(disk)
    memory.state = convert(repo, memory).serialize()
    repo.warn("this repository has format 1 (vcs 0.1); it is upgraded by the first command that "
              "writes to it, or by `vcs upgrade` (until then every command converts it in memory)")
    return memory


class _Format1Reader(MemoryStore):
    """The new logs in memory, the objects log from disk; nothing can be written."""

    def __init__(self, disk: DiskStore):
        super().__init__()
        self.disk = disk

    def log(self, name, entries, size, writable):
        if name == "objects":
            return self.disk.log(name, entries, size, False)
        return super().log(name, entries, size, writable)

    def write_state(self, data: bytes) -> None:
        raise StateError("internal: a format-1 repository is written only after its upgrade")


def in_place(repo) -> None:
    """Upgrade with the lock held: the new logs, then the state (the commit point), then
    the format file, then the old files go."""
    disk = DiskStore(repo.dir)
    state = convert(repo, disk, writable=True)
    faults.step("upgrade:logs")
    disk.write_state(state.serialize())
    faults.step("upgrade:state")
    _finish(repo)
    repo.format = 2
    repo.store = disk
    repo.refresh()


def _finish(repo) -> None:
    from vcs.repo.repository import format_file
    atomic_write(repo.path("format"), format_file(2))
    faults.step("upgrade:format")
    for name in ("store/commits.idx", "store/commits.dat", "tags"):
        try:
            os.unlink(repo.path(name))
        except FileNotFoundError:
            pass


def _read_state1(repo) -> tuple[ObjectId | None, tuple[int, int], tuple[int, int]]:
    path = repo.path("state")
    try:
        with open(path, "rb") as f:
            body = unseal(f.read(), path).decode("ascii", "replace").split("\n")
        if body[0] != "vcs-state 1":
            raise ValueError("unknown header")
        fields = dict(line.split(" ", 1) for line in body[1:] if line)
        head = None if fields["head"] == "-" else ObjectId(bytes.fromhex(fields["head"]))
        lengths = []
        for key in ("objects", "commits"):
            n, size = fields[key].split()
            if not (n.isdigit() and size.isdigit() and len(n) < 20 and len(size) < 20):
                raise ValueError(f"bad {key} lengths")
            lengths.append((int(n), int(size)))
    except FileNotFoundError:
        raise CorruptError(f"{path} is missing", hint="run `vcs verify`") from None
    except (KeyError, ValueError) as e:
        raise CorruptError(f"{path} is malformed: {e}") from None
    if head is not None and len(head) != ID_SIZE:
        raise CorruptError(f"{path} is malformed: a bad HEAD")
    return head, lengths[0], lengths[1]


def _read_tags1(repo) -> dict[str, ObjectId]:
    path = repo.path("tags")
    try:
        with open(path, "rb") as f:
            body = unseal(f.read(), path)
    except FileNotFoundError:
        return {}
    tags = {}
    for line in body.decode("utf-8", "surrogateescape").splitlines():
        oid, _, name = line.partition(" ")
        try:
            tags[name] = ObjectId(bytes.fromhex(oid))
        except ValueError:
            raise CorruptError(f"{path} is malformed at {line[:60]!r}") from None
    return tags


def convert(repo, target, writable: bool = False) -> State:
    """Write format 2's logs for a format-1 repository into `target` (a store); return
    the format-2 state that commits them (not yet written)."""
    head, objects_len, commits_len = _read_state1(repo)
    old = Log(repo.path("store"), "commits", *commits_len)
    logs = {name: target.part(name, 0, 0, True) for name in NEW_LOGS}
    changelog = Changelog(logs["changelog"])
    filelog = Filelog(logs["filelog"], changelog)
    trees: dict[int, Manifest] = {}
    children: dict[int, int] = {}
    for rev in range(len(old)):
        base = old.info(rev).base
        if base != NO_BASE:
            children[base] = children.get(base, 0) + 1
    for rev in range(len(old)):
        info = old.info(rev)
        data = old.payload(info)
        parent = None if info.base == NO_BASE else ObjectId(old.info(info.base).id)
        if content_id((parent or bytes(ID_SIZE)) + data) != info.id:
            raise CorruptError(f"commit {rev} ({info.id.hex()[:12]}) does not match its id",
                               hint="run `vcs verify` with vcs 0.1, or restore .vcs/ from a backup")
        commit = parse_commit(data, parent, f"commit {rev}")
        # The record gains its parent line after the tree line: nothing else changes.
        cut = data.find(b"\n") + 1
        record = data[:cut] + (b"parent %s\n" % parent.hex().encode() if parent else b"") + data[cut:]
        parents = () if parent is None else (info.base,)
        changelog.append(info.id, record, info.size, parents, bool(info.flags & FLAG_SNAPSHOT))
        tree = {} if parent is None else (trees.pop(info.base) if children.get(info.base) == 1
                                          else dict(trees[info.base]))
        pairs = [] if parent is None else [(info.base, tree)]
        for slot, ch in enumerate(commit.changes):
            filelog.record(ch.path, ch.entry.id if ch.entry else None, rev, slot, pairs, changelog.is_ancestor)
        apply_changes(tree, commit.changes)
        if children.get(rev):
            trees[rev] = tree
    old.close()
    view = View("main", wc=head, heads={changelog.info(r).id for r in changelog.heads()},
                branches={"main": head} if head is not None else {}, tags=_read_tags1(repo))
    from vcs.repo.repository import _login_name, _now
    record = serialize_op(Operation(None, *_now(), _login_name(), os.uname().nodename, repo.command,
                                    "upgrade from format 1", view))
    logs["oplog"].append(record)
    op_id = content_id(record)
    lengths = {"objects": objects_len}
    for name in NEW_LOGS:
        lengths[name] = logs[name].flush()
        if writable:
            logs[name].close()
    return State({name: lengths.get(name, (0, 0)) for name in LOGS}, (0, op_id), view)
