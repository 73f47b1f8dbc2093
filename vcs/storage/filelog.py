"""The file history: for every path, each version a commit gave it.

An entry is written, in the same transaction as its commit, for each path the commit
changed (against its first parent): the path, its new version (or its removal), the
revision that introduced it (its linkrev, in Mercurial's word), the entries of the
path's versions in the commit's parents (its history parents: two after a merge that
joined two versions) and, for a path a commit copied or renamed, where from. So
`log PATH`, annotate and rename following walk a path's own history and never scan
every commit.

Entries live in one append-only log (vcs.storage.log); an entry's id is the hash of its
path, so the newest entry of a path is found by searching the index, and each entry
names the path's previous one: a path's history is a list read backwards.

    payload: linkrev, p1, p2, prev (u32; NONE if none), flags (u8), version (16 bytes,
             zeros for a removal), then the path, then for a copy NUL and the source
"""
from __future__ import annotations

import struct

from vcs.errors import CorruptError
from vcs.model.objects import ID_SIZE, ObjectId, content_id, path_problem
from vcs.records import record
from vcs.storage.log import BaseLog

NONE = 0xFFFFFFFF
REMOVED = 1
COPIED = 2
_HEAD = struct.Struct("<IIIIB16s")
_ZERO = bytes(ID_SIZE)

# n: its number in the log; version: the content id, None for a removal; source: the
# path it was copied or renamed from (None if not).
FileEntry = record("FileEntry", "n path version linkrev p1 p2 prev source")


def path_id(path: bytes) -> ObjectId:
    return content_id(b"path\0" + path)


class Filelog:
    def __init__(self, log: BaseLog):
        self.log = log
        self._entries: dict[int, FileEntry] = {}
        self._last: dict[bytes, int] = {}       # path -> its newest entry, once looked up
        self._versions: dict[bytes, dict[ObjectId | None, list[int]]] = {}

    def __len__(self) -> int:
        return len(self.log)

    def entry(self, n: int) -> FileEntry:
        cached = self._entries.get(n)
        if cached is not None:
            return cached
        info = self.log.info(n)
        data = self.log.payload(info)
        name = f"file history entry {n}"
        if len(data) < _HEAD.size:
            raise CorruptError(f"{name} is truncated", hint="run `vcs verify`")
        linkrev, p1, p2, prev, flags, version = _HEAD.unpack_from(data)
        path, sep, source = data[_HEAD.size:].partition(b"\0")
        problem = path_problem(path) or (path_problem(source) if flags & COPIED else None)
        if problem or path_id(path) != info.id or bool(sep) != bool(flags & COPIED) \
                or bool(flags & REMOVED) != (version == _ZERO) or flags & ~(REMOVED | COPIED) \
                or any(x != NONE and x >= n for x in (p1, p2, prev)):
            raise CorruptError(f"{name} is malformed{': ' + problem if problem else ''}",
                               hint="run `vcs verify`")
        entry = FileEntry(n, path, None if flags & REMOVED else ObjectId(version), linkrev,
                          _opt(p1), _opt(p2), _opt(prev), source if flags & COPIED else None)
        if entry.prev is not None and self.log.info(entry.prev).id != info.id:
            raise CorruptError(f"{name}: its previous entry is another path's", hint="run `vcs verify`")
        self._entries[n] = entry
        return entry

    def last(self, path: bytes) -> int | None:
        """The number of the path's newest entry, or None if no commit ever touched it."""
        if path not in self._last:
            self._last[path] = self.log.find(path_id(path))
        return self._last[path]

    def history(self, path: bytes):
        """The path's entries, newest first."""
        n = self.last(path)
        while n is not None:
            entry = self.entry(n)
            yield entry
            n = entry.prev

    def add(self, path: bytes, version: ObjectId | None, linkrev: int, p1: int | None = None,
            p2: int | None = None, source: bytes | None = None) -> int:
        prev = self.last(path)
        flags = (REMOVED if version is None else 0) | (COPIED if source is not None else 0)
        payload = _HEAD.pack(linkrev, _num(p1), _num(p2), _num(prev), flags, version or _ZERO) + path
        if source is not None:
            payload += b"\0" + source
        n = len(self.log)
        self.log.append(path_id(path), payload)
        self._last[path] = n
        self._entries[n] = FileEntry(n, path, version, linkrev, p1, p2, prev, source)
        versions = self._versions.get(path)
        if versions is not None:
            versions.setdefault(version, []).insert(0, n)
        return n

    def versions(self, path: bytes) -> dict[ObjectId | None, list[int]]:
        """version -> the path's entries with that version, newest first."""
        found = self._versions.get(path)
        if found is None:
            found = {}
            for entry in self.history(path):
                found.setdefault(entry.version, []).append(entry.n)
            self._versions[path] = found
        return found

    def entry_for(self, path: bytes, version: ObjectId | None, rev: int, is_ancestor) -> int | None:
        """The entry that gave `path` the `version` it has in revision `rev`.

        Some commit in rev's ancestry (rev itself included) introduced that version and
        wrote an entry for it. When only one entry older than rev has that version it is
        that one, with no walk of the graph; the same version made twice (on two lines of
        work, or undone and done again) is told apart by ancestry, newest first.
        """
        candidates = [n for n in self.versions(path).get(version, ()) if self.entry(n).linkrev <= rev]
        if len(candidates) == 1:
            return candidates[0]
        for n in candidates:
            if is_ancestor(self.entry(n).linkrev, rev):
                return n
        return None


def _num(x: int | None) -> int:
    return NONE if x is None else x


def _opt(x: int) -> int | None:
    return None if x == NONE else x
