"""One append-only file, on disk or in memory, and the two shapes built on it.

A file shows exactly its committed length (from the repository's state); a writer
appends past it and `flush` writes and fsyncs what it appended, returning the new
length for the state to commit. Bytes a crashed writer left past the committed end
are dropped by the next writer, as the logs' are (vcs.storage.log).

    Table   fixed-size records, each followed by its xxh32: the file history
            (vcs.storage.filelog), 36 bytes an entry; a record's key (its first
            bytes) is found by a search of the file in C.
    Chain   variable-size records, each whole or a line delta against the one
            before it, framed by its length and checksum and no index: the
            operation log, whose records are read from the newest backwards.
            A record costs 13 bytes of framing and the lines it changed.
"""
from __future__ import annotations

import os
import struct
import zlib

import xxhash

from vcs import faults
from vcs.errors import CorruptError, StateError
from vcs.storage.log import _named, _pread_all, _pwrite_all, owner_can_use


class DiskFile:
    def __init__(self, path: str, size: int, writable: bool):
        self.path = path
        self.name = os.path.basename(path)
        self._size = size
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._writable = writable
        self._data = b""  # the committed bytes, read once
        if writable:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            owner_can_use(self._fd)
            actual = os.fstat(self._fd).st_size
            if actual < size:
                raise CorruptError(f"{path} is shorter ({actual} bytes) than committed ({size})",
                                   hint="run `vcs verify`; the store was truncated")
            if actual > size:
                faults.io("truncate", path)
                os.ftruncate(self._fd, size)
        else:
            try:
                self._fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                if size:
                    raise CorruptError(f"{path} is missing", hint="run `vcs verify`") from None
                self._fd = -1
        if size:
            self._data = _pread_all(self._fd, size, 0)
            if len(self._data) != size:
                raise CorruptError(f"{path} is shorter than committed", hint="run `vcs verify`")

    def committed(self) -> bytes:
        return self._data

    def __len__(self) -> int:
        return self._size + self._pending_size

    def read(self, offset: int, length: int) -> bytes:
        if offset + length <= self._size:
            return self._data[offset:offset + length]
        return (self._data + b"".join(self._pending))[offset:offset + length]

    def append(self, data: bytes) -> None:
        if not self._writable:
            raise StateError(f"{self.name}: opened read-only")
        self._pending.append(data)
        self._pending_size += len(data)

    def flush(self) -> int:
        if self._pending:
            data = b"".join(self._pending)
            faults.io("write", self.path)
            _named(self.path, _pwrite_all, self._fd, data, self._size)
            faults.step(f"{self.name}:written")
            faults.io("fsync", self.path)
            _named(self.path, os.fsync, self._fd)
            faults.step(f"{self.name}:synced")
            self._data += data
            self._size += len(data)
            self._pending.clear()
            self._pending_size = 0
        return self._size

    def rollback(self, size: int) -> None:
        self._pending.clear()
        self._pending_size = 0
        if self._writable:
            os.ftruncate(self._fd, size)  # no fault injection: this is how a failed write is survived
        self._size = size
        self._data = self._data[:size]

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = -1

    def __del__(self) -> None:
        try:
            self.close()
        except OSError:
            pass


class MemoryFile:
    """The in-memory twin of DiskFile: a reader opening it again sees what was committed."""

    def __init__(self, name: str):
        self.name = name
        self._data = bytearray()
        self._size = 0

    def reopen(self, size: int) -> MemoryFile:
        del self._data[size:]
        self._size = size
        return self

    def committed(self) -> bytes:
        return bytes(self._data[:self._size])

    def __len__(self) -> int:
        return len(self._data)

    def read(self, offset: int, length: int) -> bytes:
        return bytes(self._data[offset:offset + length])

    def append(self, data: bytes) -> None:
        self._data += data

    def flush(self) -> int:
        self._size = len(self._data)
        return self._size

    def rollback(self, size: int) -> None:
        del self._data[size:]
        self._size = size

    def close(self) -> None:
        pass


_SUM = struct.Struct("<I")


class Table:
    """Fixed-size records, each `record_size` bytes and its xxh32. Record n is at
    n * (record_size + 4)."""

    def __init__(self, file, record_size: int):
        self.file = file
        self.record_size = record_size
        self.stride = record_size + _SUM.size
        self._pending_keys: dict[bytes, list[int]] = {}

    def __len__(self) -> int:
        return len(self.file) // self.stride

    def record(self, n: int) -> bytes:
        if not 0 <= n < len(self):
            raise CorruptError(f"{self.file.name}: record {n} does not exist (it has {len(self)})")
        raw = self.file.read(n * self.stride, self.stride)
        body = raw[:self.record_size]
        if _SUM.unpack(raw[self.record_size:])[0] != xxhash.xxh32_intdigest(body):
            raise CorruptError(f"{self.file.name}: record {n} fails its checksum", hint="run `vcs verify`")
        return body

    def append(self, body: bytes, key_size: int = 16) -> int:
        if len(body) != self.record_size:
            raise StateError(f"internal: a {self.file.name} record of {len(body)} bytes")
        n = len(self)
        self.file.append(body + _SUM.pack(xxhash.xxh32_intdigest(body)))
        self._pending_keys.setdefault(body[:key_size], []).append(n)
        return n

    def find_all(self, key: bytes) -> list[int]:
        """The records whose body starts with `key`, newest first: the ones appended in
        this transaction, then a search of the committed file in C."""
        found = self._pending_keys.get(key, [])[::-1]
        data, stride = self.file.committed(), self.stride
        at = len(data)
        while True:
            at = data.rfind(key, 0, at)
            if at < 0:
                return found
            if at % stride == 0:
                found.append(at // stride)
            else:
                at += len(key) - 1  # a match across two records: look further back

    def flush(self) -> tuple[int, int]:
        size = self.file.flush()
        self._pending_keys.clear()
        return size // self.stride, size

    def rollback(self, entries: int, size: int) -> None:
        self._pending_keys.clear()
        self.file.rollback(size)

    def close(self) -> None:
        self.file.close()


# length of the payload, kind (0: whole, 1: a delta against the record before; +2: the
# payload is deflated), xxh32 of the payload | payload | the record's whole length.
_HEAD = struct.Struct("<IBI")
_TAIL = struct.Struct("<I")
WHOLE, DELTA, DEFLATED = 0, 1, 2
WHOLE_EVERY = 32  # a record is stored whole at least every this many: a read replays fewer


class Chain:
    """Records one after another, each whole or a line delta against the one before,
    with no index: read from the newest backwards by their trailing lengths."""

    def __init__(self, file, count: int):
        self.file = file
        self._count = count
        self._ends: list[int] | None = None  # end offset of each record, once walked
        self._texts: dict[int, bytes] = {}

    def __len__(self) -> int:
        return self._count

    def _walk(self) -> list[int]:
        if self._ends is None or len(self._ends) != self._count:
            ends, at = [], len(self.file)
            for _ in range(self._count):
                if at < _HEAD.size + _TAIL.size:
                    raise CorruptError(f"{self.file.name} holds fewer records than committed",
                                       hint="run `vcs verify`")
                ends.append(at)
                length = _TAIL.unpack(self.file.read(at - _TAIL.size, _TAIL.size))[0]
                if not _HEAD.size + _TAIL.size <= length <= at:
                    raise CorruptError(f"{self.file.name}: record {self._count - len(ends)} is malformed",
                                       hint="run `vcs verify`")
                at -= length
            if at != 0:
                raise CorruptError(f"{self.file.name} holds more than its committed records",
                                   hint="run `vcs verify`")
            self._ends = ends[::-1]
        return self._ends

    def _frame(self, n: int) -> tuple[int, bytes]:
        """(kind, payload) of record n, checked."""
        ends = self._walk()
        start = ends[n - 1] if n else 0
        raw = self.file.read(start, ends[n] - start)
        size, kind, check = _HEAD.unpack_from(raw)
        payload = raw[_HEAD.size:len(raw) - _TAIL.size]
        if len(payload) != size or kind & ~(DELTA | DEFLATED) or xxhash.xxh32_intdigest(payload) != check:
            raise CorruptError(f"{self.file.name}: record {n} fails its checksum", hint="run `vcs verify`")
        if kind & DEFLATED:
            try:
                d = zlib.decompressobj(-15)
                payload = d.decompress(payload, 1 << 24)
                if not d.eof or d.unused_data:
                    raise zlib.error("trailing or missing data")
            except zlib.error as e:
                raise CorruptError(f"{self.file.name}: record {n} does not decompress: {e}") from None
        return kind & DELTA, payload

    def read(self, n: int) -> bytes:
        """Record n's text: back to a whole record (or one already read), then each delta."""
        if not 0 <= n < self._count:
            raise CorruptError(f"{self.file.name}: record {n} does not exist (it has {self._count})")
        from vcs.diff import delta
        deltas = []
        m = n
        while m not in self._texts:
            kind, payload = self._frame(m)
            if kind == WHOLE:
                self._texts[m] = payload
                break
            if m == 0:
                raise CorruptError(f"{self.file.name}: its first record is a delta", hint="run `vcs verify`")
            deltas.append(payload)
            m -= 1
        text = self._texts[m]
        for payload in reversed(deltas):
            text = self._apply(text, payload, delta)
        self._texts[n] = text
        return text

    @staticmethod
    def _apply(base: bytes, payload: bytes, delta) -> bytes:
        return b"".join(delta.apply_checked(delta.split_lines(base), payload, len(base), inplace=True))

    def append(self, text: bytes) -> int:
        """Append a record: a delta against the one before where that is smaller and the
        chain is short, else whole (deflated where that helps)."""
        n = self._count
        payload, kind = text, WHOLE
        if n % WHOLE_EVERY:
            from vcs.diff import delta
            base = self.read(n - 1)
            a, b = delta.split_lines(base), delta.split_lines(text)
            encoded = delta.encode(a, delta.make_hunks(a, b), len(text), len(base))
            if 2 * len(encoded) < len(text):
                payload, kind = encoded, DELTA
        if kind == WHOLE and len(text) >= 32:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = c.compress(text) + c.flush()
            if len(packed) < len(text):
                payload, kind = packed, WHOLE | DEFLATED
        self.file.append(_HEAD.pack(len(payload), kind, xxhash.xxh32_intdigest(payload)) + payload
                         + _TAIL.pack(_HEAD.size + len(payload) + _TAIL.size))
        self._count += 1
        self._texts[n] = text
        if self._ends is not None and len(self._ends) == n:
            self._ends.append(len(self.file))
        return n

    def flush(self) -> tuple[int, int]:
        return self._count, self.file.flush()

    def rollback(self, entries: int, size: int) -> None:
        self.file.rollback(size)
        self._count = entries
        self._ends = None
        self._texts = {k: v for k, v in self._texts.items() if k < entries}

    def close(self) -> None:
        self.file.close()
