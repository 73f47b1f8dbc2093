"""The object store: append-only logs of records, checksums, atomic writes.

A `Log` is a pair of append-only files, as in Mercurial's revlog: `NAME.dat`
holds the records' payloads one after another, `NAME.idx` holds one fixed-size
entry per record (id, where the payload is, its base, chain figures, checksums).
Records are numbered in the order they were appended.

A log is never rewritten in place. Appending writes past the committed end; the
repository's state file (switched atomically, after an fsync) says how many
entries and bytes are committed, and readers never look further. A writer that
crashed leaves bytes past that end, which the next writer truncates away.

Every entry carries an xxh32 of itself and of its payload, so a flipped bit
anywhere is found and named. `MemoryLog` is the in-memory twin with the same
contract (tests/test_store.py runs one suite against both).
"""
from __future__ import annotations

import os
import struct
import zlib
import xxhash

from vcs import faults
from vcs.errors import CorruptError, StateError
from vcs.records import record

NO_BASE = 0xFFFFFFFF

FLAG_ZLIB = 1      # payload is deflate-compressed
FLAG_DELTA = 2     # payload is a delta against `base` (else the whole text)
FLAG_SNAPSHOT = 4  # commits log: the commit's tree listing is stored whole

MAX_U32 = 0xFFFFFFFF

# id, offset, stored length, payload length, text size, base, depth, chain bytes
# (saturating), flags, xxh32 of the stored payload | xxh32 of the entry: 64 bytes.
_ENTRY = struct.Struct("<16sQIIQIIIB3xI")
_SUM = struct.Struct("<I")
ENTRY_SIZE = _ENTRY.size + _SUM.size


class Info(record("Info", "n id offset stored length size base depth chain flags payload_sum")):
    """What the index says about record `n`.

    stored: bytes in the .dat file (compressed or not); length: bytes of the payload
    once decompressed (the whole text, or the delta); size: bytes of the text this
    record stands for; base: the record this one is a delta against (or a commit's
    parent), NO_BASE if none; depth: deltas to replay from the chain's whole version
    (0: stored whole); chain: stored bytes read to rebuild it, its own included.
    """

    __slots__ = ()

    @property
    def is_delta(self) -> bool:
        return bool(self.flags & FLAG_DELTA)


_new_info = tuple.__new__


def compress(data: bytes) -> tuple[bytes, int]:
    """Raw deflate, only where it makes the record smaller.

    No zlib header or adler32: the entry's own checksum covers the stored bytes.
    """
    if len(data) < 32:
        return data, 0
    # Small records are worth the best compression; a huge file would take seconds.
    level = 9 if len(data) < (1 << 20) else 6 if len(data) < (16 << 20) else 1
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    packed = c.compress(data) + c.flush()
    if len(packed) < len(data):
        return packed, FLAG_ZLIB
    return data, 0


def decompress(stored: bytes, length: int) -> bytes:
    d = zlib.decompressobj(-15)
    data = d.decompress(stored, length + 1)
    if not d.eof or d.unused_data:
        raise zlib.error("trailing or missing data")
    return data


class BaseLog:
    """The contract shared by the disk log and its in-memory twin."""

    name: str

    def __len__(self) -> int:
        raise NotImplementedError

    def _entry_bytes(self, n: int) -> bytes:
        raise NotImplementedError

    def _stored(self, info: Info) -> bytes:
        raise NotImplementedError

    def _write(self, entry: bytes, stored: bytes) -> int:
        """Append a record, return the offset its payload starts at."""
        raise NotImplementedError

    def data_size(self) -> int:
        raise NotImplementedError

    # -- reading ----------------------------------------------------------------

    def info(self, n: int) -> Info:
        if not 0 <= n < len(self):
            raise CorruptError(f"{self.name}: record {n} does not exist (the log has {len(self)})")
        raw = self._entry_bytes(n)
        body = raw[:_ENTRY.size]
        if len(raw) != ENTRY_SIZE or _SUM.unpack(raw[_ENTRY.size:])[0] != xxhash.xxh32_intdigest(body):
            raise CorruptError(f"{self.name}: index entry {n} fails its checksum")
        oid, offset, stored, length, size, base, depth, chain, flags, psum = _ENTRY.unpack(body)
        if offset + stored > self.data_size() or (base != NO_BASE and base >= n):
            raise CorruptError(f"{self.name}: index entry {n} ({oid.hex()[:12]}) points outside the log")
        # tuple.__new__ directly: this runs once per record of every chain replayed.
        return _new_info(Info, (n, oid, offset, stored, length, size, base, depth, chain, flags, psum))

    def payload(self, info: Info, stored: bytes | None = None) -> bytes:
        """The record's raw payload, checked against its checksum and size."""
        if stored is None:
            stored = self._stored(info)
        what = f"{self.name}: record {info.n} ({info.id.hex()[:12]})"
        if len(stored) != info.stored or xxhash.xxh32_intdigest(stored) != info.payload_sum:
            raise CorruptError(f"{what} fails its checksum")
        if info.flags & FLAG_ZLIB:
            try:
                data = decompress(stored, info.length)
            except zlib.error as e:
                raise CorruptError(f"{what} does not decompress: {e}") from None
        else:
            data = stored
        if len(data) != info.length:
            raise CorruptError(f"{what} has {len(data)} bytes, its index says {info.length}")
        return data

    def payloads(self, infos: list[Info]) -> list[bytes]:
        """Several records' payloads; one read covers them all when they lie close together,
        as a chain's records usually do."""
        return [self.payload(i) for i in infos]

    def stored(self, info: Info) -> bytes:
        """The record's bytes as stored (deflated where FLAG_ZLIB says so), checked
        against its checksum: what a sync sends without inflating and deflating again."""
        stored = self._stored(info)
        if len(stored) != info.stored or xxhash.xxh32_intdigest(stored) != info.payload_sum:
            raise CorruptError(f"{self.name}: record {info.n} ({info.id.hex()[:12]}) fails its checksum")
        return stored

    def ids(self) -> dict[bytes, int]:
        """id -> record number for every record (the last one wins)."""
        return {self._entry_bytes(n)[:16]: n for n in range(len(self))}

    def find(self, oid: bytes) -> int | None:
        """The number of the last record with this id, or None."""
        found = self.find_all(oid)
        return found[0] if found else None

    def find_all(self, oid: bytes) -> list[int]:
        """The numbers of every record with this id, newest first."""
        return [n for n in range(len(self) - 1, -1, -1) if self._entry_bytes(n)[:16] == oid]

    # -- writing ----------------------------------------------------------------

    def append(self, oid: bytes, payload: bytes, *, size: int | None = None, base: int = NO_BASE,
               depth: int = 0, chain: int = 0, delta: bool = False, extra_flags: int = 0,
               deflated: bytes | None = None) -> Info:
        """Append a record for a text of `size` bytes (default: the payload's length).

        `chain` is the stored bytes of the chain before this record. `deflated`: the
        payload's raw deflate, made and checked by the caller (a sync received it so),
        stored as it is instead of compressing the payload again.
        """
        # A delta compresses itself, against its base's lines (vcs.diff.delta).
        if deflated is not None and not delta and len(deflated) < len(payload):
            stored, flags = deflated, FLAG_ZLIB
        else:
            stored, flags = (payload, FLAG_DELTA) if delta else compress(payload)
        flags |= extra_flags
        size = len(payload) if size is None else size
        if len(payload) > MAX_U32:
            raise StateError(f"{self.name}: a record of {len(payload)} bytes is too large to store",
                             hint="vcs stores files up to 4 GiB")
        n = len(self)
        offset = self.data_size()
        psum = xxhash.xxh32_intdigest(stored)
        chain = min(MAX_U32, chain + len(stored))
        body = _ENTRY.pack(oid, offset, len(stored), len(payload), size, base, depth, chain, flags, psum)
        self._write(body + _SUM.pack(xxhash.xxh32_intdigest(body)), stored)
        return Info(n, oid, offset, len(stored), len(payload), size, base, depth, chain, flags, psum)


class MemoryLog(BaseLog):
    """The in-memory twin of `Log`, for tests and for dry runs."""

    def __init__(self, name: str = "memory"):
        self.name = name
        self._entries: list[bytes] = []
        self._data = bytearray()
        self._ids: dict[bytes, list[int]] = {}  # id -> record numbers, oldest first

    def __len__(self) -> int:
        return len(self._entries)

    def _entry_bytes(self, n: int) -> bytes:
        return self._entries[n]

    def _stored(self, info: Info) -> bytes:
        return bytes(self._data[info.offset:info.offset + info.stored])

    def data_size(self) -> int:
        return len(self._data)

    def _write(self, entry: bytes, stored: bytes) -> int:
        offset = len(self._data)
        self._ids.setdefault(entry[:16], []).append(len(self._entries))
        self._entries.append(entry)
        self._data += stored
        return offset

    def find_all(self, oid: bytes) -> list[int]:
        return self._ids.get(oid, [])[::-1]

    def committed(self) -> tuple[int, int]:
        return len(self._entries), len(self._data)

    def flush(self) -> tuple[int, int]:
        return self.committed()

    def rollback(self, entries: int, size: int) -> None:
        for entry in self._entries[entries:]:
            self._ids[entry[:16]].pop()
        del self._entries[entries:]
        del self._data[size:]

    def close(self) -> None:
        pass


class Log(BaseLog):
    """An append-only log on disk: `DIR/NAME.idx` and `DIR/NAME.dat`.

    `entries` and `size` are the committed lengths from the state file; the log
    shows exactly that much. `writable` logs append past it.
    """

    def __init__(self, directory: str, name: str, entries: int, size: int, writable: bool = False):
        self.name = name
        self._idx_path = os.path.join(directory, name + ".idx")
        self._dat_path = os.path.join(directory, name + ".dat")
        self._n = entries
        self._size = size
        self._writable = writable
        self._pending_idx: list[bytes] = []
        self._pending_ids: dict[bytes, list[int]] = {}  # id -> pending records (from 0), oldest first
        self._pending_dat: list[bytes] = []
        self._pending_size = 0
        self._index = b""
        self._dat_fd = -1
        self._loaded = 0
        if writable:
            self._open_for_append()
        else:
            self._dat_fd = _open_existing(self._dat_path, os.O_RDONLY, size)
        self._load_index()

    def _open_for_append(self) -> None:
        flags = os.O_RDWR | os.O_CREAT
        self._dat_fd = os.open(self._dat_path, flags, 0o644)
        self._idx_fd = os.open(self._idx_path, flags, 0o644)
        for fd in (self._dat_fd, self._idx_fd):
            owner_can_use(fd)
        # Drop what a crashed writer left past the committed end.
        for fd, length, path in ((self._dat_fd, self._size, self._dat_path),
                                 (self._idx_fd, self._n * ENTRY_SIZE, self._idx_path)):
            actual = os.fstat(fd).st_size
            if actual < length:
                raise CorruptError(f"{path} is shorter ({actual} bytes) than committed ({length})",
                                   hint="run `vcs verify`; the store was truncated")
            if actual > length:
                faults.io("truncate", path)
                os.ftruncate(fd, length)

    def _load_index(self) -> None:
        want = self._n * ENTRY_SIZE
        if want == 0:
            self._index = b""
            return
        fd = _open_existing(self._idx_path, os.O_RDONLY, want)
        try:
            self._index = _pread_all(fd, want, 0)
        finally:
            os.close(fd)
        if len(self._index) != want:
            raise CorruptError(f"{self._idx_path} is shorter than committed")

    def __len__(self) -> int:
        return self._n + len(self._pending_idx)

    def data_size(self) -> int:
        return self._size + self._pending_size

    def _entry_bytes(self, n: int) -> bytes:
        if n < self._n:
            return self._index[n * ENTRY_SIZE:(n + 1) * ENTRY_SIZE]
        return self._pending_idx[n - self._n]

    def _stored(self, info: Info) -> bytes:
        if info.n >= self._n:  # written in this transaction, not yet flushed
            return self._pending_dat[info.n - self._n]
        return _pread_all(self._dat_fd, info.stored, info.offset)

    def ids(self) -> dict[bytes, int]:
        index, size = self._index, ENTRY_SIZE
        found = {index[i:i + 16]: i // size for i in range(0, len(index), size)}
        for n, entry in enumerate(self._pending_idx, self._n):
            found[entry[:16]] = n
        return found

    def find(self, oid: bytes) -> int | None:
        """The number of the last record with this id, or None: a search of the index
        in C, cheaper than building `ids()` for a few lookups."""
        pending = self._pending_ids.get(oid)
        if pending:
            return self._n + pending[-1]
        return next(self._search(oid), None)

    def find_all(self, oid: bytes) -> list[int]:
        return [self._n + n for n in reversed(self._pending_ids.get(oid, ()))] + list(self._search(oid))

    def _search(self, oid: bytes):
        """The committed records with this id, newest first, found in C."""
        index = self._index
        at = len(index)
        while True:
            at = index.rfind(oid, 0, at)
            if at < 0:
                return
            if at % ENTRY_SIZE == 0:
                yield at // ENTRY_SIZE
            else:
                at += 15  # a match across two entries: look further back

    def payloads(self, infos: list[Info]) -> list[bytes]:
        committed = [i for i in infos if i.n < self._n]
        if len(committed) < 2:
            return super().payloads(infos)
        lo = min(i.offset for i in committed)
        hi = max(i.offset + i.stored for i in committed)
        # One read, unless the records are spread over far more bytes than they hold.
        if hi - lo > 4 * sum(i.stored for i in committed) + (256 << 10):
            return super().payloads(infos)
        span = _pread_all(self._dat_fd, hi - lo, lo)
        return [self.payload(i, span[i.offset - lo:i.offset - lo + i.stored]) if i.n < self._n
                else self.payload(i) for i in infos]

    def _write(self, entry: bytes, stored: bytes) -> int:
        if not self._writable:
            raise StateError(f"{self.name}: log opened read-only")
        offset = self.data_size()
        self._pending_ids.setdefault(entry[:16], []).append(len(self._pending_idx))
        self._pending_idx.append(entry)
        self._pending_dat.append(stored)
        self._pending_size += len(stored)
        return offset

    def flush(self) -> tuple[int, int]:
        """Write and fsync pending records; return the new (entries, size) to commit."""
        if self._pending_idx:
            dat = b"".join(self._pending_dat)
            idx = b"".join(self._pending_idx)
            for fd, data, at, path in ((self._dat_fd, dat, self._size, self._dat_path),
                                       (self._idx_fd, idx, self._n * ENTRY_SIZE, self._idx_path)):
                faults.io("write", path)
                _named(path, _pwrite_all, fd, data, at)
            faults.step(f"{self.name}:written")
            for fd, path in ((self._dat_fd, self._dat_path), (self._idx_fd, self._idx_path)):
                faults.io("fsync", path)
                _named(path, os.fsync, fd)
            faults.step(f"{self.name}:synced")
            self._index += idx
            self._size += len(dat)
            self._n += len(self._pending_idx)
            self._pending_idx.clear()
            self._pending_ids.clear()
            self._pending_dat.clear()
            self._pending_size = 0
        return self._n, self._size

    def rollback(self, entries: int, size: int) -> None:
        """Forget everything past (entries, size): pending records and flushed ones."""
        self._pending_idx.clear()
        self._pending_ids.clear()
        self._pending_dat.clear()
        self._pending_size = 0
        if self._writable:
            # No fault injection here: rolling back is how a failed write is survived.
            os.ftruncate(self._dat_fd, size)
            os.ftruncate(self._idx_fd, entries * ENTRY_SIZE)
        self._n, self._size = entries, size
        self._index = self._index[:entries * ENTRY_SIZE]

    def close(self) -> None:
        for fd in (getattr(self, "_dat_fd", -1), getattr(self, "_idx_fd", -1)):
            if fd >= 0:
                os.close(fd)
        self._dat_fd = -1
        self._idx_fd = -1

    def __del__(self) -> None:
        # A log dropped without close() (a reader, an error path) must not leak its
        # descriptors: a long-lived process opening many repositories would run out.
        try:
            self.close()
        except OSError:
            pass


def _open_existing(path: str, flags: int, need: int) -> int:
    try:
        return os.open(path, flags)
    except FileNotFoundError:
        if need == 0:
            return os.open(os.devnull, os.O_RDONLY)
        raise CorruptError(f"{path} is missing", hint="run `vcs verify`") from None


def _pread_all(fd: int, length: int, offset: int) -> bytes:
    chunks = []
    while length > 0:
        chunk = os.pread(fd, min(length, 1 << 30), offset)
        if not chunk:
            break
        chunks.append(chunk)
        length -= len(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _named(path: str, call, *args) -> None:
    """Run an I/O call on a file descriptor; an error names the file (a full disk
    must say which file it could not write)."""
    try:
        call(*args)
    except OSError as e:
        if e.filename is None:
            raise OSError(e.errno, e.strerror, path) from None
        raise


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view = view[written:]
        offset += written


# -- small files switched atomically ---------------------------------------------------

CHECK_PREFIX = b"check "


def seal(body: bytes) -> bytes:
    """Append a checksum line so any flipped bit in a small file is detected."""
    return body + CHECK_PREFIX + xxhash.xxh64_hexdigest(body).encode() + b"\n"


def unseal(data: bytes, path: str) -> bytes:
    body, sep, tail = data.rpartition(CHECK_PREFIX)
    if not sep or tail != xxhash.xxh64_hexdigest(body).encode() + b"\n":
        raise CorruptError(f"{path} fails its checksum",
                           hint="run `vcs verify`; restore the file from a backup if you have one")
    return body


def fsync_dir(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        faults.io("fsync", path)
        os.fsync(fd)
    except OSError:
        # Some file systems cannot fsync a folder. The rename has happened and is
        # atomic; it is only less certain to survive a power cut.
        pass
    finally:
        os.close(fd)


def owner_can_use(fd: int) -> None:
    """Give a file vcs made its owner's read and write, whatever the umask took away.

    Modes follow the umask, as git's do (077 keeps a repository private), but a
    umask of 0777 would make .vcs/state mode 000 and lock its owner out; os.open's
    mode is masked by the umask, fchmod's is not.
    """
    mode = os.fstat(fd).st_mode
    if mode & 0o600 != 0o600:
        os.fchmod(fd, (mode & 0o7777) | 0o600)


def make_folder(path: str | bytes) -> None:
    """Create a folder of vcs's own (and those above it): as the umask allows, but
    always usable by its owner (see owner_can_use)."""
    if os.path.isdir(path):
        return
    parent = os.path.dirname(path)
    if parent and parent != path:
        make_folder(parent)
    try:
        os.mkdir(path)
    except FileExistsError:
        return  # made meanwhile by another process
    mode = os.stat(path).st_mode
    if mode & 0o700 != 0o700:
        os.chmod(path, (mode & 0o7777) | 0o700)


def umask() -> int:
    """The process's umask (reading it means setting it: set it back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str, data: bytes, durable: bool = True) -> None:
    """Replace `path` with `data`: temp file, fsync, rename, fsync the folder."""
    tmp = f"{path}.tmp{os.getpid()}"
    name = os.path.basename(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            owner_can_use(fd)
            faults.io("write", tmp)
            _named(path, _pwrite_all, fd, data, 0)
            if durable:
                faults.io("fsync", tmp)
                _named(path, os.fsync, fd)
        finally:
            os.close(fd)
        faults.step(f"{name}:written")
        faults.io("rename", path)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    faults.step(f"{name}:renamed")
    if durable:
        fsync_dir(os.path.dirname(path) or ".")
