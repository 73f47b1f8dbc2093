"""`vcs diff A B` is a patch that git apply and patch -p1 turn A's tree into B's tree with."""
from __future__ import annotations

import os
import random
import shutil
import subprocess

import pytest


def _history(repo):
    rng = random.Random(5)
    trees = []
    files = {
        "src/main.py": b"".join(b"def f%d():\n    return %d\n\n" % (i, i) for i in range(60)),
        "README.md": b"# Title\n\nSome text.\n",
        "no-newline.txt": b"a\nb\nc",
        "crlf.txt": b"x\r\ny\r\n",
        "gone-later.txt": b"will be deleted\n",
        "empty.txt": b"",
        "with space.txt": b"spaced\n",
        "caf\u00e9.txt".encode(): b"accent\n",
    }
    for name, data in files.items():
        repo.write(os.fsdecode(name), data)
    repo.vcs("commit", "-A", "-m", "base")
    trees.append(repo.tree())
    for step in range(4):
        lines = repo.read("src/main.py").split(b"\n")
        for _ in range(6):
            i = rng.randrange(len(lines))
            lines[i] = b"# edited %d" % rng.randrange(1000)
        repo.write("src/main.py", b"\n".join(lines))
        repo.write("no-newline.txt", repo.read("no-newline.txt") + b"\nmore %d" % step)
        repo.write("crlf.txt", repo.read("crlf.txt") + b"z%d\r\n" % step)
        if step == 1:
            os.unlink(repo.root / "gone-later.txt")
            repo.write("new/added.txt", "added in step 1\n")
            repo.write("empty.txt", "now has content\n")
            (repo.root / "README.md").chmod(0o755)
        if step == 2:
            repo.write("no-newline.txt", b"")
            repo.write("with space.txt", b"spaced and edited")
        repo.vcs("commit", "-A", "-m", f"step {step}")
        trees.append(repo.tree())
    return trees


def _materialize(tree: dict, where):
    where.mkdir(parents=True)
    for name, data in tree.items():
        p = where / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


def _tree_of(where) -> dict:
    out = {}
    for dirpath, dirs, files in os.walk(where):
        dirs[:] = [d for d in dirs if d != ".git"]
        for n in files:
            full = os.path.join(dirpath, n)
            out[os.path.relpath(full, where)] = open(full, "rb").read()
    return out


@pytest.mark.parametrize("a,b", [(0, 4), (0, 1), (1, 3), (4, 0), (2, 3)])
def test_git_apply_turns_a_into_b(repo, tmp_path, a, b):
    trees = _history(repo)
    patch = repo.vcs("diff", str(a), str(b)).out
    target = tmp_path / "apply"
    _materialize(trees[a], target)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    r = subprocess.run(["git", "apply", "--whitespace=nowarn", "-"], cwd=target, input=patch, capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    assert _tree_of(target) == trees[b]


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch is not installed")
@pytest.mark.parametrize("a,b", [(0, 4), (1, 3)])
def test_patch_p1_turns_a_into_b(repo, tmp_path, a, b):
    trees = _history(repo)
    patch = repo.vcs("diff", str(a), str(b)).out
    target = tmp_path / "apply"
    _materialize(trees[a], target)
    r = subprocess.run(["patch", "-p1", "--quiet", "--binary"], cwd=target, input=patch, capture_output=True)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    assert _tree_of(target) == trees[b]


def test_working_tree_diff_applies_with_git(repo, tmp_path):
    trees = _history(repo)
    repo.write("src/main.py", repo.read("src/main.py") + b"# uncommitted\n")
    os.unlink(repo.root / "README.md")
    patch = repo.vcs("diff").out
    assert b"deleted file mode 100755" in patch
    target = tmp_path / "apply"
    _materialize(trees[-1], target)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    r = subprocess.run(["git", "apply", "-"], cwd=target, input=patch, capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    assert _tree_of(target) == repo.tree()


def _binary_first_history(repo):
    """Two revisions in which a binary file's stanza comes before the text files'."""
    repo.write("a.bin", b"\x89PNG\0\0\x01")
    repo.write("b.txt", "one\n")
    repo.write("c/d.txt", "two\nlines\n")
    repo.vcs("commit", "-A", "-m", "base")
    old = repo.tree()
    repo.write("a.bin", b"\x89PNG\0\0\x02")
    repo.write("b.txt", "uno\n")
    repo.write("c/d.txt", "two\nlineas\n")
    repo.vcs("commit", "-A", "-m", "edit")
    return old, repo.tree()


def test_git_apply_excludes_a_binary_stanza_before_text_files(repo, tmp_path):
    # Without its "index" line git apply cannot parse a binary stanza at all, even to
    # exclude it ("inconsistent old filename").
    old, new = _binary_first_history(repo)
    patch = repo.vcs("diff", "0", "1").out
    assert patch.startswith(b"diff --git a/a.bin b/a.bin\nindex ")
    target = tmp_path / "apply"
    _materialize(old, target)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    r = subprocess.run(["git", "apply", "--exclude=a.bin", "-"], cwd=target, input=patch, capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    assert _tree_of(target) == dict(new, **{"a.bin": old["a.bin"]})


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch is not installed")
def test_patch_p1_applies_the_text_after_a_binary_stanza(repo, tmp_path):
    old, new = _binary_first_history(repo)
    patch = repo.vcs("diff", "0", "1").out
    target = tmp_path / "apply"
    _materialize(old, target)
    r = subprocess.run(["patch", "-p1", "--batch", "--binary"], cwd=target, input=patch, capture_output=True)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    assert _tree_of(target) == dict(new, **{"a.bin": old["a.bin"]})


def test_binary_files_differ_line(repo):
    repo.write("img.bin", b"\x89PNG\0\0\x01")
    repo.vcs("commit", "-A", "-m", "bin")
    repo.write("img.bin", b"\x89PNG\0\0\x02")
    out = repo.vcs("diff").out
    assert b"Binary files a/img.bin and b/img.bin differ\n" in out
    stat = repo.vcs("diff", "--stat").text
    assert "img.bin" in stat and "Bin" in stat


def test_diff_options(repo):
    _history(repo)
    names = repo.vcs("diff", "0", "1", "--name-only").text.split("\n")
    assert "src/main.py" in names and "crlf.txt" in names
    one = repo.vcs("diff", "0", "1", "-U", "0", "src/main.py").text
    assert one.count("diff --git") == 1 and "@@" in one
    stat = repo.vcs("diff", "0", "-1", "--stat").text
    assert "files changed" in stat
    assert repo.vcs("diff", "--exit-code", ok=0).out == b""
    repo.write("README.md", "changed\n")
    repo.vcs("diff", "--exit-code", ok=1)
    # a path after -- is a path even if it looks like a revision
    assert repo.vcs("diff", "--", "README.md").out.startswith(b"diff --git a/README.md")


def test_double_dash_makes_a_path_of_what_looks_like_a_revision(repo):
    repo.write("1", "one\n")
    repo.write("other", "o\n")
    repo.vcs("commit", "-A", "-m", "a")
    repo.write("1", "uno\n")
    repo.write("other", "changed\n")
    repo.vcs("commit", "-A", "-m", "b")
    os.unlink(repo.root / "1")
    for runner in (repo.vcs, repo.run):
        assert runner("diff", "--name-only", "--", "1").text == "1\n"
        assert runner("diff", "--name-only", "0", "1", "--", "1").text == "1\n"
    assert "at most two revisions" in repo.run("diff", "0", "1", "2", ok=2).err


def _binary_history(repo):
    """Binary files added, changed (a small change to a large one), emptied, filled and
    deleted, one sorting before the text files, over three revisions."""
    rng = random.Random(9)
    large = rng.randbytes(300_000)
    repo.write("0.bin", b"\0" + bytes(range(1, 256)) * 4)
    repo.write("large.bin", large)
    repo.write("gone.bin", b"\0gone")
    repo.write("emptied.bin", b"\0full")
    repo.write("filled.bin", b"")
    repo.write("text.txt", "one\ntwo\n")
    repo.vcs("commit", "-A", "-m", "base")
    trees = [repo.tree()]
    repo.write("0.bin", b"\0" + bytes(range(1, 256)) * 3 + b"changed")
    repo.write("large.bin", large[:150_000] + b"patched" + large[150_005:])
    os.unlink(repo.root / "gone.bin")
    repo.write("emptied.bin", b"")
    repo.write("filled.bin", b"\0now full")
    repo.write("new.bin", rng.randbytes(5000))
    repo.write("text.txt", "one\nTWO\n")
    repo.vcs("commit", "-A", "-m", "binary changes")
    trees.append(repo.tree())
    return trees


def _check_git_apply_both_ways(tmp_path, old, new, patch):
    target = tmp_path / "apply"
    _materialize(old, target)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    r = subprocess.run(["git", "apply", "-"], cwd=target, input=patch, capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    assert _tree_of(target) == new
    r = subprocess.run(["git", "apply", "-R", "-"], cwd=target, input=patch, capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    assert _tree_of(target) == old


@pytest.mark.parametrize("command", [("diff", "--binary", "0", "1"), ("show", "--binary", "1"),
                                     ("log", "-p", "--binary", "-n", "1"), ("log", "--binary", "-n", "1")])
def test_binary_patches_apply_with_git_apply_both_ways(repo, tmp_path, command):
    old, new = _binary_history(repo)
    out = repo.vcs(*command).out
    patch = out[out.index(b"diff --git"):]
    assert b"Binary files" not in patch and patch.count(b"GIT binary patch\n") == 6
    assert len(patch) < 20_000  # the large file's change is a delta, not its 300 KB
    _check_git_apply_both_ways(tmp_path, old, new, patch)


def test_working_tree_binary_diff_applies(repo, tmp_path):
    _, committed = _binary_history(repo)
    repo.write("large.bin", repo.read("large.bin") + b"\0more")
    os.unlink(repo.root / "new.bin")
    _check_git_apply_both_ways(tmp_path, committed, repo.tree(), repo.run("diff", "--binary").out)


def test_binary_patch_in_colour_keeps_its_data_plain(repo):
    _binary_history(repo)
    out = repo.vcs("--color=always", "diff", "--binary", "0", "1").out
    lines = out[out.index(b"GIT binary patch\n"):].split(b"\n")
    body = lines[:[i for i, line in enumerate(lines) if not line][1]]  # through the reverse hunk
    assert body[1].startswith((b"literal ", b"delta ")) and not any(b"\x1b[" in line for line in body)
    assert b"\x1b[" in out  # the headers are coloured


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch is not installed")
def test_patch_p1_applies_the_text_of_a_binary_patch(repo, tmp_path):
    # GNU patch skips git binary stanzas with a message and exits 1; it patches the rest.
    old, new = _binary_history(repo)
    patch = repo.vcs("diff", "--binary", "0", "1").out
    target = tmp_path / "apply"
    _materialize(old, target)
    r = subprocess.run(["patch", "-p1", "--batch"], cwd=target, input=patch, capture_output=True)
    assert r.returncode == 1 and b"File 0.bin: git binary diffs are not supported." in r.stdout
    assert _tree_of(target) == dict(old, **{"text.txt": new["text.txt"]})
