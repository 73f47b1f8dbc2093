"""Refs: the names a repository gives to commits, as one immutable-by-copy `View`.

A view is what jj calls it: HEAD (a branch name, or a commit id when detached), the
working tree's parent, the visible heads (commits with no visible child: a commit
made on an older revision stays visible as a head of its own, named or not), the
branches, the tags and the remote-tracking branches. The repository's state holds the
current view, switched atomically with the logs; every switch appends an operation
holding the view it left (vcs.model.oplog), so every view the repository had stays.

A view serializes to sorted lines, so consecutive views differ by a line or two and
are stored as small deltas:

    HEAD branch main          HEAD names a branch (which may not exist yet: unborn)
    HEAD 3f2a...              or a commit: detached
    wc 3f2a...                the commit the working tree was checked out from
    head 3f2a...              a visible head (one line each)
    branch 3f2a... main       a branch
    tag 3f2a... v1.0          a tag
    remote 3f2a... origin/main    a remote-tracking branch
    stash 3f2a... 7           a stash entry and its number (ascending; `vcs stash list`
                              counts from the newest, as git's stash@{0})
    merge ... / conflict ...      a merge in progress and its conflicts (vcs.model.mergestate)

Names follow git's refname rules (`refname_problem`), checked when a view is read,
so a forged state or operation record cannot smuggle in a name that would be read as an
option, a revision expression or a path outside the repository.
"""
from __future__ import annotations

from vcs.errors import CorruptError
from vcs.model.mergestate import MergeState, oid_from_hex as _oid
from vcs.model.objects import ObjectId, content_id

_FORBIDDEN = set(" ~^:?*[\\\x7f") | {chr(c) for c in range(0x20)}


def refname_problem(name: str) -> str | None:
    """Why `name` cannot name a branch, tag or remote, or None (git's check-ref-format
    rules, with a name of one component allowed)."""
    if not name:
        return "it is empty"
    if name.startswith("-"):
        return "it starts with '-' (it would read as an option)"
    bad = sorted(set(name) & _FORBIDDEN)
    if bad:
        shown = ", ".join(repr(c) if c.isprintable() else f"\\x{ord(c):02x}" for c in bad)
        return f"it contains {shown}"
    if ".." in name or "@{" in name or name == "@":
        return "it contains '..' or '@{', or is '@'"
    if name.startswith("/") or name.endswith("/") or "//" in name:
        return "it has an empty component"
    if name.endswith("."):
        return "it ends with '.'"
    for part in name.split("/"):
        if part.startswith("."):
            return "a component starts with '.'"
        if part.endswith(".lock"):
            return "a component ends with '.lock'"
    if name == "HEAD":
        return "HEAD is a revision already"
    if len(name.encode("utf-8", "surrogateescape")) > 1024:
        return "it is longer than 1,024 bytes"
    return None


def branch_name_problem(name: str) -> str | None:
    """Why `name` cannot be a branch a person makes, or None: the refname rules, and not
    a number (a number names a revision)."""
    return refname_problem(name) or ("it is a number, which names a revision" if name.isdigit() else None)


class View:
    """HEAD, the working tree's parent, heads, branches, tags and remote-tracking branches.

    `head_branch` is the branch HEAD names (None when detached); `detached` is the commit
    HEAD names when detached. Change a view only through `copy()`: the current one is
    shared by everything that read it. `merge` is the merge in progress, or None.
    """

    __slots__ = ("head_branch", "detached", "wc", "heads", "branches", "tags", "remotes", "stashes", "merge")

    def __init__(self, head_branch: str | None = "main", detached: ObjectId | None = None,
                 wc: ObjectId | None = None, heads=(), branches=None, tags=None, remotes=None, stashes=None,
                 merge: MergeState | None = None):
        self.head_branch = head_branch
        self.detached = detached
        self.wc = wc
        self.heads: set[ObjectId] = set(heads)
        self.branches: dict[str, ObjectId] = dict(branches or {})
        self.tags: dict[str, ObjectId] = dict(tags or {})
        self.remotes: dict[str, ObjectId] = dict(remotes or {})
        self.stashes: dict[int, ObjectId] = dict(stashes or {})  # number -> the stash's commit
        self.merge = merge

    def copy(self) -> View:
        return View(self.head_branch, self.detached, self.wc, self.heads, self.branches, self.tags, self.remotes,
                    self.stashes, self.merge)

    @property
    def head(self) -> ObjectId | None:
        """The commit HEAD names: its branch's tip, or the detached commit (None if unborn)."""
        if self.head_branch is not None:
            return self.branches.get(self.head_branch)
        return self.detached

    def __eq__(self, other) -> bool:
        return isinstance(other, View) and self.serialize() == other.serialize()

    def __repr__(self) -> str:
        return f"View({self.serialize()!r})"

    def committed(self, cid: ObjectId, parents) -> None:
        """A commit was made on top of the working tree: HEAD (its branch, or itself when
        detached) and the working tree's parent move to it; it replaces its parents
        among the visible heads."""
        self.heads.difference_update(parents)
        self.heads.add(cid)
        self.move_head(cid)

    def move_head(self, cid: ObjectId) -> None:
        """HEAD's branch (or HEAD itself, detached) and the working tree now name `cid`."""
        if self.head_branch is not None:
            self.branches[self.head_branch] = cid
        else:
            self.detached = cid
        self.wc = cid

    def targets(self) -> set[ObjectId]:
        """Every commit the view names: heads, ref targets, HEAD and the working tree's parent."""
        out = set(self.heads) | set(self.branches.values()) | set(self.tags.values()) | set(self.remotes.values())
        out.update(self.stashes.values())
        for oid in (self.detached, self.wc, self.merge.other if self.merge else None):
            if oid is not None:
                out.add(oid)
        return out

    def serialize(self) -> bytes:
        lines = [b"HEAD branch " + _name(self.head_branch) if self.head_branch is not None
                 else b"HEAD " + self.detached.hex().encode() if self.detached is not None else b"HEAD none"]
        if self.wc is not None:
            lines.append(b"wc " + self.wc.hex().encode())
        lines += sorted(b"head " + h.hex().encode() for h in self.heads)
        for kind, refs in ((b"branch", self.branches), (b"tag", self.tags), (b"remote", self.remotes)):
            lines += [b"%s %s %s" % (kind, refs[n].hex().encode(), _name(n)) for n in sorted(refs)]
        lines += [b"stash %s %d" % (self.stashes[n].hex().encode(), n) for n in sorted(self.stashes)]
        if self.merge is not None:
            lines += self.merge.lines()
        return b"".join(line + b"\n" for line in lines)

    def id(self) -> ObjectId:
        return content_id(self.serialize())

    @classmethod
    def parse(cls, data: bytes, name: str = "view") -> View:
        view = cls(None)
        try:
            text = data.decode("utf-8", "surrogateescape")
            if not text.endswith("\n"):
                raise ValueError("it is truncated")
            lines = text[:-1].split("\n")
            first = lines[0].split(" ")
            if first[0] != "HEAD" or len(first) not in (2, 3):
                raise ValueError("it does not start with HEAD")
            if len(first) == 3:
                if first[1] != "branch":
                    raise ValueError(f"malformed HEAD line {lines[0][:60]!r}")
                view.head_branch = _checked(first[2])
            elif first[1] != "none":
                view.detached = _oid(first[1])
            tables = {"branch": view.branches, "tag": view.tags, "remote": view.remotes}
            merge, conflicts = None, []
            for line in lines[1:]:
                kind, _, rest = line.partition(" ")
                if kind == "wc" and view.wc is None:
                    view.wc = _oid(rest)
                elif kind == "head":
                    view.heads.add(_oid(rest))
                elif kind in tables:
                    oid, sp, ref = rest.partition(" ")
                    if not sp or ref in tables[kind]:
                        raise ValueError(f"malformed or repeated {kind} line {line[:60]!r}")
                    tables[kind][_checked(ref)] = _oid(oid)
                elif kind == "stash":
                    oid, sp, n = rest.partition(" ")
                    if not sp or not n.isdigit() or len(n) > 18 or int(n) in view.stashes:
                        raise ValueError(f"malformed or repeated stash line {line[:60]!r}")
                    view.stashes[int(n)] = _oid(oid)
                elif kind == "merge" and merge is None:
                    merge = rest
                elif kind == "conflict" and merge is not None:
                    conflicts.append(rest)
                else:
                    raise ValueError(f"unknown line {line[:60]!r}")
            if merge is not None:
                view.merge = MergeState.parse(merge, conflicts)
        except (ValueError, UnicodeDecodeError) as e:
            raise CorruptError(f"{name} is malformed: {e}", hint="run `vcs verify`") from None
        if view.serialize() != data:
            raise CorruptError(f"{name} is not in its canonical form", hint="run `vcs verify`")
        return view


def _name(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def _checked(name: str) -> str:
    problem = refname_problem(name)
    if problem:
        raise ValueError(f"the ref name {name[:60]!r} is not allowed: {problem}")
    return name
