"""The repository's state, and the stores that hold its logs and its state.

The state is the one thing a write switches: how much of each append-only log is
committed, the current operation, and the current view (every ref: vcs.model.refs). A
transaction appends records past the committed ends, fsyncs them, then replaces the
state (`.vcs/state`, sealed, by an atomic rename): that rename is the commit point of
every operation, so history, refs and the operation log change together or not at all.

    vcs-state 2
    log objects 812 90411        entries and bytes committed, for each log
    log changelog 40 10240
    log filelog 95 3420          (store/filelog: 36-byte records)
    log oplog 41 9011            (store/oplog: a chain of records)
    log origins 95 2210          (store/origins.*: who wrote each line; optional, see below)
    op 40 5d1c...                the current operation: its record and id
    view 77ab...                 the id of the view below
                                 (a blank line)
    HEAD branch main             the view (vcs.model.refs), as the views log stores it
    ...
    check 0123456789abcdef       the seal

A store is where the logs and the state live: `DiskStore` is `.vcs/`, `MemoryStore`
its twin in memory (tests/test_repository.py runs one contract suite on both, and a
format-1 repository that cannot be written is read through one).
"""
from __future__ import annotations

import os

from vcs.errors import CorruptError
from vcs.model.objects import ObjectId
from vcs.model.refs import View
from vcs.storage.appendfile import Chain, DiskFile, MemoryFile, Table
from vcs.storage.log import ENTRY_SIZE, BaseLog, Log, MemoryLog, atomic_write, seal, unseal

LOGS = ("objects", "changelog", "filelog", "oplog", "origins")
INDEXED = ("objects", "changelog", "origins")  # logs with an index (NAME.idx, NAME.dat); the others are one file
# Logs a state written before them lacks: read as empty (0, 0). The line origins
# (vcs.storage.origins) are derived data, built by the first annotate when missing.
OPTIONAL = ("origins",)


class State:
    """The committed length (entries, bytes) of every log, the current operation
    (its record number and id, or None before the first) and the current view."""

    __slots__ = ("logs", "op", "view")

    def __init__(self, logs: dict[str, tuple[int, int]], op: tuple[int, ObjectId] | None, view: View):
        self.logs = logs
        self.op = op
        self.view = view

    @classmethod
    def empty(cls, branch: str = "main") -> State:
        return cls({name: (0, 0) for name in LOGS}, None, View(branch))

    @property
    def head(self) -> ObjectId | None:
        return self.view.head

    def __eq__(self, other) -> bool:
        return isinstance(other, State) and (self.logs, self.op, self.view) == (other.logs, other.op, other.view)

    def replace(self, **changes) -> State:
        return State(changes.get("logs", self.logs), changes.get("op", self.op), changes.get("view", self.view))

    def serialize(self) -> bytes:
        view = self.view.serialize()
        lines = ["vcs-state 2"] + [f"log {name} {n} {size}" for name, (n, size) in self.logs.items()]
        lines.append("op -" if self.op is None else f"op {self.op[0]} {self.op[1].hex()}")
        lines.append(f"view {self.view.id().hex()}")
        return seal("\n".join(lines).encode() + b"\n\n" + view)

    @classmethod
    def parse(cls, data: bytes, path: str) -> State:
        body = unseal(data, path)
        head, sep, view_bytes = body.partition(b"\n\n")
        try:
            lines = head.decode("ascii").split("\n")
            if not sep or lines[0] != "vcs-state 2":
                raise ValueError("unknown header")
            logs: dict[str, tuple[int, int]] = {}
            for line in lines[1:-2]:
                word, name, n, size = line.split(" ")
                if word != "log" or name not in LOGS or name in logs:
                    raise ValueError(f"unexpected line {line[:40]!r}")
                logs[name] = (_count(n), _count(size))
            for name in OPTIONAL:
                logs.setdefault(name, (0, 0))
            if list(logs) != list(LOGS):
                raise ValueError("the logs are not all there")
            op_line, view_line = lines[-2].split(" "), lines[-1].split(" ")
            if op_line[0] != "op" or view_line[0] != "view" or len(view_line) != 2:
                raise ValueError("malformed op or view line")
            op = None if op_line[1:] == ["-"] else (_count(op_line[1]), ObjectId(bytes.fromhex(op_line[2])))
            view_id = bytes.fromhex(view_line[1])
        except (ValueError, IndexError, UnicodeDecodeError) as e:
            raise CorruptError(f"{path} is malformed: {e}", hint="run `vcs verify`") from None
        view = View.parse(view_bytes, f"the view in {path}")
        if view.id() != view_id:
            raise CorruptError(f"the view in {path} does not match its id", hint="run `vcs verify`")
        return cls(logs, op, view)


def _count(text: str) -> int:
    if not text.isdigit() or len(text) > 19:
        raise ValueError(f"malformed number {text[:24]!r}")
    return int(text)


class _Parts:
    """What the two stores share: each part of the state opened as what it is."""

    def part(self, name: str, entries: int, size: int, writable: bool):
        """The log, table or chain behind a name of LOGS, at its committed length."""
        if name in INDEXED:
            return self.log(name, entries, size, writable)
        file = self.file(name, size, writable)
        if name == "filelog":
            from vcs.storage.filelog import RECORD_SIZE
            return Table(file, RECORD_SIZE)
        return Chain(file, entries)


class DiskStore(_Parts):
    """A repository's logs and state in `.vcs/` (logs under `store/`)."""

    def __init__(self, directory: str):
        self.dir = directory
        self.state_path = os.path.join(directory, "state")

    def log(self, name: str, entries: int, size: int, writable: bool) -> BaseLog:
        return Log(os.path.join(self.dir, "store"), name, entries, size, writable=writable)

    def read_state(self) -> bytes | None:
        try:
            with open(self.state_path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def write_state(self, data: bytes) -> None:
        atomic_write(self.state_path, data)

    def file(self, name: str, size: int, writable: bool):
        """A store file that is one append-only file (the file history, the operation log)."""
        return DiskFile(os.path.join(self.dir, "store", name), size, writable)

    def short_logs(self, logs: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
        """(file, its size, the size committed) for each log file shorter than committed."""
        short = []
        for name, (n, size) in logs.items():
            parts = ((".idx", n * ENTRY_SIZE), (".dat", size)) if name in INDEXED else (("", size),)
            for ext, want in parts:
                path = os.path.join(self.dir, "store", name + ext)
                try:
                    actual = os.path.getsize(path)
                except OSError:
                    actual = 0
                if actual < want:
                    short.append((path, actual, want))
        return short

    def lock(self, warn, on_stale, then):
        from vcs.repo.lock import Lock
        return Lock(os.path.join(self.dir, "lock"), warn, on_stale, then)


class MemoryStore(_Parts):
    """The in-memory twin of `DiskStore`. A log opened again shows what was committed:
    records a writer appended and did not commit are gone, as on disk."""

    def __init__(self) -> None:
        self.logs: dict[str, MemoryLog] = {}
        self.files: dict[str, MemoryFile] = {}
        self.state: bytes | None = None

    def file(self, name: str, size: int, writable: bool):
        return self.files.setdefault(name, MemoryFile(name)).reopen(size)

    def log(self, name: str, entries: int, size: int, writable: bool) -> BaseLog:
        log = self.logs.setdefault(name, MemoryLog(name))
        log.rollback(entries, size)
        return log

    def read_state(self) -> bytes | None:
        return self.state

    def write_state(self, data: bytes) -> None:
        self.state = data

    def short_logs(self, logs: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
        short = []
        for name, (n, size) in logs.items():
            log = self.logs.get(name) if name in INDEXED else self.files.get(name)
            have = (0, 0) if log is None else log.committed() if name in INDEXED else (n, len(log.committed()))
            if have[0] < n or have[1] < size:
                short.append((name, have[1], size))
        return short

    def lock(self, warn, on_stale, then):
        return _MemoryLock(then)


class _MemoryLock:
    """A memory store has one writer: the process that holds it."""

    def __init__(self, then):
        self.then = then
        self.fd = -1

    def __enter__(self):
        if self.fd < 0:
            self.fd = 0
            if self.then:
                self.then()
        return self

    def __exit__(self, *exc) -> None:
        self.fd = -1
