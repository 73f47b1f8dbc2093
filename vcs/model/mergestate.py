"""A merge in progress (or a cherry-pick, or a revert): what the view records of it.

The view (vcs.model.refs) holds it, so it switches atomically with every other ref, the
operation log keeps every state it had, and undo can bring one back. Its lines, after
the refs:

    merge OP OTHER RECORD OURS THEIRS         the operation (merge, cherry-pick, revert), the
                                              other commit, the id of its record (below) in the
                                              objects store, and the labels of the two sides
    conflict U|R KIND BASE OURS THEIRS PATH   one a conflicting path, sorted by path: unresolved
                                              or resolved, its kind (content, add/add, binary,
                                              ...), and each side's entry (`f1a2b...`: kind and
                                              id, in the store) or `-` where it has no file

The record, stored as a file version is, holds what the operation wrote to the working
tree, against ours (`KINDHEXID PATH`, or `- PATH` for a file it deleted, sorted), a
blank line, and the message the commit will have. Everything is checked when it is
read back: ids, kinds, labels, paths (the rules of every stored path), the order.
"""
from __future__ import annotations

from binascii import unhexlify

from vcs.model.objects import GIT_MODES, ID_SIZE, Entry, Manifest, ObjectId, path_problem
from vcs.records import record

OPERATIONS = ("merge", "cherry-pick", "revert")
CONFLICT_KINDS = ("content", "add/add", "binary", "symlink", "mode", "type", "modify/delete", "delete/modify",
                  "file/folder")

# path, resolved (bool), kind, and the base's, ours' and theirs' entries (None: no file).
Conflict = record("Conflict", "path resolved kind base ours theirs")


class MergeState(record("MergeState", "op other record ours_label theirs_label conflicts")):
    """op: one of OPERATIONS; other: the other commit's id; record: the id of the
    operation's record in the store; the two labels; conflicts: a tuple sorted by path."""

    __slots__ = ()

    def conflict(self, path: bytes) -> Conflict | None:
        return next((c for c in self.conflicts if c.path == path), None)

    @property
    def unresolved(self) -> list[bytes]:
        return [c.path for c in self.conflicts if not c.resolved]

    def with_resolved(self, paths, resolved: bool) -> MergeState:
        paths = set(paths)
        return self._replace(conflicts=tuple(c._replace(resolved=resolved) if c.path in paths else c
                                             for c in self.conflicts))

    def lines(self) -> list[bytes]:
        out = [b"merge %s %s %s %s %s" % (self.op.encode(), self.other.hex().encode(), self.record.hex().encode(),
                                          _label(self.ours_label), _label(self.theirs_label))]
        for c in self.conflicts:
            out.append(b"conflict %s %s %s %s %s %s" % (b"R" if c.resolved else b"U", c.kind.encode(),
                                                        _entry(c.base), _entry(c.ours), _entry(c.theirs), c.path))
        return out

    @classmethod
    def parse(cls, merge_line: str, conflict_lines: list[str]) -> MergeState:
        """From the view's lines (text read with surrogateescape); ValueError says why not."""
        words = merge_line.split(" ")
        if len(words) != 5 or words[0] not in OPERATIONS:
            raise ValueError(f"malformed merge line {merge_line[:60]!r}")
        op, other, rec, ours, theirs = words
        conflicts = []
        for line in conflict_lines:
            words = line.split(" ", 5)
            if len(words) != 6 or words[0] not in ("U", "R") or words[1] not in CONFLICT_KINDS:
                raise ValueError(f"malformed conflict line {line[:60]!r}")
            path = words[5].encode("utf-8", "surrogateescape")
            problem = path_problem(path)
            if problem:
                raise ValueError(f"a conflict names a forbidden path {path[:60]!r}: {problem}")
            if conflicts and path <= conflicts[-1].path:
                raise ValueError("the conflicts are not sorted, or repeat a path")
            sides = [_parse_entry(w) for w in words[2:5]]
            if sides[1] is None and sides[2] is None:
                raise ValueError(f"a conflict at {path[:60]!r} without ours or theirs")
            conflicts.append(Conflict(path, words[0] == "R", words[1], *sides))
        return cls(op, oid_from_hex(other), oid_from_hex(rec), _checked_label(ours), _checked_label(theirs), tuple(conflicts))


def label_problem(label: str) -> str | None:
    """Why a label cannot name a side (a branch, HEAD, or a revision as typed), or None."""
    if not label or len(label) > 200:
        return "it is empty or longer than 200 characters"
    if label.startswith("-") or not label.isprintable() or any(c.isspace() for c in label):
        return "it starts with '-' or holds a space or a control character"
    return None


def _label(label: str) -> bytes:
    return label.encode("utf-8", "surrogateescape")


def _checked_label(label: str) -> str:
    problem = label_problem(label)
    if problem:
        raise ValueError(f"the label {label[:60]!r} is not allowed: {problem}")
    return label


def _entry(e: Entry | None) -> bytes:
    return b"-" if e is None else e.kind.encode() + e.id.hex().encode()


def _parse_entry(word: str) -> Entry | None:
    if word == "-":
        return None
    if word[:1] not in GIT_MODES:
        raise ValueError(f"malformed entry {word[:40]!r}")
    return Entry(word[0], oid_from_hex(word[1:]))


def oid_from_hex(text: str) -> ObjectId:
    """An id from its 32 hex digits; ValueError says why not (for the view's lines)."""
    if len(text) != 2 * ID_SIZE:
        raise ValueError(f"malformed id {text[:40]!r}")
    try:
        return ObjectId(unhexlify(text))
    except ValueError:
        raise ValueError(f"malformed id {text[:40]!r}") from None


# ------------------------------------------------------------------ the operation's record

def serialize_record(changes: dict[bytes, Entry | None], message: str) -> bytes:
    """What the operation wrote (path -> entry, None: deleted), then the message."""
    lines = [b"%s %s" % (_entry(changes[p]), p) for p in sorted(changes)]
    return b"".join(line + b"\n" for line in lines) + b"\n" + message.encode("utf-8", "surrogateescape")


def parse_record(data: bytes, name: str = "merge record") -> tuple[dict[bytes, Entry | None], str]:
    """(changes, message); ValueError says why not."""
    head, sep, message = data.partition(b"\n\n") if not data.startswith(b"\n") else (b"", b"\n", data[1:])
    if not sep:
        raise ValueError(f"{name} is truncated")
    changes: dict[bytes, Entry | None] = {}
    previous = b""
    for line in head.split(b"\n") if head else []:
        word, sp, path = line.partition(b" ")
        problem = path_problem(path) if sp else "no path"
        if problem:
            raise ValueError(f"{name} names a forbidden path {path[:60]!r}: {problem}")
        if path <= previous:
            raise ValueError(f"{name} is not sorted at {path[:60]!r}")
        changes[path] = _parse_entry(word.decode("ascii", "replace"))
        previous = path
    return changes, message.decode("utf-8", "surrogateescape")


def apply_record(ours: Manifest, changes: dict[bytes, Entry | None]) -> Manifest:
    """The tree the operation left: ours with its changes."""
    tree = dict(ours)
    for path, entry in changes.items():
        if entry is None:
            tree.pop(path, None)
        else:
            tree[path] = entry
    return tree
