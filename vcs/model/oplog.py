"""The operation log: every change of the repository's state, as an event.

In event-sourcing terms the refs (vcs.model.refs.View) are derived state and operations are
the events: each transaction that switches the state appends one operation naming
the view before and after it (both stored, by id, in the views log), its parent
operation, when, who, on which host, and the command line. The state file names the
current operation; the log is append-only and nothing in it ever expires, so any
earlier view can be looked at or restored (the undo issue builds on this; jj's
`op_store.rs` is the model).

    vcs-op 1
    parent HEXID            the operation before (none for the first)
    before HEXID            the view before (none for the first)
    after HEXID             the view after
    time SECONDS +HHMM
    user NAME
    host NAME
    command vcs commit -m fix%20it   (each word escaped: any argument survives)

    description             one line a person reads: `commit 14 'fix parser'`
"""
from __future__ import annotations

from binascii import unhexlify

from vcs.errors import CorruptError
from vcs.model.objects import ID_SIZE, ObjectId, _parse_when, format_tz
from vcs.records import record

Operation = record("Operation", "parent before after time tz user host command description")


def serialize(op: Operation) -> bytes:
    def oid(x: ObjectId | None) -> bytes:
        return b"none" if x is None else x.hex().encode()
    command = b" ".join(_word(w) for w in op.command)
    head = b"vcs-op 1\nparent %s\nbefore %s\nafter %s\ntime %d %s\nuser %s\nhost %s\ncommand %s\n\n" % (
        oid(op.parent), oid(op.before), oid(op.after), op.time, format_tz(op.tz), _line(op.user), _line(op.host),
        command)
    return head + _line(op.description) + b"\n"


def _line(text: str) -> bytes:
    return text.replace("\n", " ").replace("\r", " ").encode("utf-8", "surrogateescape")


def parse(data: bytes, name: str = "operation") -> Operation:
    try:
        head, sep, body = data.partition(b"\n\n")
        lines = head.split(b"\n")
        keys = [b"vcs-op", b"parent", b"before", b"after", b"time", b"user", b"host", b"command"]
        if not sep or len(lines) != len(keys) or lines[0] != b"vcs-op 1" or not body.endswith(b"\n"):
            raise ValueError("not an operation record")
        fields = {}
        for key, line in zip(keys[1:], lines[1:]):
            k, sp, value = line.partition(b" ")
            if k != key or not (sp or key == b"command"):
                raise ValueError(f"expected {key.decode()}, found {line[:40]!r}")
            fields[key] = value
        when, tz = _parse_when(fields[b"time"], name)
        command = [_unword(w) for w in fields[b"command"].split(b" ")] if fields[b"command"] else []
        op = Operation(_id(fields[b"parent"]), _id(fields[b"before"]), _id(fields[b"after"]), when, tz,
                       fields[b"user"].decode("utf-8", "surrogateescape"),
                       fields[b"host"].decode("utf-8", "surrogateescape"), tuple(command),
                       body[:-1].decode("utf-8", "surrogateescape"))
        if op.after is None:
            raise ValueError("it names no view after it")
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise CorruptError(f"{name} is malformed: {e}", hint="run `vcs verify`") from None
    return op


_PLAIN = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-=:@+,^~")


def _word(word: str) -> bytes:
    """An argument as one space-free word: bytes outside a plain set as %XX, and an
    empty argument as a lone %, so any argument (spaces, newlines, undecodable bytes)
    comes back exactly."""
    data = word.encode("utf-8", "surrogateescape")
    if not data:
        return b"%"
    return b"".join(bytes((c,)) if c in _PLAIN else b"%%%02X" % c for c in data)


def _unword(word: bytes) -> str:
    if word == b"%":
        return ""
    out = bytearray()
    at = 0
    while at < len(word):
        c = word[at]
        if c == 0x25:  # %
            out += bytes.fromhex(word[at + 1:at + 3].decode("ascii"))
            at += 3
        elif c in _PLAIN:
            out.append(c)
            at += 1
        else:
            raise ValueError(f"malformed command word {word[:40]!r}")
    return out.decode("utf-8", "surrogateescape")


def _id(text: bytes) -> ObjectId | None:
    if text == b"none":
        return None
    oid = unhexlify(text)
    if len(oid) != ID_SIZE:
        raise ValueError(f"malformed id {text[:40]!r}")
    return ObjectId(oid)
