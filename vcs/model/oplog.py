"""The operation log's records: every change of the repository's state, as an event.

In event-sourcing terms the refs (vcs.model.refs.View) are derived state and
operations are the events: each transaction that switches the state appends one
operation holding its parent operation (the one before it), when, who, on which host,
the command line, a line a person reads, and the view it left, whole (all refs, HEAD
and the working tree's parent). The view before it is its parent's. The state names
the current operation; the log is append-only and nothing in it ever expires, so any
earlier view can be looked at or restored (the undo issue builds on this; jj's
`op_store.rs` is the model). An operation's id is the hash of its record; records
are stored as deltas against their parent's, so one costs the lines it changed (the
lines that change from one operation to the next stand together).

    vcs-op 1
    user NAME
    host NAME
    parent HEXID            the operation before (none for the first)
    time SECONDS +HHMM
    command vcs commit -m fix%20it   (each word escaped: any argument survives)
    description commit 14 'fix parser'
    undo HEXID              only on an undo, redo or op restore: the operation it undid,
                            redid or restored (`redo HEXID`, `restore HEXID`)
    tree FROM TO            only where it rewrote working files: the commit whose tree the
                            working tree held before and the one it holds after (none: empty)

    HEAD branch main        the view it left (vcs.model.refs)
    ...

The two optional lines say what the view alone cannot: which operation an undo undid
(so the next undo walks further back, and redo forward), and which operations moved
the working tree, from what to what (a commit records the working tree and leaves it
as it is; a checkout or a stash rewrites it), so an undo knows whether the tree follows.
"""
from __future__ import annotations

from binascii import unhexlify

from vcs.errors import CorruptError, VcsError
from vcs.model.objects import ID_SIZE, ObjectId, _parse_when, format_tz
from vcs.model.refs import View
from vcs.records import record

# view: the View it left; target: (kind, op id) on an undo, redo or restore (kind one of
# TARGETS); tree: (from, to) commit ids (None: the empty tree) where it rewrote the working tree.
Operation = record("Operation", "parent time tz user host command description view target tree",
                   defaults=(None, None))
TARGETS = ("undo", "redo", "restore")


def serialize(op: Operation) -> bytes:
    parent = b"none" if op.parent is None else op.parent.hex().encode()
    head = b"vcs-op 1\nuser %s\nhost %s\nparent %s\ntime %d %s\ncommand %s\ndescription %s\n\n" % (
        _line(op.user), _line(op.host), parent, op.time, format_tz(op.tz),
        b" ".join(_word(w) for w in op.command), _line(op.description))
    if op.target is not None:
        head = head[:-1] + b"%s %s\n\n" % (op.target[0].encode(), op.target[1].hex().encode())
    if op.tree is not None:
        head = head[:-1] + b"tree %s %s\n\n" % (_hex(op.tree[0]), _hex(op.tree[1]))
    return head + op.view.serialize()


def _hex(oid: ObjectId | None) -> bytes:
    return b"none" if oid is None else oid.hex().encode()


def _line(text: str) -> bytes:
    return text.replace("\n", " ").replace("\r", " ").encode("utf-8", "surrogateescape")


_KEYS = (b"user", b"host", b"parent", b"time", b"command", b"description")


def parse(data: bytes, name: str = "operation") -> Operation:
    try:
        head, sep, view = data.partition(b"\n\n")
        lines = head.split(b"\n")
        if not sep or not len(_KEYS) + 1 <= len(lines) <= len(_KEYS) + 3 or lines[0] != b"vcs-op 1":
            raise ValueError("not an operation record")
        target = tree = None
        for line in lines[len(_KEYS) + 1:]:
            k, _, value = line.partition(b" ")
            if k.decode("ascii", "replace") in TARGETS and target is None and tree is None:
                target = (k.decode("ascii"), _id(value))
                if target[1] is None:
                    raise ValueError(f"malformed {k.decode()} line")
            elif k == b"tree" and tree is None:
                ends = value.split(b" ")
                if len(ends) != 2:
                    raise ValueError(f"malformed tree line {line[:60]!r}")
                tree = (_id(ends[0]), _id(ends[1]))
            else:
                raise ValueError(f"unexpected line {line[:40]!r}")
        fields = {}
        for key, line in zip(_KEYS, lines[1:]):
            k, sp, value = line.partition(b" ")
            if k != key or not sp:
                raise ValueError(f"expected {key.decode()}, found {line[:40]!r}")
            fields[key] = value
        when, tz = _parse_when(fields[b"time"], name)
        words = fields[b"command"]
        command = tuple(_unword(w) for w in words.split(b" ")) if words else ()
        return Operation(_id(fields[b"parent"]), when, tz, fields[b"user"].decode("utf-8", "surrogateescape"),
                         fields[b"host"].decode("utf-8", "surrogateescape"), command,
                         fields[b"description"].decode("utf-8", "surrogateescape"),
                         View.parse(view, f"the view of {name}"), target, tree)
    except (ValueError, UnicodeDecodeError) as e:
        raise CorruptError(f"{name} is malformed: {e}", hint="run `vcs verify`") from None
    except VcsError as e:
        raise CorruptError(e.message, hint="run `vcs verify`") from None


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
