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
from vcs.objects import ID_SIZE, Manifest, ObjectId
from vcs.store import atomic_write, seal, unseal

NORMAL, ADDED, REMOVED = "n", "a", "r"
NO_ID = ObjectId(bytes(ID_SIZE))
UNCACHED = -1

_MAGIC = b"vcs-dirstate 1\n"
_ENTRY = struct.Struct("<ccQqQ16sI")  # state, kind, size, mtime_ns, inode, id, path length


class Tracked:
    __slots__ = ("state", "kind", "id", "size", "mtime", "ino")

    def __init__(self, state: str, kind: str, id: ObjectId, size: int = 0, mtime: int = UNCACHED,
                 ino: int = 0):
        self.state, self.kind, self.id = state, kind, id
        self.size, self.mtime, self.ino = size, mtime, ino

    def __repr__(self) -> str:
        return f"Tracked({self.state!r}, {self.kind!r}, {self.id.hex()[:12]}, {self.size}, {self.mtime}, {self.ino})"

    def matches(self, st: os.stat_result) -> bool:
        return (self.mtime != UNCACHED and st.st_mtime_ns == self.mtime
                and st.st_size == self.size and st.st_ino == self.ino)

    def cache(self, st: os.stat_result | None) -> None:
        if st is None:
            self.mtime = UNCACHED
        else:
            self.size, self.mtime, self.ino = st.st_size, st.st_mtime_ns, st.st_ino


class Dirstate:
    def __init__(self, parent: ObjectId | None, files: dict[bytes, Tracked]):
        self.parent = parent
        self.files = files

    @classmethod
    def from_manifest(cls, parent: ObjectId | None, manifest: Manifest) -> Dirstate:
        return cls(parent, {p: Tracked(NORMAL, e.kind, e.id) for p, e in manifest.items()})

    def tracked(self) -> list[bytes]:
        """Paths that will be in the next commit (removed ones are not)."""
        return [p for p, t in self.files.items() if t.state != REMOVED]


def load(path: str) -> Dirstate | None:
    """The dirstate, or None if there is none yet."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    body = unseal(data, path)
    if not body.startswith(_MAGIC) or len(body) < len(_MAGIC) + 2 * ID_SIZE + 1:
        raise CorruptError(f"{path} is not a dirstate")
    pos = len(_MAGIC)
    parent_hex = body[pos:pos + 2 * ID_SIZE]
    pos += 2 * ID_SIZE + 1
    parent = None if parent_hex == b"-" * (2 * ID_SIZE) else ObjectId(bytes.fromhex(parent_hex.decode()))
    files: dict[bytes, Tracked] = {}
    unpack = _ENTRY.unpack_from
    size = _ENTRY.size
    try:
        while pos < len(body):
            state, kind, fsize, mtime, ino, oid, plen = unpack(body, pos)
            pos += size
            p = body[pos:pos + plen]
            pos += plen
            files[p] = Tracked(state.decode(), kind.decode(), ObjectId(oid), fsize, mtime, ino)
    except (struct.error, UnicodeDecodeError):
        raise CorruptError(f"{path} is truncated or malformed") from None
    return Dirstate(parent, files)


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
    parts = [_MAGIC, (ds.parent.hex().encode() if ds.parent else b"-" * (2 * ID_SIZE)), b"\n"]
    pack = _ENTRY.pack
    for p in sorted(ds.files):
        t = ds.files[p]
        mtime = t.mtime if t.mtime < now else UNCACHED
        parts.append(pack(t.state.encode(), t.kind.encode(), t.size, mtime, t.ino, t.id, len(p)))
        parts.append(p)
    # The dirstate is a cache of the working tree plus the tracked set: losing the
    # last write on power failure costs a re-read, never history, so no fsync.
    atomic_write(path, seal(b"".join(parts)), durable=False)
