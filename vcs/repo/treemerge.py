"""Merging trees: a base, ours and theirs listing in; the merged listing and its conflicts out.

    merge_trees(base, ours, theirs, read, ...)   -> TreeMerge   pure: listings and a reader
    merge_revisions(repo, ours, theirs, ...)      -> TreeMerge   the base found in the graph

Each path is decided alone, as git's merge-ort decides it (without rename detection):

- the same on both sides (both deleted too), or changed on one side only: that side
  (a deletion too);
- changed on both sides, differently:
  - a deletion against a change: a modify/delete conflict;
  - a symlink against a file: a type conflict;
  - the mode: one side's change is taken; two different changes conflict;
  - the content: a symlink's target changed on both sides conflicts; a binary file
    (git's rule: a NUL in the first 8,000 bytes of any of the three) conflicts; text is
    merged line by line (vcs.diff.merge3; added on both sides: against an empty base),
    clean when the merge style finds no conflict, else written with markers in the
    configured style;
- a file where the other side has a folder (`a` against `a/b`): a file/folder conflict.

Every conflict but a text one keeps ours in the tree (ours' file, or no file where ours
deleted it); a text conflict's file holds the markers. What the merge makes that no
side had (merged texts, texts with markers) is returned as `blobs`, id -> bytes, for the
caller to store: the tree's entries name them.

With several merge bases, as git's ort does: the bases (oldest first) are merged into a
virtual base, each with its own merge base, recursively. Conflicts inside it are kept
(text with markers, 2 longer per level, labelled "Temporary merge branch 1" and "2");
a conflict that is not text takes the base's version (ours' where it has none).
"""
from __future__ import annotations

from vcs.diff import merge3
from vcs.diff.delta import split_lines
from vcs.diff.patch import is_binary
from vcs.model.objects import SYMLINK, Entry, Manifest, content_id, file_on_path
from vcs.records import record

# Conflict kinds, as git names them.
CONTENT, ADD_ADD, BINARY, SYMLINK_TARGET, MODE, TYPE = "content", "add/add", "binary", "symlink", "mode", "type"
MODIFY_DELETE, DELETE_MODIFY, FILE_FOLDER = "modify/delete", "delete/modify", "file/folder"
TEXT_KINDS = (CONTENT, ADD_ADD)  # conflicts whose file holds markers

# One conflicting path: its kind and the three sides' entries (None: no file there).
TreeConflict = record("TreeConflict", "path kind base ours theirs")
# tree: the merged listing, as the working tree should hold it; conflicts: sorted by
# path; blobs: contents the merge made (id -> bytes); merged: paths merged line by line.
TreeMerge = record("TreeMerge", "tree conflicts blobs merged")

DEFAULT_LABELS = (b"ours", b"base", b"theirs")


def merge_trees(base: Manifest, ours: Manifest, theirs: Manifest, read, *, style: str = "zdiff3",
                labels: tuple[bytes, bytes, bytes] = DEFAULT_LABELS, marker_size: int = 7,
                virtual: bool = False) -> TreeMerge:
    """Merge two listings against their base. `read(entry)` returns an entry's bytes;
    `style` draws text conflicts (clean or not is decided in git's merge style); labels
    name ours, the base and theirs after the markers. `virtual`: this makes a virtual
    merge base (see the module's docstring)."""
    m = _Merge(read, style, labels, marker_size, virtual)
    tree: Manifest = {}
    for path in sorted(base.keys() | ours.keys() | theirs.keys()):
        entry = m.path(path, base.get(path), ours.get(path), theirs.get(path))
        if entry is not None:
            tree[path] = entry
    _file_folder(m, tree, base, ours, theirs)
    return TreeMerge(tree, sorted(m.conflicts, key=lambda c: c.path), m.blobs, m.merged)


class _Merge:
    def __init__(self, read, style, labels, marker_size, virtual):
        self.read, self.style, self.labels, self.marker_size, self.virtual = read, style, labels, marker_size, virtual
        self.conflicts: list[TreeConflict] = []
        self.blobs: dict[bytes, bytes] = {}
        self.merged: list[bytes] = []

    def conflict(self, path, kind, b, o, t, keep):
        """A conflict at path; `keep` is what the tree holds. A virtual base records none
        and holds the base's version instead (ours' where the base has none), unless
        the conflict is text, whose markers it keeps."""
        if self.virtual:
            return keep if kind in TEXT_KINDS else b if b is not None else o
        self.conflicts.append(TreeConflict(path, kind, b, o, t))
        return keep

    def path(self, path: bytes, b: Entry | None, o: Entry | None, t: Entry | None) -> Entry | None:
        if o == t or t == b:
            return o
        if o == b:
            return t
        # Changed on both sides, differently.
        if o is None or t is None:
            return self.conflict(path, MODIFY_DELETE if t is None else DELETE_MODIFY, b, o, t, o)
        if (o.kind == SYMLINK) != (t.kind == SYMLINK):
            return self.conflict(path, TYPE, b, o, t, o)
        # The mode, as git merges it: one side's change is taken, two changes conflict.
        b_kind = b.kind if b is not None else None
        if o.kind == t.kind or o.kind == b_kind:
            kind, mode_clean = t.kind, True
        else:
            kind, mode_clean = o.kind, t.kind == b_kind
        b_id = b.id if b is not None else None
        if o.id == t.id or o.id == b_id:
            oid, problem = t.id, None
        elif t.id == b_id:
            oid, problem = o.id, None
        elif kind == SYMLINK:
            oid, problem = o.id, SYMLINK_TARGET
        else:
            oid, problem = self.text(path, b, o, t)
        entry = Entry(kind, oid)
        if problem is None and not mode_clean:
            problem = MODE
        if problem is not None:
            keep = entry if problem in TEXT_KINDS or problem == MODE else o
            if self.virtual and problem == BINARY and b is None:
                keep = Entry(kind, self.add(b""))  # git: an empty file stands in for no base
            return self.conflict(path, problem, b, o, t, keep)
        return entry

    def text(self, path, b, o, t) -> tuple[bytes, str | None]:
        """Merge the contents of a file both sides changed: (the id of the result, the
        conflict kind or None). A base of another type counts as none (a two-way merge)."""
        two_way = b is None or (b.kind == SYMLINK) != (o.kind == SYMLINK)
        base = b"" if two_way else self.read(b)
        mine, other = self.read(o), self.read(t)
        if is_binary(base) or is_binary(mine) or is_binary(other):
            return o.id, BINARY
        self.merged.append(path)
        lines = split_lines(base), split_lines(mine), split_lines(other)
        chunks = merge3.merge_lines(*lines, "merge")
        if merge3.is_clean(chunks):
            return self.add(merge3.render(chunks)[0]), None
        if self.style != "merge":
            chunks = merge3.merge_lines(*lines, self.style)
        data, _ = merge3.render(chunks, self.style, self.labels, self.marker_size)
        return self.add(data), ADD_ADD if two_way and b is None else CONTENT

    def add(self, data: bytes) -> bytes:
        oid = content_id(data)
        self.blobs[oid] = data
        return oid


def _file_folder(m: _Merge, tree: Manifest, base: Manifest, ours: Manifest, theirs: Manifest) -> None:
    """A file where the merged tree has a folder (`a` and `a/b`): ours' side stays (ours'
    file, or ours' folder), and each path of the other side is left out of the tree as
    a file/folder conflict."""
    for f in sorted({file_on_path(p, tree) for p in tree} - {None}):
        inside = [p for p in tree if p.startswith(f + b"/")]
        if f not in tree or not inside:
            continue  # settled with an outer folder's clash
        for p in [p for p in inside if p not in ours] if f in ours else [f]:
            del tree[p]
            if not m.virtual:
                m.conflicts.append(TreeConflict(p, FILE_FOLDER, base.get(p), ours.get(p), theirs.get(p)))


# ----------------------------------------------------------------- revisions and their bases

def merge_revisions(repo, ours: int | None, theirs: int | None, *, style: str = "zdiff3",
                    labels: tuple[bytes, bytes] = (b"ours", b"theirs"), bases=None,
                    base_label: bytes | None = None) -> tuple[TreeMerge, bytes]:
    """Merge revision `theirs` into `ours` (None: the empty tree) against their merge
    base (or `bases`, given: a cherry-pick's), a virtual one made of several. Returns
    the merge and the base's label (a short id, "merged common ancestors" or "empty
    tree", unless `base_label` is given)."""
    if bases is None:
        bases = repo.changelog.merge_bases(ours, theirs) if ours is not None and theirs is not None else []
    blobs: dict[bytes, bytes] = {}
    read = _reader(repo, blobs)
    base_tree, found_label = virtual_base(repo, list(bases), read, blobs, style, depth=1)
    base_label = found_label if base_label is None else base_label
    result = merge_trees(base_tree, repo.manifest(ours), repo.manifest(theirs), read, style=style,
                         labels=(labels[0], base_label, labels[1]))
    blobs.update(result.blobs)
    return result._replace(blobs=blobs), base_label


def virtual_base(repo, bases: list[int], read, blobs: dict, style: str, depth: int) -> tuple[Manifest, bytes]:
    """The tree to merge against: the one base's, the empty tree, or several bases merged
    (oldest first, as git's ort: each merged with the next against their own bases)."""
    if not bases:
        return {}, b"empty tree"
    bases = sorted(bases)
    if len(bases) == 1:
        return repo.manifest(bases[0]), repo.commit_info(bases[0]).id.hex()[:12].encode()
    tree, made_of = repo.manifest(bases[0]), [bases[0]]
    for nxt in bases[1:]:
        inner, label = virtual_base(repo, repo.changelog.merge_bases(made_of, nxt), read, blobs, style, depth + 1)
        m = merge_trees(inner, tree, repo.manifest(nxt), read, style=style,
                        labels=(b"Temporary merge branch 1", label, b"Temporary merge branch 2"),
                        marker_size=7 + 2 * depth, virtual=True)
        blobs.update(m.blobs)
        tree = m.tree
        made_of.append(nxt)
    return tree, b"merged common ancestors"


def _reader(repo, blobs: dict):
    def read(entry: Entry) -> bytes:
        data = blobs.get(entry.id)
        return data if data is not None else repo.objects.read(entry.id)
    return read
