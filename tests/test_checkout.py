"""Checkout never loses uncommitted work: it refuses, names the files, and --force overrides."""
from __future__ import annotations

import os

import pytest

from conftest import Repo


def _two_revisions(repo):
    repo.write("a.txt", "a0\n")
    repo.write("b.txt", "b0\n")
    repo.vcs("commit", "-A", "-m", "zero")
    repo.write("a.txt", "a1\n")
    repo.write("c.txt", "c1\n")
    repo.vcs("commit", "-A", "-m", "one")


def test_refuses_to_overwrite_modified_file_and_force_discards(repo):
    _two_revisions(repo)
    repo.write("a.txt", "my precious edit\n")
    r = repo.vcs("checkout", "0", ok=3)
    assert "a.txt" in r.err and "--force" in r.err
    assert repo.read("a.txt") == b"my precious edit\n"
    assert repo.vcs("log", "--oneline", "-n", "1").text.startswith("1 ")
    repo.vcs("checkout", "0", "--force")
    assert repo.read("a.txt") == b"a0\n"
    assert not (repo.root / "c.txt").exists()


def test_refuses_to_delete_modified_file(repo):
    _two_revisions(repo)
    repo.write("c.txt", "edited c\n")
    r = repo.vcs("checkout", "0", ok=3)
    assert "c.txt" in r.err
    assert repo.read("c.txt") == b"edited c\n"


def test_untracked_files_survive_and_block_only_when_in_the_way(repo):
    _two_revisions(repo)
    repo.write("notes.txt", "untracked\n")
    repo.vcs("checkout", "0")
    assert repo.read("notes.txt") == b"untracked\n"
    repo.write("c.txt", "untracked c in the way\n")
    r = repo.vcs("checkout", "1", ok=3)
    assert "c.txt" in r.err
    repo.write("c.txt", "c1\n")  # same content as the revision: nothing is lost
    repo.vcs("checkout", "1")
    assert repo.read("notes.txt") == b"untracked\n"


def test_refusal_hints_fit_each_kind_of_file_in_the_way(repo):
    """`vcs restore` cannot help with an untracked file (it fails on one): such files get
    their own list and hint; tracked changes keep theirs."""
    _two_revisions(repo)
    repo.vcs("checkout", "0")
    repo.write("c.txt", "untracked c in the way\n")
    r = repo.vcs("checkout", "1", ok=3)
    assert "untracked" in r.err and "c.txt" in r.err and "restore" not in r.err, r.err
    assert "vcs add" in r.err and "--force" in r.err
    (repo.root / "c.txt").unlink()
    repo.write("b.txt", "my edit\n")
    repo.vcs("checkout", "1")  # b.txt's edit is carried over: the revisions agree on b
    repo.vcs("commit", "-m", "b")  # 2, on top of 1
    repo.write("a.txt", "edit of a\n")
    repo.write("c.txt", "changed c\n")
    os.unlink(repo.root / "b.txt")
    repo.write("b.txt/inside", "an untracked file where revision 0 has b.txt\n")
    r = repo.vcs("checkout", "0", ok=3)
    message, hints = r.err.split("\nhint: ", 1)
    changes, in_the_way = message.split("untracked")
    assert "a.txt" in changes and "c.txt" in changes and "b.txt" not in changes, r.err
    assert "b.txt" in in_the_way and "a.txt" not in in_the_way
    for_changes, for_in_the_way = hints.strip().split("\nhint: ")
    assert "restore" in for_changes and "restore" not in for_in_the_way and "vcs add" in for_in_the_way
    assert "--force" not in for_in_the_way  # --force would not move a folder out of the way


def test_unrelated_local_changes_are_carried_over(repo):
    _two_revisions(repo)
    repo.write("b.txt", "local edit to b\n")
    repo.vcs("checkout", "0")
    assert repo.read("b.txt") == b"local edit to b\n"
    assert repo.read("a.txt") == b"a0\n"
    assert repo.vcs("status").out == b"M b.txt\n"


def test_restore_puts_files_back(repo):
    _two_revisions(repo)
    repo.write("a.txt", "oops\n")
    os.unlink(repo.root / "c.txt")
    repo.vcs("restore", "a.txt", "c.txt")
    assert repo.read("a.txt") == b"a1\n" and repo.read("c.txt") == b"c1\n"
    assert repo.vcs("status").out == b""
    repo.vcs("restore", "-r", "0", "a.txt")
    assert repo.read("a.txt") == b"a0\n"
    assert repo.vcs("status").out == b"M a.txt\n"
    repo.vcs("restore", "-r", "-1", "a.txt")
    assert repo.vcs("status").out == b""


def _past(repo, *paths):
    """Put files' mtimes in the past, so the stat cache trusts them (not racily clean)."""
    for p in paths:
        os.utime(repo.root / p, ns=(1_000_000_000, 1_000_000_000))


def test_restore_writes_only_what_differs(repo, monkeypatch):
    """`vcs restore .` leaves a file that is already as in the revision alone (same inode,
    same mtime: `make` rebuilds nothing) and does not even read one whose stat is
    unchanged; it rewrites the changed and the missing, and sets a mode-only change with
    chmod, keeping the file."""
    from vcs.worktree import files as worktree
    names = [f"d/f{i}.txt" for i in range(20)] + ["run.sh", "plain.txt"]
    for name in names:
        repo.write(name, f"{name}\n", mode=0o755 if name == "run.sh" else 0o644)
    _past(repo, *names)
    repo.vcs("commit", "-A", "-m", "zero")
    repo.write("d/f1.txt", "edited\n")
    os.unlink(repo.root / "d/f2.txt")
    (repo.root / "run.sh").chmod(0o644)
    (repo.root / "plain.txt").chmod(0o755)
    before = {n: os.lstat(repo.root / n) for n in names if n != "d/f2.txt"}
    reads = []
    real_read = worktree.read
    monkeypatch.setattr(worktree, "read", lambda root, path, kind: reads.append(path) or real_read(root, path, kind))
    assert repo.vcs("restore", ".").text == "restored 4 files\n"
    assert sorted(reads) == [b"d/f1.txt", b"plain.txt", b"run.sh"]
    after = {n: os.lstat(repo.root / n) for n in names}
    for name, st in before.items():
        if name != "d/f1.txt":
            assert (after[name].st_ino, after[name].st_size) == (st.st_ino, st.st_size), name
        if name not in ("d/f1.txt", "run.sh", "plain.txt"):
            assert after[name].st_mtime_ns == st.st_mtime_ns, name
    assert after["run.sh"].st_mode & 0o100 and not after["plain.txt"].st_mode & 0o111
    assert repo.read("d/f1.txt") == b"d/f1.txt\n" and repo.read("d/f2.txt") == b"d/f2.txt\n"
    assert repo.vcs("status").out == b""
    reads.clear()
    assert repo.vcs("restore", "d").text == "restored 0 files\n" and reads == []

    # From another revision: only the files that differ from it are written.
    repo.write("d/f3.txt", "three\n")
    repo.vcs("commit", "-m", "one")
    _past(repo, "d/f3.txt")
    repo.vcs("status")
    kept = os.lstat(repo.root / "d/f4.txt")
    reads.clear()
    assert repo.vcs("restore", "-r", "0", "d").text == "restored 1 file\n"
    assert reads == [] and repo.read("d/f3.txt") == b"d/f3.txt\n"
    assert os.lstat(repo.root / "d/f4.txt").st_mtime_ns == kept.st_mtime_ns
    assert repo.vcs("status").out == b"M d/f3.txt\n"
    restored = os.lstat(repo.root / "d/f3.txt")
    assert repo.vcs("restore", "-r", "0", "d/f3.txt").text == "restored 0 files\n"
    assert os.lstat(repo.root / "d/f3.txt").st_ino == restored.st_ino


def test_commit_on_an_older_revision_follows_that_ancestry(repo):
    _two_revisions(repo)
    repo.vcs("checkout", "0")
    repo.write("a.txt", "a2 on top of zero\n")
    r = repo.vcs("commit", "-m", "two")
    assert r.text.startswith("[2 ")
    assert repo.vcs("cat", "2", "a.txt").out == b"a2 on top of zero\n"
    assert repo.vcs("cat", "HEAD~1", "b.txt").out == b"b0\n"
    assert b"c.txt" not in repo.vcs("diff", "0", "2", "--name-only").out
    for rev, a in (("0", b"a0\n"), ("1", b"a1\n"), ("2", b"a2 on top of zero\n")):
        repo.vcs("checkout", rev)
        assert repo.read("a.txt") == a
    repo.vcs("verify")


def test_folder_and_file_swap_places(repo):
    repo.write("x", "x is a file\n")
    repo.vcs("commit", "-A", "-m", "file")
    os.unlink(repo.root / "x")
    repo.write("x/inner.txt", "x is a folder\n")
    repo.vcs("commit", "-A", "-m", "folder")
    repo.vcs("checkout", "0")
    assert repo.read("x") == b"x is a file\n"
    repo.vcs("checkout", "1")
    assert repo.read("x/inner.txt") == b"x is a folder\n"


@pytest.mark.parametrize("how", [("commit", "-A"), ("commit",), ("commit", "x/inner.txt")])
def test_a_new_path_displaces_the_file_or_folder_it_replaces(repo, how):
    """Whatever way the commit is asked for (-A, tracked files only, or naming just the
    new path), a file that became a folder, and a folder that became a file, leave
    the commit: no tree lists a path as both, and `verify` passes."""
    repo.write("x", "x is a file\n")
    repo.vcs("commit", "-A", "-m", "file")
    os.unlink(repo.root / "x")
    repo.write("x/inner.txt", "x is a folder\n")
    repo.vcs("add", "x/inner.txt")
    assert " 1 file changed, 1 removed" in repo.vcs(*how, "-m", "folder").text
    assert "OK" in repo.vcs("verify").text and repo.vcs("status").text == ""
    os.unlink(repo.root / "x/inner.txt")
    os.rmdir(repo.root / "x")
    repo.write("x", "a file again\n")
    repo.vcs("add", "x")
    target = ("commit", "x") if how[-1] == "x/inner.txt" else how
    assert " 1 file changed, 1 removed" in repo.vcs(*target, "-m", "file again").text
    assert "OK" in repo.vcs("verify").text and repo.vcs("status").text == ""
    for rev, tree in [(0, {"x": b"x is a file\n"}), (1, {"x/inner.txt": b"x is a folder\n"}),
                      (2, {"x": b"a file again\n"})]:
        repo.vcs("checkout", str(rev))
        assert repo.tree() == tree


def test_interrupted_checkout_is_reported_and_finishes(repo):
    _two_revisions(repo)
    # Simulate a checkout killed after its journal and half of its files.
    from vcs.storage.log import atomic_write, seal
    atomic_write(str(repo.root / ".vcs" / "checkout"), seal(b"0\n"))
    repo.write("a.txt", "a0\n")
    r = repo.vcs("status")
    assert "interrupted" in r.err
    assert "interrupted" in repo.vcs("commit", "-m", "x", ok=3).err
    repo.vcs("checkout", "0")
    assert repo.tree() == {"a.txt": b"a0\n", "b.txt": b"b0\n"}
    assert "interrupted" not in repo.vcs("status").err


def test_a_file_that_became_a_folder_without_addremove(repo):
    """`a` replaced by a folder `a/` and `vcs add a/b`: the commit records `a` as removed
    (as git does), so no tree lists a path through a file; and the way back."""
    repo.write("a", "file\n")
    repo.vcs("commit", "-A", "-m", "a is a file")
    os.unlink(repo.root / "a")
    repo.write("a/b", "in a folder\n")
    repo.vcs("add", "a/b")
    repo.vcs("commit", "-m", "a is a folder")
    os.unlink(repo.root / "a/b")
    os.rmdir(repo.root / "a")
    repo.write("a", "a file again\n")
    repo.vcs("add", "a")
    repo.vcs("commit", "-m", "a is a file again")
    for _ in range(20):  # past the next stored listing
        repo.write("z", repo.read("z") + b"z\n" if (repo.root / "z").exists() else b"z\n")
        repo.vcs("commit", "-A", "-m", "z")
    repo.vcs("verify")
    repo.vcs("checkout", "1")
    assert repo.tree()["a/b"] == b"in a folder\n"
    repo.vcs("checkout", "2")
    assert repo.read("a") == b"a file again\n"
    repo.vcs("checkout", "-1")
    repo.vcs("verify")


def test_an_empty_folder_where_the_target_has_a_file(repo):
    """A leftover empty folder (a build dir) where the target has a file is cleared;
    a folder holding untracked files blocks the checkout before anything changes."""
    repo.write("a", "1\n")
    repo.write("z", "1\n")
    repo.vcs("commit", "-A", "-m", "a file")
    os.unlink(repo.root / "a")
    repo.write("a/f", "2\n")
    repo.write("z", "2\n")
    repo.vcs("commit", "-A", "-m", "a folder")
    (repo.root / "a/empty/deeper").mkdir(parents=True)
    repo.vcs("checkout", "0")
    assert repo.read("a") == b"1\n" and repo.read("z") == b"1\n"
    repo.vcs("checkout", "1")
    repo.write("a/untracked.txt", "mine\n")
    before = repo.tree()
    r = repo.vcs("checkout", "0", ok=3)
    assert "a" in r.err and repo.tree() == before
    assert "interrupted" not in repo.vcs("status").err


def test_checkout_keeps_a_pending_rm(repo):
    for i in range(3):
        repo.write("f", f"{i}\n")
        repo.write("g", f"{i}\n")
        repo.vcs("commit", "-A", "-m", f"{i}")
    repo.vcs("checkout", "1")
    repo.vcs("rm", "f")
    r = repo.vcs("checkout", "2", ok=3)
    assert "f" in r.err
    assert not (repo.root / "f").exists()
    assert repo.vcs("status").text == "R f\n"


def _traced_checkout_of_0(repo, tmp_path) -> list[list[str]]:
    """Two revisions of `a` and `d/c`, at revision 1, and the I/O operations (io N OP
    PATH, split) that `checkout 0` makes, traced in a real process."""
    repo.write("a", "1\n")
    repo.write("d/c", "1\n")
    repo.vcs("commit", "-A", "-m", "one")
    repo.write("a", "2\n")
    repo.write("d/c", "2\n")
    repo.vcs("commit", "-A", "-m", "two")
    # Traced in a copy: the same checkout, the same I/O, with nothing stored by it yet.
    import shutil
    twin = tmp_path / "twin"
    shutil.copytree(repo.root, twin, symlinks=True)
    trace = tmp_path / "trace"
    Repo(twin).run("checkout", "0", env={"VCS_TRACE": str(trace)})
    return [line.split() for line in trace.read_text().splitlines() if line.startswith("io ")]


def test_a_write_error_half_way_says_how_to_finish(repo, tmp_path):
    """An I/O error while files are being renamed into place (injected: EACCES on the
    second file) stops the checkout with an error that names the file and says how
    to finish; finishing works."""
    ops = _traced_checkout_of_0(repo, tmp_path)
    into_tree = [int(n) for _, n, op, path in ops if op == "rename" and "/.vcs/" not in path]
    r = repo.run("checkout", "0", env={"VCS_FAIL_AT": f"{into_tree[1]}:EACCES"}, ok=3)
    assert "cannot write d/c" in r.err and "vcs checkout 0" in r.err and "Traceback" not in r.err
    assert "interrupted" in repo.vcs("status").err
    repo.vcs("checkout", "0")
    assert repo.read("a") == b"1\n" and repo.read("d/c") == b"1\n"


def test_a_checkout_that_fails_after_moving_files_says_so(repo, tmp_path):
    """An I/O error once every file is in place (injected at the rename of .vcs/state)
    must not claim the repository is as it was: it says how to finish."""
    ops = _traced_checkout_of_0(repo, tmp_path)
    n = next(int(n) for _, n, op, path in ops if op == "rename" and path.endswith("/.vcs/state"))
    r = repo.run("checkout", "0", env={"VCS_FAIL_AT": f"{n}:EIO"}, ok=3)
    assert "as it was before" not in r.err and "vcs checkout 0" in r.err and "Traceback" not in r.err, r.err
    assert "state" in r.err and "every file of revision 0 is in place" in r.err
    repo.vcs("checkout", "0")
    assert repo.read("a") == b"1\n" and repo.read("d/c") == b"1\n"
    assert repo.vcs("status").err == ""
