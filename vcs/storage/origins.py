"""Line origins: for every version in the file history, the revision that wrote each line.

Record n of this log stands for file history entry n (vcs.storage.filelog): for each
line of that version, the revision that introduced it, twice over: as `git blame`
finds it (through a merge, a line comes from the parent it came from) and as `git
blame --first-parent` does (a line a merge brought in is the merge's). So annotate of
any revision reads one chain of records and walks no history.

A record is written in the same transaction as its entry, as Bazaar's annotated knits
did: a commit's line delta is the list of lines it wrote, so a record is mostly that
delta's hunk table with the revision of the new lines. Its payload is u32 words:

    0, runs..., fp        whole: the origins as runs (count, revision), ending in a
                          0 count; then the first-parent origins the same way, or
                          0xFFFFFFFF if they are the same
    1, hunks...           a delta against the record of the entry's base version (the
                          path's version in the first parent, or where it was renamed
                          from): per hunk start, end (base lines replaced), then the
                          new lines' runs ending in a 0 count; the first-parent
                          origins get the entry's own revision for every new line

A chain is cut (a whole record) every MAX_DEPTH deltas, so reading one costs at most
that many hunk tables. The index entry's id is the xxh3-128 of both arrays: every
read is checked against it, like a rebuilt version. The log is derived data: a
repository without it (an older one) opens, and `build` fills it in, entry by entry,
from the file history and the versions themselves; `verify` builds it anew in memory
and compares.
"""
from __future__ import annotations

from array import array

from vcs.errors import CorruptError
from vcs.model.objects import content_id
from vcs.storage.log import NO_BASE, BaseLog

WHOLE, DELTA = 0, 1
SAME = 0xFFFFFFFF
MAX_DEPTH = 50
_CACHE = 256

Origins = list  # one revision number per line


def runs(origins, start: int = 0, end: int | None = None) -> list[int]:
    """origins[start:end] as (count, revision) words."""
    out: list[int] = []
    end = len(origins) if end is None else end
    i = start
    while i < end:
        rev = origins[i]
        j = i + 1
        while j < end and origins[j] == rev:
            j += 1
        out += (j - i, rev)
        i = j
    return out


MAX_LINES = 1 << 28  # no record stands for more lines (a forged count must not exhaust memory)


def _unrun(words, at: int, limit: int, cap: int = MAX_LINES) -> tuple[list[int], int]:
    out: list[int] = []
    while True:
        if at + 1 > limit:
            raise ValueError("truncated runs")
        count = words[at]
        if count == 0:
            return out, at + 1
        if at + 2 > limit:
            raise ValueError("truncated runs")
        if len(out) + count > cap:
            raise ValueError("more lines than the record stands for")
        out += [words[at + 1]] * count
        at += 2


def array_id(default: Origins, first: Origins):
    return content_id(array("I", default).tobytes() + b"|" + array("I", first).tobytes())


def encode_whole(default: Origins, first: Origins) -> bytes:
    words = [WHOLE] + runs(default) + [0] + ([SAME] if first == default else runs(first) + [0])
    return array("I", words).tobytes()


def apply_delta(payload: bytes, base: tuple[Origins, Origins], rev: int,
                cap: int = MAX_LINES) -> tuple[Origins, Origins]:
    words = _words(payload)
    if not words or words[0] != DELTA:
        raise ValueError("not a delta")
    default, first = base
    out_d: list[int] = []
    out_f: list[int] = []
    pos = 0
    at = 1
    while at < len(words):
        if at + 2 > len(words):
            raise ValueError("truncated hunk")
        start, end = words[at], words[at + 1]
        if not pos <= start <= end <= len(default):
            raise ValueError("hunks out of order or past the base")
        new, at = _unrun(words, at + 2, len(words), cap - len(out_d) - (start - pos))
        out_d += default[pos:start]
        out_d += new
        out_f += first[pos:start]
        out_f += [rev] * len(new)
        pos = end
    out_d += default[pos:]
    out_f += first[pos:]
    return out_d, out_f


def decode_whole(payload: bytes, cap: int = MAX_LINES) -> tuple[Origins, Origins]:
    words = _words(payload)
    if not words or words[0] != WHOLE:
        raise ValueError("not a whole record")
    default, at = _unrun(words, 1, len(words), cap)
    if at < len(words) and words[at] == SAME:
        at += 1
        first = list(default)
    else:
        first, at = _unrun(words, at, len(words), cap)
    if at != len(words) or len(first) != len(default):
        raise ValueError("malformed whole record")
    return default, first


def _words(payload: bytes) -> array:
    if len(payload) % 4:
        raise ValueError("not a whole number of words")
    words = array("I")
    words.frombytes(payload)
    return words


class OriginLog:
    """The origins of every file history entry that has them: record n is entry n's."""

    def __init__(self, log: BaseLog, linkrev=None):
        self.log = log
        self.linkrev = linkrev  # n -> the revision that made entry n (the file history knows)
        self._cache: dict[int, tuple[Origins, Origins]] = {}

    def __len__(self) -> int:
        return len(self.log)

    def read(self, n: int, linkrev=None) -> tuple[Origins, Origins]:
        """(origins, first-parent origins) of entry n, checked against the record's id."""
        linkrev = linkrev or self.linkrev
        cached = self._cache.pop(n, None)
        if cached is not None:
            self._cache[n] = cached  # the most recent last
            return cached
        chain = []
        m = n
        while m not in self._cache:
            if not 0 <= m < len(self.log):
                raise CorruptError(f"origins: record {m} does not exist", hint="run `vcs verify`")
            info = self.log.info(m)
            chain.append(info)
            if info.depth == 0:
                break
            if info.base == NO_BASE or info.base >= m:
                raise CorruptError(f"origins: record {m} has a malformed base", hint="run `vcs verify`")
            m = info.base
        try:
            if chain and chain[-1].depth == 0:
                info = chain.pop()
                arrays = decode_whole(self.log.payload(info), min(info.size, MAX_LINES))
                self._check(info, arrays)
            else:
                arrays = self._cache[m]
            for info in reversed(chain):
                arrays = apply_delta(self.log.payload(info), arrays, linkrev(info.n), min(info.size, MAX_LINES))
            if chain:
                self._check(chain[0], arrays)  # the records between are checked when read
        except ValueError as e:
            raise CorruptError(f"origins: record {n} is malformed: {e}", hint="run `vcs verify`") from None
        return arrays

    def _check(self, info, arrays) -> None:
        if array_id(*arrays) != info.id:
            raise CorruptError(f"origins: record {info.n} does not match its id", hint="run `vcs verify`")
        self._remember(info.n, arrays)

    def _remember(self, n: int, arrays) -> None:
        if len(self._cache) >= _CACHE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[n] = arrays

    def append(self, default: Origins, first: Origins, rev: int, base: int | None = None,
               hunks: list[tuple[int, int, int, int]] | None = None, exact: bool = True) -> int:
        """Append the next entry's origins: a delta against record `base` when `hunks`
        (base start, base end, new start, new end: the text's diff) turn base's arrays
        into these (the first-parent ones with this entry's revision `rev`) and the
        chain is short, else whole."""
        oid = array_id(default, first)
        n = len(self.log)
        depth = 0
        payload = None
        if base is not None and hunks is not None:
            info = self.log.info(base)
            if info.depth < MAX_DEPTH:
                words = [DELTA]
                for a1, a2, b1, b2 in hunks:
                    words += (a1, a2)
                    words += runs(default, b1, b2)
                    words.append(0)
                payload = array("I", words).tobytes()
                depth = info.depth + 1
                # A merge's origins may not be its first parent's with the new lines
                # changed (lines both parents hold, from different revisions): whole then.
                if not exact and apply_delta(payload, self.read(base), rev) != (default, first):
                    payload = None
        if payload is None:
            payload, base, depth = encode_whole(default, first), None, 0
        self.log.append(oid, payload, size=len(default), base=NO_BASE if base is None else base, depth=depth)
        self._remember(n, (default, first))
        return n
