"""Tests of vcs.diff.patch: our patches are git's, and `git apply` and `patch -p1` apply them."""
from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from vcs.diff import delta
from vcs.diff import patch

Tree = dict[bytes, tuple[bytes, str]]  # path -> (content, git mode)

GIT = shutil.which("git")
PATCH = shutil.which("patch")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


# --------------------------------------------------------------------------- helpers

def git(cwd: Path, *args: str | bytes, stdin: bytes | None = None) -> bytes:
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
               HOME=str(cwd), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com",
               LC_ALL="C")
    result = subprocess.run([GIT, *args], cwd=cwd, input=stdin, env=env,
                            capture_output=True)
    if result.returncode not in (0, 1):
        raise AssertionError(f"git {args} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


def write_tree(root: Path, tree: Tree) -> None:
    base = os.fsencode(root)
    for path, (data, mode) in tree.items():
        full = os.path.join(base, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if mode == "120000":
            os.symlink(data, full)
        else:
            with open(full, "wb") as f:
                f.write(data)
            os.chmod(full, 0o755 if mode == "100755" else 0o644)


def read_tree(root: Path) -> Tree:
    base = os.fsencode(root)
    tree: Tree = {}
    for folder, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if d != b".git"]
        for name in files:
            full = os.path.join(folder, name)
            path = os.path.relpath(full, base)
            if os.path.islink(full):
                tree[path] = (os.readlink(full), "120000")
            else:
                with open(full, "rb") as f:
                    data = f.read()
                tree[path] = (data, "100755" if os.access(full, os.X_OK) else "100644")
    return tree


def tree_patch(old: Tree, new: Tree, context: int = 3, binary: bool = False) -> bytes:
    """Our patch for a whole tree, files in git's order (bytewise by path)."""
    out = []
    for path in sorted(set(old) | set(new)):
        o, n = old.get(path), new.get(path)
        out.append(patch.file_patch(
            path if o else None, path if n else None,
            o[0] if o else None, n[0] if n else None,
            o[1] if o else None, n[1] if n else None, context, binary=binary))
    return b"".join(out)


def git_tree_diff(tmp: Path, old: Tree, new: Tree, *options: str) -> bytes:
    """`git diff --histogram` of old to new."""
    repo = tmp / "gitdiff"
    repo.mkdir()
    git(repo, "init", "-q")
    write_tree(repo, old)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "old")
    for path in old:
        os.unlink(os.path.join(os.fsencode(repo), path))
    write_tree(repo, new)
    git(repo, "add", "-A")
    return git(repo, "diff", "--cached", "--no-renames", "--histogram", *options)


def check_git_apply(tmp: Path, old: Tree, new: Tree, data: bytes, reverse: bool = False) -> None:
    """git apply turns old into new with data (and, if reverse, `git apply -R` back)."""
    repo = tmp / "gitapply"
    repo.mkdir()
    git(repo, "init", "-q")
    write_tree(repo, old)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "old")
    (tmp / "change.patch").write_bytes(data)
    result = subprocess.run([GIT, "apply", "--whitespace=nowarn", str(tmp / "change.patch")],
                            cwd=repo, capture_output=True)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert read_tree(repo) == new
    if reverse:
        result = subprocess.run([GIT, "apply", "-R", str(tmp / "change.patch")], cwd=repo,
                                capture_output=True)
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        assert read_tree(repo) == old


def check_patch_p1(tmp: Path, old: Tree, new: Tree, data: bytes) -> None:
    folder = tmp / "patchp1"
    folder.mkdir()
    write_tree(folder, old)
    result = subprocess.run([PATCH, "-p1", "--batch", "--silent"], cwd=folder, input=data,
                            capture_output=True)
    assert result.returncode == 0, (result.stdout + result.stderr).decode(errors="replace")
    assert read_tree(folder) == new


# --------------------------------------------------------------------------- trees

def numbered(n: int, fmt: bytes = b"line %d\n") -> bytes:
    return b"".join(fmt % i for i in range(n))


SOURCE = b"".join(
    b"def function_%d(x):\n    y = x + %d\n    return y\n\n" % (i, i) for i in range(40))
SOURCE_EDITED = (SOURCE.replace(b"y = x + 3\n", b"y = x * 3\n")
                 .replace(b"def function_30(x):\n", b"def function_30(x, z=0):\n")
                 .replace(b"    return y\n\ndef function_31",
                          b"    return y + z\n\ndef function_31"))

OLD: Tree = {
    b"modified.py": (SOURCE, "100644"),
    b"deleted.txt": (numbered(5), "100644"),
    b"mode_only.sh": (b"#!/bin/sh\necho hi\n", "100644"),
    b"mode_and_content.sh": (b"#!/bin/sh\necho hi\n", "100644"),
    b"no_eol_old.txt": (b"a\nb\nc", "100644"),
    b"no_eol_new.txt": (b"a\nb\nc\n", "100644"),
    b"no_eol_both.txt": (b"a\nb\nc", "100644"),
    b"no_eol_context.txt": (numbered(6) + b"last", "100644"),
    b"crlf.txt": (b"one\r\ntwo\r\nthree\r\nfour\r\n", "100644"),
    b"becomes_empty.txt": (b"x\ny\n", "100644"),
    b"empty_deleted": (b"", "100644"),
    b"empty_filled.txt": (b"", "100644"),
    b"single_no_eol.txt": (b"hello", "100644"),
    b"dir/with space.txt": (numbered(10), "100644"),
    b"dir/sub/deep.txt": (numbered(3), "100755"),
    "naïve café.txt".encode(): (numbered(4), "100644"),
    b"typechange": (b"was a file\n", "100644"),
    b"link": (b"target-one", "120000"),
}
NEW: Tree = {
    b"modified.py": (SOURCE_EDITED, "100644"),
    b"added.txt": (numbered(7, b"added %d\n"), "100644"),
    b"mode_only.sh": (b"#!/bin/sh\necho hi\n", "100755"),
    b"mode_and_content.sh": (b"#!/bin/sh\necho hello\n", "100755"),
    b"no_eol_old.txt": (b"a\nb\nc\n", "100644"),
    b"no_eol_new.txt": (b"a\nb\nc", "100644"),
    b"no_eol_both.txt": (b"a\nb\nC", "100644"),
    b"no_eol_context.txt": (b"line 0\nLINE 1\n" + numbered(6)[14:] + b"last", "100644"),
    b"crlf.txt": (b"one\r\nTWO\r\nthree\r\nfour\r\nfive\r\n", "100644"),
    b"becomes_empty.txt": (b"", "100644"),
    b"empty_added": (b"", "100644"),
    b"empty_filled.txt": (b"now\nfull\n", "100644"),
    b"single_no_eol.txt": (b"world", "100644"),
    b"dir/with space.txt": (numbered(10).replace(b"line 5\n", b"line five\n"), "100644"),
    b"dir/sub/deep.txt": (numbered(4), "100755"),
    "naïve café.txt".encode(): (numbered(4) + b"more\n", "100644"),
    b"new dir/added with space.txt": (b"spaced\n", "100644"),
    b"typechange": (b"link", "120000"),
    b"link": (b"target-two", "120000"),
    b"new_link": (b"modified.py", "120000"),
}
# Names only git handles: GNU patch does not unquote C-quoted names.
QUOTED_OLD: Tree = {b'quote"d.txt': (b"q\n", "100644"), b"back\\slash.txt": (b"b\n", "100644"),
                    b"tab\there.txt": (b"t\n", "100644"), b"\xff\xfe.bin.txt": (b"x\n", "100644")}
QUOTED_NEW: Tree = {b'quote"d.txt': (b"q\nQ\n", "100644"),
                    b"back\\slash.txt": (b"b\nB\n", "100644"),
                    b"tab\there.txt": (b"T\n", "100644"),
                    b"new\nline.txt": (b"n\n", "100644")}


# --------------------------------------------------------------------------- tests

@needs_git
def test_tree_patch_is_what_git_writes(tmp_path):
    assert tree_patch(OLD, NEW) == git_tree_diff(tmp_path, OLD, NEW)


@needs_git
def test_quoted_names_are_what_git_writes(tmp_path):
    assert tree_patch(QUOTED_OLD, QUOTED_NEW) == git_tree_diff(tmp_path, QUOTED_OLD, QUOTED_NEW)


@needs_git
@pytest.mark.parametrize("context", [0, 1, 5])
def test_other_context_sizes_are_what_git_writes(tmp_path, context):
    assert (tree_patch(OLD, NEW, context)
            == git_tree_diff(tmp_path, OLD, NEW, f"-U{context}"))


@needs_git
def test_git_apply_turns_old_into_new(tmp_path):
    check_git_apply(tmp_path, OLD, NEW, tree_patch(OLD, NEW))


@needs_git
def test_git_apply_with_quoted_names(tmp_path):
    check_git_apply(tmp_path, QUOTED_OLD, QUOTED_NEW, tree_patch(QUOTED_OLD, QUOTED_NEW))


def test_patch_p1_turns_old_into_new(tmp_path):
    # git's "index" line (the blob ids and mode) is what lets GNU patch patch a symlink
    # in place and tell the deletion of an empty file from a reversed patch.
    if PATCH is None:
        pytest.skip("patch is not installed")
    check_patch_p1(tmp_path, OLD, NEW, tree_patch(OLD, NEW))


def random_text(rng: random.Random, n: int) -> bytes:
    words = [b"def f():\n", b"class C:\n", b"    return x\n", b"    pass\n", b"\n", b"}\n",
             b"    if x:\n", b"        y += 1\n", b"x = 1\n", b"\tindented\n", b"_private\n"]
    lines = [rng.choice(words) if rng.random() < 0.6 else b"unique %d\n" % rng.randrange(10**6)
             for _ in range(n)]
    return b"".join(lines)


def random_edit(rng: random.Random, data: bytes) -> bytes:
    lines = delta.split_lines(data)
    for _ in range(rng.randrange(1, 8)):
        k = rng.randrange(len(lines) + 1)
        action = rng.randrange(4)
        if action == 0 and k < len(lines):
            del lines[k:k + rng.randrange(1, 5)]
        elif action == 1:
            lines[k:k] = delta.split_lines(random_text(rng, rng.randrange(1, 6)))
        elif action == 2 and k < len(lines):
            lines[k] = b"changed " + lines[k]
        else:
            block = lines[k:k + rng.randrange(1, 6)]
            lines[k:k] = block  # duplicated block: the sliding rules matter here
    if rng.random() < 0.2 and lines:
        lines[-1] = lines[-1].rstrip(b"\n")
    return b"".join(lines)


@needs_git
def test_random_edits_are_what_git_writes_and_apply(tmp_path):
    rng = random.Random(1234)
    old: Tree = {}
    new: Tree = {}
    for i in range(150):
        text = random_text(rng, rng.randrange(0, 200))
        old[b"f%03d.txt" % i] = (text, "100644")
        new[b"f%03d.txt" % i] = (random_edit(rng, text), "100644")
    ours = tree_patch(old, new)
    assert ours == git_tree_diff(tmp_path, old, new)
    check_git_apply(tmp_path, old, new, ours)
    if PATCH is not None:
        check_patch_p1(tmp_path, old, new, ours)


@needs_git
@pytest.mark.parametrize("old, new", [
    (SOURCE, SOURCE_EDITED),
    (numbered(300), numbered(300).replace(b"line 150\n", b"")),
    (b"a\nb\nc", b"a\nb\nc\nd"),
    (numbered(50, b"%d\r\n"), numbered(50, b"%d\n")),
])
def test_hunks_match_git_diff_no_index(tmp_path, old, new):
    (tmp_path / "old").write_bytes(old)
    (tmp_path / "new").write_bytes(new)
    out = git(tmp_path, "diff", "--no-index", "--histogram", "old", "new")
    theirs = out[out.index(b"\n@@") + 1:]
    a, b = delta.split_lines(old), delta.split_lines(new)
    assert patch.format_hunks(a, b, delta.diff(a, b)) == theirs


@needs_git
def test_binary_files(tmp_path):
    old: Tree = {b"image.bin": (b"\x89PNG\0\0\x01", "100644"),
                 b"gone.bin": (b"\0old", "100644"),
                 "bin é".encode(): (b"a\0b", "100644"),
                 b"to_binary.txt": (b"text\n", "100644")}
    new: Tree = {b"image.bin": (b"\x89PNG\0\0\x02", "100755"),
                 b"added.bin": (b"\0new", "100644"),
                 "bin é".encode(): (b"a\0c", "100644"),
                 b"to_binary.txt": (b"text\n\0", "100644")}
    ours = tree_patch(old, new)
    assert ours == git_tree_diff(tmp_path, old, new)
    assert b"Binary files a/image.bin and b/image.bin differ\n" in ours
    assert b"Binary files /dev/null and b/added.bin differ\n" in ours


# Binary changes of every kind, a binary file sorting before text files, and text files
# around them (whose ids stay abbreviated under --binary, as git writes them).
RNG = random.Random(11)
LARGE = RNG.randbytes(200_000)
BINARY_OLD: Tree = {
    b"0-first.bin": (b"\0" + numbered(300), "100644"),
    b"changed-small.bin": (b"\x89PNG\0\0\x01", "100644"),
    b"changed-large.bin": (LARGE, "100644"),
    b"deleted.bin": (b"\0gone" * 40, "100755"),
    b"emptied.bin": (b"\0was full", "100644"),
    b"filled.bin": (b"", "100644"),
    b"to-text.txt": (b"bin\0ary\n", "100644"),
    b"to-binary.txt": (numbered(20), "100644"),
    b"unrelated.bin": (RNG.randbytes(3000), "100644"),
    b"text.txt": (numbered(10), "100644"),
    b"mode.bin": (b"\0mode", "100644"),
}
BINARY_NEW: Tree = {
    b"0-first.bin": (b"\0" + numbered(300).replace(b"line 150\n", b"line \xff\n"), "100644"),
    b"changed-small.bin": (b"\x89PNG\0\0\x02", "100644"),
    b"changed-large.bin": (LARGE[:100_000] + b"patched" + LARGE[100_010:] + b"tail", "100644"),
    b"added.bin": (b"\0new" * 100, "100644"),
    b"added-large.bin": (RNG.randbytes(10_000), "100755"),
    b"emptied.bin": (b"", "100644"),
    b"filled.bin": (b"\0now full", "100644"),
    b"to-text.txt": (b"text\n", "100644"),
    b"to-binary.txt": (numbered(20) + b"\0", "100644"),
    b"unrelated.bin": (RNG.randbytes(3000), "100644"),
    b"text.txt": (numbered(11), "100644"),
    b"mode.bin": (b"\0mode!", "100755"),
}
# Where git writes a literal hunk both ways (a side is empty or absent), it writes what we do.
LITERAL_OLD: Tree = {p: BINARY_OLD[p] for p in (b"deleted.bin", b"emptied.bin", b"filled.bin",
                                               b"text.txt")}
LITERAL_NEW: Tree = {p: BINARY_NEW[p] for p in (b"added.bin", b"added-large.bin", b"emptied.bin",
                                               b"filled.bin", b"text.txt")}


@needs_git
def test_binary_literals_are_what_git_writes(tmp_path):
    ours = tree_patch(LITERAL_OLD, LITERAL_NEW, binary=True)
    assert ours == git_tree_diff(tmp_path, LITERAL_OLD, LITERAL_NEW, "--binary")
    assert b"GIT binary patch\nliteral 400\n" in ours
    assert re.search(rb"\nindex 0{40}\.\.[0-9a-f]{40}\nGIT binary patch\n", ours)
    assert re.search(rb"\nindex [0-9a-f]{7}\.\.[0-9a-f]{7} 100644\n--- a/text.txt\n", ours)


@needs_git
def test_binary_patch_applies_with_git_both_ways(tmp_path):
    ours = tree_patch(BINARY_OLD, BINARY_NEW, binary=True)
    assert ours.startswith(b"diff --git a/0-first.bin b/0-first.bin\nindex ")
    assert b"Binary files" not in ours
    # A small change to a large binary is a small delta.
    large = ours[ours.index(b"a/changed-large.bin"):ours.index(b"a/changed-small.bin")]
    assert b"\ndelta " in large and len(large) < 2000
    check_git_apply(tmp_path, BINARY_OLD, BINARY_NEW, ours, reverse=True)


@needs_git
def test_git_apply_refuses_a_binary_patch_without_binary(tmp_path):
    # The plain form names binary changes but carries no data: git apply says so.
    with pytest.raises(AssertionError, match="without full index line|cannot apply binary patch"):
        check_git_apply(tmp_path, BINARY_OLD, BINARY_NEW, tree_patch(BINARY_OLD, BINARY_NEW))


def test_patch_p1_applies_the_text_of_a_binary_patch(tmp_path):
    # GNU patch skips git binary stanzas ("git binary diffs are not supported") and
    # exits 1, but patches the text files.
    if PATCH is None:
        pytest.skip("patch is not installed")
    folder = tmp_path / "patchp1"
    folder.mkdir()
    write_tree(folder, BINARY_OLD)
    result = subprocess.run([PATCH, "-p1", "--batch"], cwd=folder,
                            input=tree_patch(BINARY_OLD, BINARY_NEW, binary=True), capture_output=True)
    assert result.returncode == 1 and b"git binary diffs are not supported" in result.stdout
    got = read_tree(folder)
    assert got[b"text.txt"] == BINARY_NEW[b"text.txt"]
    assert got[b"0-first.bin"] == BINARY_OLD[b"0-first.bin"]


def test_is_binary():
    assert not patch.is_binary(b"")
    assert not patch.is_binary(b"text\xff\xfe\n")
    assert patch.is_binary(b"a\0b")
    assert patch.is_binary(b"x" * 7999 + b"\0")
    assert not patch.is_binary(b"x" * 8000 + b"\0")


def test_nothing_differs():
    assert patch.file_patch(b"f", b"f", b"same\n", b"same\n", "100644", "100644") == b""
    assert patch.file_patch(b"f", b"f", b"", b"", None, None) == b""
    assert patch.file_patch(None, None, None, None, None, None) == b""


def test_empty_file_added_and_deleted():
    assert (patch.file_patch(None, b"e", None, b"", None, "100644")
            == b"diff --git a/e b/e\nnew file mode 100644\nindex 0000000..e69de29\n")
    assert (patch.file_patch(b"e", None, b"", None, "100644", None)
            == b"diff --git a/e b/e\ndeleted file mode 100644\nindex e69de29..0000000\n")


def test_hunk_header_conventions():
    one = patch.file_patch(None, b"f", None, b"x\n", None, "100644")
    assert b"@@ -0,0 +1 @@\n+x\n" in one
    gone = patch.file_patch(b"f", None, b"x\ny\n", None, "100644", None)
    assert b"@@ -1,2 +0,0 @@\n-x\n-y\n" in gone


def test_no_newline_markers():
    out = patch.file_patch(b"f", b"f", b"a\nb", b"a\nc", "100644", "100644")
    assert out.endswith(b"@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
                        b"+c\n\\ No newline at end of file\n")


def test_quote_path():
    assert patch.quote_path(b"a/plain name.txt") == b"a/plain name.txt"
    assert patch.quote_path("a/naïve".encode()) == b'"a/na\\303\\257ve"'
    assert patch.quote_path(b'a/q"b\\c\td\n\x01\x7f') == b'"a/q\\"b\\\\c\\td\\n\\001\\177"'


def test_rename_is_accepted_by_git_apply(tmp_path):
    if GIT is None:
        pytest.skip("git is not installed")
    old: Tree = {b"old name.txt": (numbered(20), "100644")}
    new: Tree = {b"new name.txt": (numbered(21), "100755")}
    data = patch.file_patch(b"old name.txt", b"new name.txt", numbered(20), numbered(21),
                            "100644", "100755")
    assert data.startswith(b"diff --git a/old name.txt b/new name.txt\nold mode 100644\n"
                           b"new mode 100755\nrename from old name.txt\n"
                           b"rename to new name.txt\nindex %s..%s\n--- a/old name.txt\t\n"
                           % (patch.blob_id(numbered(20))[:7].encode(),
                              patch.blob_id(numbered(21))[:7].encode()))
    check_git_apply(tmp_path, old, new, data)


@needs_git
@pytest.mark.parametrize("data", [b"", b"x\n", b"\0binary\xff", numbered(1000)])
def test_blob_id_is_gits(tmp_path, data):
    assert patch.blob_id(data) == git(tmp_path, "hash-object", "--stdin", stdin=data).decode().strip()
    assert patch.blob_id(None) == "0" * 40


def test_line_counts():
    assert patch.line_counts(b"a\nb\nc\n", b"a\nB\nc\nd\n") == (2, 1)
    assert patch.line_counts(b"", b"") == (0, 0)
    assert patch.line_counts(b"x", b"") == (0, 1)
    a, b = delta.split_lines(SOURCE), delta.split_lines(SOURCE_EDITED)
    regions = delta.diff(a, b)
    assert patch.line_counts(SOURCE, SOURCE_EDITED, regions) == patch.line_counts(
        SOURCE, SOURCE_EDITED)


def test_precomputed_regions_give_the_same_patch():
    a, b = delta.split_lines(SOURCE), delta.split_lines(SOURCE_EDITED)
    regions = delta.diff(a, b)
    assert (patch.file_patch(b"m.py", b"m.py", SOURCE, SOURCE_EDITED, "100644", "100644",
                             regions=regions)
            == patch.file_patch(b"m.py", b"m.py", SOURCE, SOURCE_EDITED, "100644", "100644"))
