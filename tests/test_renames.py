"""Renames: `vcs mv` (files and folders), the renames a commit finds (equal, then 50%
alike), status, `log --follow`, annotate through a chain of renames, `diff` and `show`
as git writes them (and real `git apply` takes them), and git's R and C both ways."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_gitio import Git
from vcs.diff.similar import pair, similarity
from vcs.model.objects import moves
from vcs.repo.repository import Repository

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def lines(n: int, tag: str = "line") -> str:
    return "".join(f"{tag} {i}\n" for i in range(n))


def test_similarity_and_pairs():
    assert similarity(b"a\nb\n", b"a\nb\n") == 100 and similarity(b"", b"") == 100
    assert similarity(b"a\nb\nc\nd\n", b"a\nb\nc\nx\n") == 75
    assert similarity(b"a\n", b"b\n") == 0
    found = pair({b"x/a": b"1\n2\n3\n4\n", b"b": b"q\n", b"c": b"q\n"},
                 {b"y/a": b"1\n2\n3\n5\n", b"c2": b"q\n", b"far": b"zzz\n"})
    assert found == {b"y/a": (b"x/a", 75), b"c2": (b"b", 100)}  # equal first; one source each
    assert pair({b"a": b"1\n2\n"}, {b"b": b"1\n9\n9\n9\n"}) == {}  # under 50%: not a rename


def _history(repo):
    repo.write("src/core.py", lines(30))
    repo.write("README", "readme\n")
    repo.vcs("commit", "-A", "-m", "first")


def test_mv_file_and_folder_then_commit_records_renames(repo):
    _history(repo)
    assert repo.vcs("mv", "src/core.py", "src/main.py").text == "moved src/core.py -> src/main.py\n"
    assert repo.vcs("mv", "src", "lib").text == "moved src/main.py -> lib/main.py\n"
    assert not (repo.root / "src").exists() and (repo.root / "lib/main.py").read_text() == lines(30)
    st = repo.vcs("status").text.splitlines()
    assert st == ["A lib/main.py", "R src/core.py", "rename src/core.py -> lib/main.py (100%)"]
    row = json.loads(repo.vcs("status", "--json").text.splitlines()[-1])
    assert row == {"path": "lib/main.py", "status": "renamed", "from": "src/core.py", "similarity": 100}
    repo.write("lib/main.py", lines(30).replace("line 29", "changed"))
    out = repo.vcs("commit", "-m", "move").text
    assert " rename src/core.py -> lib/main.py (96%)" in out
    r = Repository(bytes(repo.root))
    assert moves(r.read_commit(1)) == {b"lib/main.py": ("rename", b"src/core.py")}
    assert not (repo.root / ".vcs/moves").exists()
    assert repo.vcs("verify").code == 0
    # refused: an untracked source, an existing destination, a folder into itself
    repo.write("loose", "x\n")
    assert "not tracked" in repo.vcs("mv", "loose", "other", ok=2).err
    assert "exists already" in repo.vcs("mv", "README", "lib/main.py", ok=False).err
    assert "into itself" in repo.vcs("mv", "lib", "lib/sub", ok=2).err


def test_commit_finds_renames_itself_at_fifty_percent(repo):
    _history(repo)
    (repo.root / "src/core.py").rename(repo.root / "src/renamed.py")
    (repo.root / "README").unlink()
    repo.write("NOTES", "something else entirely\n")
    out = repo.vcs("commit", "-A", "-m", "moved").text
    assert " rename src/core.py -> src/renamed.py (100%)" in out and "README" not in out
    half = lines(20) + lines(8, "new")
    (repo.root / "src/renamed.py").unlink()
    repo.write("src/half.py", half)
    assert " rename src/renamed.py -> src/half.py (" in repo.vcs("commit", "-A", "-m", "half").text
    (repo.root / "src/half.py").unlink()
    repo.write("src/little.py", lines(5) + lines(40, "other"))
    assert "rename" not in repo.vcs("commit", "-A", "-m", "little").text


def test_a_rename_chain_followed_end_to_end(repo):
    repo.write("a.py", lines(10))
    repo.vcs("commit", "-A", "-m", "r0")
    repo.write("a.py", lines(10).replace("line 3\n", "three\n"))
    repo.vcs("commit", "-m", "r1")
    for n, (old, new) in enumerate([("a.py", "b.py"), ("b.py", "pkg/c.py"), ("pkg/c.py", "pkg/d.py")], start=2):
        repo.vcs("mv", old, new)
        text = (repo.root / new).read_text()
        repo.write(new, text.replace(f"line {n + 3}\n", f"edit {n}\n"))
        repo.vcs("commit", "-m", f"r{n}")
    rows = [json.loads(x) for x in repo.vcs("annotate", "--json", "pkg/d.py").text.splitlines()]
    assert [r["revision"] for r in rows] == [0, 0, 0, 1, 0, 2, 3, 4, 0, 0]
    assert [r["revision"] for r in (json.loads(x) for x in repo.vcs("annotate", "-w", "--json",
                                                                   "pkg/d.py").text.splitlines())] == \
        [0, 0, 0, 1, 0, 2, 3, 4, 0, 0]
    follow = repo.vcs("log", "--follow", "--oneline", "pkg/d.py").text.splitlines()
    assert [x.split()[0] for x in follow] == ["4", "3", "2", "1", "0"]
    assert [x.split()[0] for x in repo.vcs("log", "--oneline", "pkg/d.py").text.splitlines()] == ["4"]
    assert "--follow takes one path" in repo.vcs("log", "--follow", "pkg/d.py", "a.py", ok=2).err


@needs_git
def test_diff_and_show_write_renames_git_apply_takes(repo, tmp_path):
    _history(repo)
    repo.vcs("mv", "src/core.py", "lib/core.py")
    repo.vcs("mv", "README", "README.md")
    repo.write("lib/core.py", lines(31))
    patch = repo.vcs("diff").out
    assert b"similarity index 96%\nrename from src/core.py\nrename to lib/core.py\nindex " in patch
    assert b"diff --git a/README b/README.md\nsimilarity index 100%\nrename from README\nrename to README.md\n" \
           in patch and b"--- a/README" not in patch
    repo.vcs("commit", "-m", "moves")
    shown = repo.vcs("show").out
    assert patch in shown
    stat = repo.vcs("show", "--stat").text
    assert "src/core.py => lib/core.py" in stat
    files = [json.loads(x) for x in repo.vcs("diff", "0", "1", "--json").text.splitlines()]
    assert {"path": "lib/core.py", "status": "renamed", "from": "src/core.py", "similarity": 96}.items() \
        <= next(f for f in files if f["path"] == "lib/core.py").items()
    g = tmp_path / "g"
    g.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=g, check=True)
    (g / "src").mkdir()
    (g / "src/core.py").write_text(lines(30))
    (g / "README").write_text("readme\n")
    (g / "p.patch").write_bytes(repo.vcs("diff", "0", "1").out)
    subprocess.run(["git", "apply", "p.patch"], cwd=g, check=True)
    assert (g / "lib/core.py").read_text() == lines(31) and not (g / "src/core.py").exists()
    assert (g / "README.md").read_text() == "readme\n" and not (g / "README").exists()


@needs_git
def test_git_renames_and_copies_in_and_out(tmp_path):
    (tmp_path / "g").mkdir()
    g = Git(tmp_path / "g")
    g("init", "-q", "-b", "main")
    g.write("a.txt", lines(40).encode())
    g.commit("one")
    g("mv", "a.txt", "b.txt")
    g.write("b.txt", (lines(40) + "more\n").encode())
    g.commit("rename")
    g.write("c.txt", (lines(40) + "more\n").encode())
    g.write("b.txt", (lines(40) + "more\nand more\n").encode())
    g.commit("copy")
    stream = g("fast-export", "--all", "-M", "-C")
    assert b"\nR a.txt b.txt\n" in stream
    # git writes C only where it finds the copy's source unchanged (click's history has
    # two): the same tree, said as a copy, by hand.
    said = b"M 100644 :5 b.txt\nM 100644 :3 c.txt\n"
    assert said in stream
    stream = stream.replace(said, b"C b.txt c.txt\nM 100644 :5 b.txt\n")
    root = tmp_path / "v"
    root.mkdir()
    Repository.init(bytes(root))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def vcs(*args, input=None):
        r = subprocess.run([sys.executable, "-P", "-m", "vcs", *args], cwd=root, input=input, capture_output=True,
                           env=env)
        assert r.returncode == 0, r.stderr
        return r.stdout

    vcs("import", input=stream)
    repo = Repository(bytes(root))
    assert moves(repo.read_commit(1)) == {b"b.txt": ("rename", b"a.txt")}
    assert moves(repo.read_commit(2)) == {b"c.txt": ("copy", b"b.txt")}
    assert [json.loads(x)["revision"] for x in vcs("annotate", "--json", "c.txt").splitlines()] == [0] * 40 + [1]
    assert [x.split()[0] for x in vcs("log", "--follow", "--oneline", "c.txt").decode().splitlines()] == \
        ["2", "1", "0"]
    out = vcs("export")
    assert b"\nR a.txt b.txt\n" in out and b"\nC b.txt c.txt\n" in out
    (tmp_path / "back").mkdir()
    back = Git(tmp_path / "back")
    back("init", "-q", "--bare")
    back("fast-import", "--quiet", input=out)
    assert back("rev-parse", "main") == g("rev-parse", "main")  # the very commits


def test_merge_of_an_edit_with_a_rename_names_the_new_name(repo):
    """A merge does not follow renames: the edit against the rename is a modify/delete
    conflict, and it says where the file went."""
    repo.write("a.txt", lines(20))
    repo.vcs("commit", "-A", "-m", "first")
    repo.vcs("branch", "side")
    repo.vcs("mv", "a.txt", "b.txt")
    repo.vcs("commit", "-m", "rename")
    repo.vcs("checkout", "side")
    repo.write("a.txt", lines(20).replace("line 5\n", "five\n"))
    repo.vcs("commit", "-m", "edit")
    r = repo.vcs("merge", "main", ok=1)
    assert "conflict (modify/delete) in a.txt: theirs renamed it to b.txt" in r.text
    repo.vcs("merge", "--abort")
    repo.vcs("checkout", "main")
    r = repo.vcs("merge", "side", ok=1)
    assert "conflict (delete/modify) in a.txt: ours renamed it to b.txt" in r.text


def test_stash_takes_the_noted_moves_with_it(repo):
    """`vcs mv` then `stash`: the noted move goes with the stash (pop brings it back), and
    does not stay behind to make a later, unrelated file at that path a rename."""
    repo.write("a", lines(20))
    repo.vcs("commit", "-A", "-m", "first")
    repo.vcs("mv", "a", "z")
    repo.write("z", "rewritten whole\n")  # a noted move is a rename whatever the content
    repo.vcs("stash")
    assert repo.vcs("status").text == ""
    repo.vcs("stash", "pop")
    assert "rename a -> z" in repo.vcs("status").text
    repo.vcs("stash")
    os.unlink(repo.root / "a")
    repo.write("z", "unrelated\n")
    r = repo.vcs("commit", "-A", "-m", "new z")
    assert "rename" not in r.text
    r = Repository(bytes(repo.root))
    assert moves(r.read_commit(r.wc_rev())) == {}


def test_diff_pairs_the_moves_mv_noted_as_status_and_commit(repo):
    """Two files alike, each moved with `vcs mv`, one then edited: `diff` pairs them as
    noted (as status and the commit do), not by content."""
    repo.write("q.txt", lines(10))
    repo.write("t.txt", lines(10))
    repo.vcs("commit", "-A", "-m", "first")
    repo.vcs("mv", "q.txt", "r.txt")
    repo.write("r.txt", lines(11))
    repo.vcs("mv", "t.txt", "u.txt")
    text = repo.vcs("diff").text
    assert "rename from q.txt\nrename to r.txt\n" in text and "rename from t.txt\nrename to u.txt\n" in text
    repo.vcs("commit", "-m", "moves")
    assert repo.vcs("show").text.split("\n\n", 1)[1].split("diff --git", 1)[1] == text.split("diff --git", 1)[1]


def test_equal_contents_pair_by_name_as_git(repo):
    """a/y.txt and b/x.txt alike, moved to c/: each is the one of its name in the commit
    (git status says so, and so does `vcs diff`)."""
    repo.write("a/y.txt", lines(10))
    repo.write("b/x.txt", lines(10))
    repo.vcs("commit", "-A", "-m", "first")
    os.makedirs(repo.root / "c")
    os.rename(repo.root / "a/y.txt", repo.root / "c/y.txt")
    os.rename(repo.root / "b/x.txt", repo.root / "c/x.txt")
    r = repo.vcs("commit", "-A", "-m", "moved")
    assert "rename a/y.txt -> c/y.txt (100%)" in r.text and "rename b/x.txt -> c/x.txt (100%)" in r.text
    assert moves(Repository(bytes(repo.root)).read_commit(1)) == {b"c/x.txt": ("rename", b"b/x.txt"),
                                                                   b"c/y.txt": ("rename", b"a/y.txt")}


def test_mv_of_a_symlink_is_a_rename(repo, tmp_path):
    """`vcs mv link d/link` (retargeted after, as a moved relative link must be): status,
    diff, the commit and log --follow take it as the rename it was noted as; git apply
    takes the diff."""
    repo.write("target", "t\n")
    os.symlink("target", repo.root / "link")
    os.makedirs(repo.root / "d")
    repo.vcs("commit", "-A", "-m", "first")
    repo.vcs("mv", "link", "d/link")
    os.unlink(repo.root / "d/link")
    os.symlink("../target", repo.root / "d/link")
    assert "rename link -> d/link" in repo.vcs("status").text
    patch = repo.vcs("diff").out
    assert b"rename from link\nrename to d/link\n" in patch
    r = repo.vcs("commit", "-m", "moved")
    assert "rename link -> d/link" in r.text
    assert [x.split()[0] for x in repo.vcs("log", "--follow", "--oneline", "d/link").text.splitlines()] == ["1", "0"]
    if shutil.which("git"):
        g = tmp_path / "g"
        g.mkdir()
        (g / "target").write_text("t\n")
        os.symlink("target", g / "link")
        subprocess.run(["git", "init", "-q"], cwd=g, check=True)
        subprocess.run(["git", "apply"], cwd=g, input=patch, check=True)
        assert os.readlink(g / "d/link") == "../target" and not os.path.lexists(g / "link")
