"""The file history: for every path, each version a commit gave it.

An entry is written, in the same transaction as its commit, for each path the commit
changed (against its first parent): the path, its new version (or its removal), the
revision that introduced it (its linkrev, in Mercurial's word), the entries of the
path's versions in the commit's parents (its history parents: two after a merge that
joined two versions; a path added where it had been removed has the removal as its
parent, so its earlier life is still its history) and, for a path a commit copied or
renamed, where from. So `log PATH`, annotate and rename following walk a path's own
history and never scan every commit.

Entries live in one append-only log (vcs.storage.log). An entry's id is the hash of
its path and version, so "which entry gave this path this version" is a search of the
index in C, however long the history. The same version made twice (on two lines of
work, or undone and done again) has two entries; the one in a commit's ancestry is
the one its history follows.

    payload: linkrev, p1, p2 (u32; NONE if none), flags (u8), version (16 bytes, zeros
             for a removal), then the path, then for a copy NUL and the source
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
_HEAD = struct.Struct("<IIIB16s")
_ZERO = bytes(ID_SIZE)

# n: its number in the log; version: the content id, None for a removal; source: the
# path it was copied or renamed from (None if not).
FileEntry = record("FileEntry", "n path version linkrev p1 p2 source")


def entry_id(path: bytes, version: ObjectId | None) -> ObjectId:
    return content_id(b"%s\0%s" % (path, version or _ZERO))


class Filelog:
    def __init__(self, log: BaseLog):
        self.log = log
        self._entries: dict[int, FileEntry] = {}

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
        linkrev, p1, p2, flags, version = _HEAD.unpack_from(data)
        path, sep, source = data[_HEAD.size:].partition(b"\0")
        problem = path_problem(path) or (path_problem(source) if flags & COPIED else None)
        entry = FileEntry(n, path, None if flags & REMOVED else ObjectId(version), linkrev,
                          _opt(p1), _opt(p2), source if flags & COPIED else None)
        if problem or entry_id(path, entry.version) != info.id or bool(sep) != bool(flags & COPIED) \
                or bool(flags & REMOVED) != (version == _ZERO) or flags & ~(REMOVED | COPIED) \
                or any(x != NONE and x >= n for x in (p1, p2)):
            raise CorruptError(f"{name} is malformed{': ' + problem if problem else ''}",
                               hint="run `vcs verify`")
        self._entries[n] = entry
        return entry

    def add(self, path: bytes, version: ObjectId | None, linkrev: int, p1: int | None = None,
            p2: int | None = None, source: bytes | None = None) -> int:
        flags = (REMOVED if version is None else 0) | (COPIED if source is not None else 0)
        payload = _HEAD.pack(linkrev, _num(p1), _num(p2), flags, version or _ZERO) + path
        if source is not None:
            payload += b"\0" + source
        n = len(self.log)
        self.log.append(entry_id(path, version), payload)
        self._entries[n] = FileEntry(n, path, version, linkrev, p1, p2, source)
        return n

    def record(self, path: bytes, version: ObjectId | None, linkrev: int, parents, is_ancestor) -> int:
        """Add the entry for a commit's change of `path`; `parents` are (revision, tree)
        for each of the commit's parents. Its history parents: the entries of the
        path's versions in those parents (the second only where it differs from the
        first), or for a path the first parent lacks, the removal that made it absent."""
        found = []
        first = parents[0][1].get(path) if parents else None
        for i, (rev, tree) in enumerate(parents):
            old = tree.get(path)
            if old is not None and (i == 0 or old != first):
                found.append(self.entry_for(path, old.id, rev, is_ancestor))
        if first is None and parents:
            gone = self.entry_for(path, None, parents[0][0], is_ancestor)
            if gone is not None:
                found.insert(0, gone)
        found = [n for n in dict.fromkeys(found) if n is not None] + [None, None]
        return self.add(path, version, linkrev, found[0], found[1])

    def made(self, path: bytes, version: ObjectId | None) -> list[int]:
        """The entries that gave `path` this version (None: that removed it), newest first."""
        return self.log.find_all(entry_id(path, version))

    def entry_for(self, path: bytes, version: ObjectId | None, rev: int, is_ancestor) -> int | None:
        """The entry that gave `path` the `version` it has in revision `rev` (None: the
        removal that made it absent there), or None if no such entry exists.

        Some commit in rev's ancestry (rev itself included) introduced that version and
        wrote an entry for it. When only one entry older than rev has it, it is that one,
        with no walk of the graph; otherwise ancestry tells them apart, newest first.
        """
        candidates = [n for n in self.made(path, version) if self.entry(n).linkrev <= rev]
        if len(candidates) == 1:
            return candidates[0]
        for n in candidates:
            if is_ancestor(self.entry(n).linkrev, rev):
                return n
        return None

    def history(self, start: int):
        """The entry `start` and every entry it came from (its history parents, theirs...),
        each once, newest first."""
        seen = {start}
        waiting = [start]
        while waiting:
            waiting.sort()
            n = waiting.pop()
            entry = self.entry(n)
            yield entry
            for p in (entry.p1, entry.p2):
                if p is not None and p not in seen:
                    seen.add(p)
                    waiting.append(p)


def _num(x: int | None) -> int:
    return NONE if x is None else x


def _opt(x: int) -> int | None:
    return None if x == NONE else x
