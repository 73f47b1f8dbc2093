"""The file history: for every path, each version a commit gave it.

An entry is written, in the same transaction as its commit, for each path the commit
changed (against its first parent): the path, its new version (or its removal), the
revision that introduced it (its linkrev, in Mercurial's word), the entries of the
path's versions in the commit's parents (its history parents: two after a merge that
joined two versions; a path added where it had been removed has the removal as its
parent, so its earlier life is still its history) and, for a path a commit copied or
renamed, where from. So `log PATH`, annotate and rename following walk a path's own
history and never scan every commit.

Entries are fixed-size records in one append-only file (vcs.storage.appendfile.Table),
36 bytes each: the path and version are not repeated there, they are the change the
entry's commit lists at the entry's slot. An entry's key is the hash of its path and
version, so "which entry gave this path this version" is a search of the file in C,
however long the history. The same version made twice (on two lines of work, or
undone and done again) has two entries; the one in a commit's ancestry is the one its
history follows.

    key (16 bytes: xxh3-128 of path NUL version), linkrev (u32), slot (u16: which of the
    commit's changes), p1, p2 (u32; NONE if none), flags (u8), a pad byte | xxh32
"""
from __future__ import annotations

import struct

from vcs.errors import CorruptError
from vcs.model.objects import ID_SIZE, ObjectId, content_id, moves
from vcs.records import record
from vcs.storage.appendfile import Table

NONE = 0xFFFFFFFF
_ENTRY = struct.Struct("<16sIHIIBx")
RECORD_SIZE = _ENTRY.size
_ZERO = bytes(ID_SIZE)

# n: its number in the log; version: the content id, None for a removal; source: the
# path it was copied or renamed from (None if not).
FileEntry = record("FileEntry", "n path version linkrev p1 p2 source")


def entry_id(path: bytes, version: ObjectId | None) -> ObjectId:
    return content_id(b"%s\0%s" % (path, version or _ZERO))


class Filelog:
    """The file history over its table and the changelog its entries' commits are in."""

    def __init__(self, table: Table, changelog):
        self.table = table
        self.changelog = changelog
        self._entries: dict[int, FileEntry] = {}
        self._heads: dict[int, tuple] = {}  # n -> (key, linkrev, slot, p1, p2), read without the commit
        self._commits: dict[int, tuple] = {}
        self._moves: dict[int, dict] = {}
        self._index: dict[bytes, list[int]] | None = None  # key -> entries, once many are looked up
        self._lookups = 0

    def __len__(self) -> int:
        return len(self.table)

    def _head(self, n: int) -> tuple:
        head = self._heads.get(n)
        if head is None:
            key, linkrev, slot, p1, p2, flags = _ENTRY.unpack(self.table.record(n))
            if flags or any(x != NONE and x >= n for x in (p1, p2)) or linkrev >= len(self.changelog):
                raise CorruptError(f"file history entry {n} is malformed", hint="run `vcs verify`")
            head = self._heads[n] = (key, linkrev, slot, _opt(p1), _opt(p2))
        return head

    def linkrev(self, n: int) -> int:
        return self._head(n)[1]

    def entry(self, n: int) -> FileEntry:
        """Entry n, its path and version read from its commit's changes and checked
        against its key."""
        cached = self._entries.get(n)
        if cached is not None:
            return cached
        key, linkrev, slot, p1, p2 = self._head(n)
        changes = self._changes(linkrev)
        if slot >= len(changes):
            raise CorruptError(f"file history entry {n} names change {slot} of revision {linkrev}, "
                               f"which has {len(changes)}", hint="run `vcs verify`")
        ch = changes[slot]
        version = ch.entry.id if ch.entry is not None else None
        if entry_id(ch.path, version) != key:
            raise CorruptError(f"file history entry {n} does not match its change in revision {linkrev}",
                               hint="run `vcs verify`")
        entry = self._entries[n] = FileEntry(n, ch.path, version, linkrev, p1, p2, None)
        return entry

    def _changes(self, rev: int) -> tuple:
        """A commit's changes, the last few kept: a commit's entries are read together."""
        return self._commit(rev).changes

    def _commit(self, rev: int):
        cached = self._commits.get(rev)
        if cached is None:
            if len(self._commits) >= 64:
                self._commits.clear()
            cached = self._commits[rev] = self.changelog.read(rev)
        return cached

    def add(self, path: bytes, version: ObjectId | None, linkrev: int, slot: int, p1: int | None = None,
            p2: int | None = None) -> int:
        key = entry_id(path, version)
        n = self.table.append(_ENTRY.pack(key, linkrev, slot, _num(p1), _num(p2), 0))
        if self._index is not None:
            self._index.setdefault(key, []).append(n)
        self._heads[n] = (key, linkrev, slot, p1, p2)
        self._entries[n] = FileEntry(n, path, version, linkrev, p1, p2, None)
        return n

    def record(self, path: bytes, version: ObjectId | None, linkrev: int, slot: int, parents,
               is_ancestor) -> int:
        """Add the entry for a commit's change of `path` (the commit's change number
        `slot`); `parents` are (revision, tree) for each of the commit's parents. Its
        history parents: the entries of the path's versions in those parents (the second
        only where it differs from the first), or for a path the first parent lacks, the
        removal that made it absent."""
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
        return self.add(path, version, linkrev, slot, found[0], found[1])

    def source(self, n: int) -> bytes | None:
        """The path entry n's version was renamed or copied from, as its commit records
        (None if none)."""
        key, linkrev, slot, p1, p2 = self._head(n)
        found = self._moves.get(linkrev)
        if found is None:
            if len(self._moves) >= 64:
                self._moves.clear()
            found = self._moves[linkrev] = moves(self._commit(linkrev))
        move = found.get(self.entry(n).path) if found else None
        return move[1] if move else None

    def made(self, path: bytes, version: ObjectId | None) -> list[int]:
        """The entries that gave `path` this version (None: that removed it), newest first.
        A few look-ups search the file; many (building the line origins) index it once."""
        key = entry_id(path, version)
        if self._index is None:
            self._lookups += 1
            if self._lookups <= 64:
                return self.table.find_all(key)
            self._index = {}
            for n in range(len(self.table)):
                self._index.setdefault(self._head(n)[0], []).append(n)
        return self._index.get(key, [])[::-1]

    def entry_for(self, path: bytes, version: ObjectId | None, rev: int, is_ancestor) -> int | None:
        """The entry that gave `path` the `version` it has in revision `rev` (None: the
        removal that made it absent there), or None if no such entry exists.

        Some commit in rev's ancestry (rev itself included) introduced that version and
        wrote an entry for it. When only one entry older than rev has it, it is that one,
        with no walk of the graph; otherwise ancestry tells them apart, newest first.
        """
        candidates = [n for n in self.made(path, version) if self.linkrev(n) <= rev]
        if len(candidates) == 1:
            return candidates[0]
        for n in candidates:
            if is_ancestor(self.linkrev(n), rev):
                return n
        return None

    def ancestry(self, start: int):
        """The entry number `start` and every entry it came from (its history parents,
        theirs...), each once, newest first; read without their commits."""
        seen = {start}
        waiting = [start]
        while waiting:
            waiting.sort()
            n = waiting.pop()
            yield n
            for p in self._head(n)[3:]:
                if p is not None and p not in seen:
                    seen.add(p)
                    waiting.append(p)

    def history(self, start: int):
        """The entries of `ancestry`, with their paths and versions."""
        return (self.entry(n) for n in self.ancestry(start))


def _num(x: int | None) -> int:
    return NONE if x is None else x


def _opt(x: int) -> int | None:
    return None if x == NONE else x
