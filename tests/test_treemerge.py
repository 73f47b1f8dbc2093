"""The tree merge (vcs.repo.treemerge): a table of every case a path can be in, each checked
against what git's merge-ort does with the same three trees (git merge-tree --write-tree,
renames off), and the virtual base of criss-cross merges."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from vcs.model.objects import Entry, content_id
from vcs.repo.treemerge import (ADD_ADD, BINARY, CONTENT, DELETE_MODIFY, FILE_FOLDER, MODE, MODIFY_DELETE,
                                SYMLINK_TARGET, TYPE, merge_trees)

BLOBS: dict[bytes, bytes] = {}


def e(data: bytes | str, kind: str = "f") -> Entry:
    data = data.encode() if isinstance(data, str) else data
    BLOBS[content_id(data)] = data
    return Entry(kind, content_id(data))


def read(entry: Entry) -> bytes:
    return BLOBS[entry.id]


TEXT = "1\n2\n3\n4\n5\n6\n7\n8\n9\n"
OURS = TEXT.replace("2\n", "two\n")
THEIRS = TEXT.replace("8\n", "eight\n")
BOTH = TEXT.replace("2\n", "two\n").replace("8\n", "eight\n")
CLASH = TEXT.replace("2\n", "TWO\n")
BIN = b"\x00\x01binary\n"

# name: (base, ours, theirs, expected tree entry (None: no file), conflict kind or None).
# An expected entry given as text is the merged content: a text conflict's holds markers.
RAW = {
    "unchanged": ((TEXT, "f"), (TEXT, "f"), (TEXT, "f"), (TEXT, "f"), None),
    "ours only": ((TEXT, "f"), (OURS, "f"), (TEXT, "f"), (OURS, "f"), None),
    "theirs only": ((TEXT, "f"), (TEXT, "f"), (THEIRS, "f"), (THEIRS, "f"), None),
    "the same change": ((TEXT, "f"), (OURS, "f"), (OURS, "f"), (OURS, "f"), None),
    "both, apart": ((TEXT, "f"), (OURS, "f"), (THEIRS, "f"), (BOTH, "f"), None),
    "both, the same lines": ((TEXT, "f"), (OURS, "f"), (CLASH, "f"), "markers", CONTENT),
    "deleted by theirs": ((TEXT, "f"), (TEXT, "f"), None, None, None),
    "deleted by ours": ((TEXT, "f"), None, (TEXT, "f"), None, None),
    "deleted by both": ((TEXT, "f"), None, None, None, None),
    "modified, deleted": ((TEXT, "f"), (OURS, "f"), None, (OURS, "f"), MODIFY_DELETE),
    "deleted, modified": ((TEXT, "f"), None, (THEIRS, "f"), None, DELETE_MODIFY),
    "added by ours": (None, (OURS, "f"), None, (OURS, "f"), None),
    "added by theirs": (None, None, (THEIRS, "f"), (THEIRS, "f"), None),
    "added alike": (None, (OURS, "f"), (OURS, "f"), (OURS, "f"), None),
    "added differently": (None, (OURS, "f"), (THEIRS, "f"), "markers", ADD_ADD),
    "mode by ours, content by theirs": ((TEXT, "f"), (TEXT, "x"), (THEIRS, "f"), (THEIRS, "x"), None),
    "content by ours, mode by theirs": ((TEXT, "f"), (OURS, "f"), (TEXT, "x"), (OURS, "x"), None),
    "both merge, one mode": ((TEXT, "f"), (OURS, "x"), (THEIRS, "f"), (BOTH, "x"), None),
    "the same mode change": ((TEXT, "f"), (TEXT, "x"), (TEXT, "x"), (TEXT, "x"), None),
    "added with two modes": (None, (TEXT, "f"), (TEXT, "x"), (TEXT, "f"), MODE),
    "binary, one side": ((BIN, "f"), (BIN + b"ours", "f"), (BIN, "f"), (BIN + b"ours", "f"), None),
    "binary, both": ((BIN, "f"), (BIN + b"ours", "f"), (BIN + b"theirs", "f"), (BIN + b"ours", "f"), BINARY),
    "binary, added differently": (None, (BIN + b"ours", "f"), (BIN + b"theirs", "f"), (BIN + b"ours", "f"), BINARY),
    "text turned binary by theirs": ((TEXT, "f"), (OURS, "f"), (BIN, "f"), (OURS, "f"), BINARY),
    "symlink, one side": (("t", "l"), ("t", "l"), ("u", "l"), ("u", "l"), None),
    "symlink, both": (("t", "l"), ("o", "l"), ("u", "l"), ("o", "l"), SYMLINK_TARGET),
    "symlink against a file": ((TEXT, "f"), ("target", "l"), (THEIRS, "f"), ("target", "l"), TYPE),
    "file against a symlink": ((TEXT, "f"), (OURS, "f"), ("target", "l"), (OURS, "f"), TYPE),
    "symlink and executable": ((TEXT, "f"), (TEXT, "x"), (TEXT, "l"), (TEXT, "x"), TYPE),
}


def _entries(name: str, spec):
    """A case's sides as entries, each line salted with the case's name so that no two
    cases share a line (git would pair their files up as renames)."""
    salt = b" (" + name.encode() + b")"

    def one(x):
        if x is None or x == "markers":
            return x
        data, kind = x
        data = data.encode() if isinstance(data, str) else data
        return e(b"".join(line[:-1] + salt + b"\n" if line.endswith(b"\n") else line + salt
                          for line in data.splitlines(keepends=True)), kind)
    b, o, t, want, kind = spec
    return one(b), one(o), one(t), one(want), kind


CASES = {name: _entries(name, spec) for name, spec in RAW.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_each_case(name):
    b, o, t, want, kind = CASES[name]
    trees = [{b"p": x} if x is not None else {} for x in (b, o, t)]
    m = merge_trees(*trees, read, style="merge")
    got = m.tree.get(b"p")
    if want == "markers":
        text = (m.blobs.get(got.id) or BLOBS[got.id]).decode()
        assert "<<<<<<< ours\n" in text and ">>>>>>> theirs\n" in text, text
    else:
        assert got == want, (got, want)
    assert [(c.path, c.kind) for c in m.conflicts] == ([(b"p", kind)] if kind else [])
    if kind:
        c = m.conflicts[0]
        assert (c.base, c.ours, c.theirs) == (b, o, t)
    for oid in m.blobs:  # what the merge made is handed back, for the caller to store
        assert content_id(m.blobs[oid]) == oid


def test_a_text_conflict_is_drawn_in_the_style_asked_for():
    b, o, t = {b"p": e(TEXT)}, {b"p": e(OURS)}, {b"p": e(CLASH)}
    for style, base_shown in (("merge", False), ("diff3", True), ("zdiff3", True)):
        m = merge_trees(b, o, t, read, style=style, labels=(b"main", b"1a2b", b"topic"))
        text = m.blobs[m.tree[b"p"].id].decode()
        assert "<<<<<<< main\n" in text and ">>>>>>> topic\n" in text
        assert ("||||||| 1a2b\n" in text) == base_shown, style


def test_clean_is_decided_in_the_merge_style():
    # Both sides insert the same line, cut differently: the merge style finds them equal.
    base, ours, theirs = "a\nb\n", "a\nX\nb\n", "a\nX\nb\n"
    m = merge_trees({b"p": e(base)}, {b"p": e(ours)}, {b"p": e(theirs)}, read, style="diff3")
    assert not m.conflicts and m.tree[b"p"] == e(ours)


def test_a_file_against_a_folder():
    # ours adds a file `d`, theirs a folder `d/` with a file in it: ours' file stays.
    m = merge_trees({}, {b"d": e("file\n")}, {b"d/x": e("x\n")}, read)
    assert m.tree == {b"d": e("file\n")}
    assert [(c.path, c.kind) for c in m.conflicts] == [(b"d/x", FILE_FOLDER)]
    # ours has the folder: theirs' file goes.
    m = merge_trees({}, {b"d/x": e("x\n")}, {b"d": e("file\n")}, read)
    assert m.tree == {b"d/x": e("x\n")}
    assert [(c.path, c.kind, c.theirs) for c in m.conflicts] == [(b"d", FILE_FOLDER, e("file\n"))]
    # theirs replaced a file by a folder, ours left it alone: no clash, theirs is taken.
    m = merge_trees({b"d": e("old\n")}, {b"d": e("old\n")}, {b"d/x": e("x\n")}, read)
    assert m.tree == {b"d/x": e("x\n")} and not m.conflicts
    # ours modified the file theirs replaced by a folder: modify/delete, and the folder is out.
    m = merge_trees({b"d": e("old\n")}, {b"d": e("new\n")}, {b"d/x": e("x\n")}, read)
    assert m.tree == {b"d": e("new\n")}
    assert [(c.path, c.kind) for c in m.conflicts] == [(b"d", MODIFY_DELETE), (b"d/x", FILE_FOLDER)]


def test_unrelated_paths_merge_as_one_tree():
    base = {b"a": e("a\n"), b"b": e("b\n"), b"c": e("c\n")}
    ours = {b"a": e("A\n"), b"b": e("b\n"), b"c": e("c\n"), b"new/o": e("o\n")}
    theirs = {b"a": e("a\n"), b"c": e("C\n"), b"new/t": e("t\n")}
    m = merge_trees(base, ours, theirs, read)
    assert m.tree == {b"a": e("A\n"), b"c": e("C\n"), b"new/o": e("o\n"), b"new/t": e("t\n")}
    assert not m.conflicts and not m.blobs


def test_a_virtual_base_keeps_text_conflicts_and_takes_the_base_for_others():
    base = {b"t": e(TEXT), b"bin": e(BIN), b"md": e(TEXT)}
    ours = {b"t": e(OURS), b"bin": e(BIN + b"1"), b"md": e(OURS)}
    theirs = {b"t": e(CLASH), b"bin": e(BIN + b"2")}
    m = merge_trees(base, ours, theirs, read, style="merge", marker_size=9, virtual=True,
                    labels=(b"Temporary merge branch 1", b"r", b"Temporary merge branch 2"))
    assert not m.conflicts
    assert b"<<<<<<<<< Temporary merge branch 1\n" in m.blobs[m.tree[b"t"].id]
    assert m.tree[b"bin"] == e(BIN) and m.tree[b"md"] == e(TEXT)


# ------------------------------------------------------------------ against git's merge-ort

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(cwd, *args, check=True):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", "-c", "merge.renames=false", "-c", "core.symlinks=true", *args], cwd=cwd,
                          capture_output=True, env=env, check=check)


def _write_tree(root, files):
    for p in list(root.iterdir()):
        if p.name != ".git":
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    for path, entry in files.items():
        full = root / path.decode()
        full.parent.mkdir(parents=True, exist_ok=True)
        if entry.kind == "l":
            os.symlink(BLOBS[entry.id], full)
        else:
            full.write_bytes(BLOBS[entry.id])
            full.chmod(0o755 if entry.kind == "x" else 0o644)


@needs_git
def test_the_table_as_gits_merge_ort(tmp_path):
    """Every case at its own path, in one merge: git's merge-tree conflicts on the same
    paths, and where it is clean, holds the same file, mode and bytes."""
    trees = [{}, {}, {}]
    for i, (b, o, t, _, _) in enumerate(CASES.values()):
        for side, x in zip(trees, (b, o, t)):
            if x is not None:
                side[b"case%02d" % i] = x
    trees[0][b"d"], trees[1][b"d"], trees[2][b"d/x"] = e("old\n"), e("new\n"), e("x\n")
    _git(tmp_path, "init", "-q", "-b", "base")
    for n, files in enumerate(trees):
        if n:
            _git(tmp_path, "checkout", "-q", "-b", f"side{n}", "base")
        _write_tree(tmp_path, files)
        _git(tmp_path, "add", "-A")
        _git(tmp_path, "commit", "-q", "--allow-empty", "-m", str(n))
    p = _git(tmp_path, "merge-tree", "--write-tree", "--name-only", "side1", "side2", check=False)
    if p.returncode not in (0, 1):
        pytest.skip("git merge-tree --write-tree needs git 2.38")
    lines = p.stdout.decode().split("\n")
    tree, conflicted = lines[0], set(lines[1:lines.index("")])
    m = merge_trees(*trees, read, style="merge")
    ours_conflicts = {c.path.decode() for c in m.conflicts}
    # git moves one side of a clash of types, or of a file and a folder, aside (`d~side1`)
    # and keeps theirs' folder where vcs keeps ours' file (d/x: a conflict here).
    assert ours_conflicts == {re.sub(r"~side[12]$", "", p) for p in conflicted} | {"d/x"}
    listing = _git(tmp_path, "ls-tree", "-r", tree).stdout.decode().splitlines()
    git_tree = {}
    for line in listing:
        meta, path = line.split("\t")
        mode, _, blob = meta.split()
        git_tree[path] = (mode, _git(tmp_path, "cat-file", "blob", blob).stdout)
    modes = {"f": "100644", "x": "100755", "l": "120000"}
    clean = [p for p in m.tree if p.decode() not in ours_conflicts]
    assert len(clean) >= 14
    for path in clean:
        entry = m.tree[path]
        assert git_tree.get(path.decode()) == (modes[entry.kind], m.blobs.get(entry.id) or BLOBS[entry.id]), path
    assert {p for p in git_tree if p not in conflicted} == {p.decode() for p in clean} | {"d/x"}


# ------------------------------------------------------------------ properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PATHS = [b"a", b"b", b"d/c", b"d/e", b"f/g/h", b"x"]
_CONTENTS = ["1\n2\n3\n", "1\nTWO\n3\n", "one\n2\n3\n", "1\n2\nthree\n", "\x00bin\n", "t"]


@st.composite
def trees(draw):
    tree = {}
    for path in draw(st.lists(st.sampled_from(_PATHS), unique=True)):
        tree[path] = e(draw(st.sampled_from(_CONTENTS)), draw(st.sampled_from("fxl")))
    return tree


@st.composite
def changed(draw, base):
    """base with some paths changed, deleted or added (paths that leave no file under a file)."""
    tree = dict(base)
    for path in draw(st.lists(st.sampled_from(_PATHS), unique=True)):
        if draw(st.booleans()) and path in tree:
            del tree[path]
        else:
            tree[path] = e(draw(st.sampled_from(_CONTENTS)), draw(st.sampled_from("fx")))
    return tree


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_merging_a_change_with_itself_gives_that_change(data):
    base = data.draw(trees())
    side = data.draw(changed(base))
    m = merge_trees(base, side, side, read)
    assert m.tree == side and not m.conflicts and not m.blobs


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_merging_with_no_change_gives_the_other_side(data):
    base = data.draw(trees())
    side = data.draw(changed(base))
    for ours, theirs in ((base, side), (side, base)):
        m = merge_trees(base, ours, theirs, read)
        assert m.tree == side and not m.conflicts and not m.blobs


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_disjoint_changes_merge_cleanly_and_both_are_kept(data):
    """Changes to different paths (and no file where the other side has a folder) merge
    into the union of both."""
    base = data.draw(trees())
    ours = data.draw(changed(base))
    mine = {p for p in ours.keys() | base.keys() if ours.get(p) != base.get(p)}
    drawn = data.draw(changed(base))
    theirs = {p: x for p, x in drawn.items() if p not in mine} | {p: base[p] for p in mine if p in base}
    other = {p for p in theirs.keys() | base.keys() if theirs.get(p) != base.get(p)}
    union = dict(base)
    for side, paths in ((ours, mine), (theirs, other)):
        for p in paths:
            if p in side:
                union[p] = side[p]
            else:
                union.pop(p, None)
    from vcs.model.objects import file_on_path
    if mine & other or any(file_on_path(p, union) for p in union):
        return
    m = merge_trees(base, ours, theirs, read)
    assert m.tree == union and not m.conflicts
