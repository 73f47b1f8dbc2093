"""The dirstate: which files are tracked, and a stat cache so status reads nothing twice.

For each tracked path it keeps the state (`n` in the parent commit, `a` added,
`r` removed), the file's id and kind in the parent, and the (size, mtime_ns,
inode) the working file had when it was last seen to hold exactly that
content. When a file's stat still matches, status knows it is unchanged
without reading it, as git's index and Mercurial's dirstate do.

A file changed within the file system's timestamp granularity of the moment
the dirstate is written could keep its stat while its bytes change ("racily
clean", in git's words). Such entries are written without a cache, so the
next status reads them again.
"""
from __future__ import annotations

import os
import struct

from vcs.errors import CorruptError
from vcs.model.objects import ID_SIZE, Manifest, ObjectId, paths_problem
from vcs.storage.log import atomic_write, seal, unseal

NORMAL, ADDED, REMOVED = "n", "a", "r"
NO_ID = ObjectId(bytes(ID_SIZE))
UNCACHED = -1

_MAGIC = b"vcs-dirstate 2\n"
_HEAD = struct.Struct("<16sI")  # parent (zeros: none), number of entries
# state, kind, mode, size, mtime_ns, inode, id, path length: one fixed-size entry per
# file, then all the paths one after another, so one struct call reads the table.
_ENTRY = struct.Struct("<ccIQqQ16sI")
_STR = {b"n": "n", b"a": "a", b"r": "r", b"f": "f", b"x": "x", b"l": "l"}


class Tracked:
    """A tracked file: its state, its kind and id in the parent, and the stat cache
    (mode, size, mtime_ns, inode) of the working file when it last held exactly that."""

    __slots__ = ("state", "kind", "id", "mode", "size", "mtime", "ino")

    def __init__(self, state: str, kind: str, id: ObjectId, mode: int = 0, size: int = 0,
                 mtime: int = UNCACHED, ino: int = 0):
        self.state, self.kind, self.id = state, kind, id
        self.mode, self.size, self.mtime, self.ino = mode, size, mtime, ino

    def __repr__(self) -> str:
        return (f"Tracked({self.state!r}, {self.kind!r}, {self.id.hex()[:12]}, {self.mode:o}, {self.size}, "
                f"{self.mtime}, {self.ino})")

    def cache(self, st: os.stat_result | None) -> None:
        if st is None:
            self.mtime = UNCACHED
        else:
            self.mode, self.size, self.mtime, self.ino = st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino


class Dirstate:
    def __init__(self, parent: ObjectId | None, files: dict[bytes, Tracked]):
        self.parent = parent
        self.files = files

    @classmethod
    def from_manifest(cls, parent: ObjectId | None, manifest: Manifest) -> Dirstate:
        return cls(parent, {p: Tracked(NORMAL, e.kind, e.id) for p, e in manifest.items()})

    def reparent(self, parent: ObjectId | None, manifest: Manifest) -> None:
        """Make `parent` (whose tree is `manifest`) the working tree's parent without
        touching a file, as `git reset --soft` does: the files tracked stay tracked,
        each against its version in the new parent, so whatever differs shows as a
        change (a file the parent lacks as added, one it has and the working tree no
        longer tracks as removed)."""
        files: dict[bytes, Tracked] = {}
        for path, t in self.files.items():
            e = manifest.get(path)
            if t.state == REMOVED:
                if e is not None:
                    files[path] = Tracked(REMOVED, e.kind, e.id)
            elif e is None:
                files[path] = Tracked(ADDED, t.kind, NO_ID)
            elif t.state == NORMAL and (t.kind, t.id) == (e.kind, e.id):
                files[path] = t
            else:
                files[path] = Tracked(NORMAL, e.kind, e.id)  # no stat cache: status reads it
        for path, e in manifest.items():
            if path not in files:
                files[path] = Tracked(REMOVED, e.kind, e.id)
        self.parent, self.files = parent, files


def load(path: str) -> Dirstate | None:
    """The dirstate, or None if there is none yet."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    body = unseal(data, path)
    pos = len(_MAGIC) + _HEAD.size
    if not body.startswith(_MAGIC) or len(body) < pos:
        raise CorruptError(f"{path} is not a dirstate of this version",
                           hint="delete it; the next command rebuilds it from HEAD")
    parent, count = _HEAD.unpack_from(body, len(_MAGIC))
    end = pos + count * _ENTRY.size
    if end > len(body):
        raise CorruptError(f"{path} is truncated")
    files: dict[bytes, Tracked] = {}
    at = end
    try:
        for state, kind, mode, size, mtime, ino, oid, plen in _ENTRY.iter_unpack(body[pos:end]):
            files[body[at:at + plen]] = Tracked(_STR[state], _STR[kind], oid, mode, size, mtime, ino)
            at += plen
    except KeyError:
        raise CorruptError(f"{path} has an unknown state or kind") from None
    if at != len(body):
        raise CorruptError(f"{path} is truncated or malformed")
    # Its paths are written and deleted by checkout: the same rules as a stored listing.
    bad = paths_problem(list(files))
    if bad is not None:
        raise CorruptError(f"{path} names a forbidden path {bad[0]!r}: {bad[1]}",
                           hint="delete it; the next command rebuilds it from HEAD")
    return Dirstate(None if parent == NO_ID else parent, files)


def save(path: str, ds: Dirstate) -> None:
    """Write the dirstate, dropping the cache of racily clean files.

    The temp file's own mtime is the moment of writing, on the file system's clock
    and at its granularity; a file with that mtime or later may change again
    without its stat showing it.
    """
    tmp = path + ".stamp"
    with open(tmp, "wb"):
        pass
    now = os.stat(tmp).st_mtime_ns
    os.unlink(tmp)
    paths = sorted(ds.files)
    pack = _ENTRY.pack
    table = []
    for p in paths:
        t = ds.files[p]
        mtime = t.mtime if t.mtime < now else UNCACHED
        table.append(pack(t.state.encode(), t.kind.encode(), t.mode, t.size, mtime, t.ino, t.id, len(p)))
    body = b"".join([_MAGIC, _HEAD.pack(ds.parent or NO_ID, len(paths)), *table, *paths])
    # The dirstate is a cache of the working tree plus the tracked set: losing the
    # last write on power failure costs a re-read, never history, so no fsync.
    atomic_write(path, seal(body), durable=False)
