"""vcs stash: put changes aside and bring them back; each an operation undo takes back."""
from __future__ import annotations

import json


def base(repo):
    repo.write("a.txt", "".join(f"{i}\n" for i in range(10)))
    repo.write("gone.txt", "x\n")
    repo.vcs("commit", "-A", "-m", "base")


def changes(repo):
    repo.write("a.txt", repo.read("a.txt").replace(b"2\n", b"two\n"))
    repo.write("n.txt", "new\n")
    repo.vcs("add", "n.txt")
    repo.vcs("rm", "gone.txt")
    repo.write("untracked.txt", "mine\n")


STATUS = ["M a.txt", "A n.txt", "R gone.txt", "? untracked.txt"]


def test_push_and_pop_bring_changes_and_added_files_back(repo):
    base(repo)
    changes(repo)
    out = repo.vcs("stash", "-m", "wip").text
    assert out.startswith("saved your changes as stash 0: On main: wip")
    assert repo.vcs("status").text.splitlines() == ["? untracked.txt"]  # untracked files stay
    assert repo.read("gone.txt") == b"x\n" and not (repo.root / "n.txt").exists()
    assert repo.vcs("stash", "list").text == "stash 0: On main: wip (revision 1)\n"
    shown = repo.vcs("stash", "show").text
    assert "+two" in shown and "new file mode" in shown and "deleted file mode" in shown
    assert repo.vcs("log", "--oneline").text.count("\n") == 1  # a stash is no commit on main
    out = repo.vcs("stash", "pop").text
    assert "applied stash 0" in out and "dropped stash 0" in out
    assert repo.vcs("status").text.splitlines() == STATUS
    assert repo.vcs("stash", "list").text == ""
    repo.vcs("stash", "pop", ok=3)
    repo.vcs("verify")


def test_several_stashes_are_numbered_from_the_newest(repo):
    base(repo)
    repo.write("a.txt", "first\n")
    repo.vcs("stash", "push", "-m", "one")
    repo.write("a.txt", "second\n")
    repo.vcs("stash")
    listed = repo.vcs("stash", "list").text.splitlines()
    assert listed[0].startswith("stash 0: WIP on main: 0 base") and listed[1].startswith("stash 1: On main: one")
    repo.vcs("stash", "apply", "1")
    assert repo.read("a.txt") == b"first\n" and len(repo.vcs("stash", "list").text.splitlines()) == 2
    repo.vcs("stash", "drop", "0", ok=True)
    assert repo.vcs("stash", "list").text.startswith("stash 0: On main: one")
    repo.vcs("stash", "drop", "7", ok=2)
    repo.vcs("undo")  # the drop
    assert len(repo.vcs("stash", "list").text.splitlines()) == 2
    repo.vcs("stash", "list", "1", ok=2)
    repo.vcs("stash", "pop", "-m", "x", ok=2)


def test_undo_and_redo_of_push_pop_and_drop(repo):
    base(repo)
    changes(repo)
    repo.vcs("stash")
    out = repo.vcs("undo").text
    assert out.startswith("undid stash") and "the working tree is back as it was" in out
    assert repo.vcs("status").text.splitlines() == STATUS and repo.vcs("stash", "list").text == ""
    repo.vcs("redo")
    assert repo.vcs("status").text.splitlines() == ["? untracked.txt"]
    assert len(repo.vcs("stash", "list").text.splitlines()) == 1
    repo.vcs("stash", "pop")
    repo.vcs("undo")
    assert repo.vcs("status").text.splitlines() == ["? untracked.txt"]
    assert len(repo.vcs("stash", "list").text.splitlines()) == 1
    repo.write("a.txt", "edited meanwhile\n")
    r = repo.vcs("redo", ok=3)  # the pop would overwrite it
    assert "a.txt" in r.err
    repo.vcs("verify")


def test_pop_onto_another_commit_merges_and_a_conflict_keeps_the_stash(repo):
    base(repo)
    repo.write("a.txt", repo.read("a.txt").replace(b"2\n", b"two\n"))
    repo.vcs("stash")
    repo.write("a.txt", repo.read("a.txt").replace(b"8\n", b"eight\n"))
    repo.vcs("commit", "-m", "eight")
    repo.vcs("stash", "pop")
    assert b"two\n" in repo.read("a.txt") and b"eight\n" in repo.read("a.txt")
    assert repo.vcs("status").text == "M a.txt\n"
    repo.vcs("stash")
    repo.write("a.txt", repo.read("a.txt").replace(b"2\n", b"TWO\n"))
    repo.vcs("commit", "-m", "TWO")
    r = repo.vcs("stash", "pop", ok=1)
    assert "conflicts in: a.txt" in r.text and "the stash is kept" in r.text
    assert b"<<<<<<< working tree\nTWO\n=======\ntwo\n>>>>>>> stash\n" in repo.read("a.txt")
    assert len(repo.vcs("stash", "list").text.splitlines()) == 1
    repo.vcs("undo")
    assert repo.vcs("status").text == "" and b"TWO\n" in repo.read("a.txt")


def test_pop_refuses_to_overwrite_local_changes_and_push_needs_changes(repo):
    base(repo)
    repo.vcs("stash", ok=1)  # nothing to save
    repo.write("a.txt", "stashed\n")
    repo.vcs("stash")
    repo.write("a.txt", "local\n")
    r = repo.vcs("stash", "pop", ok=3)
    assert "would be overwritten by the stash:\n  a.txt" in r.err
    assert repo.read("a.txt") == b"local\n" and len(repo.vcs("stash", "list").text.splitlines()) == 1


def test_stash_lines_in_the_view_are_checked():
    import pytest

    from vcs.model.refs import View
    v = View("main", stashes={3: b"\x01" * 16, 10: b"\x02" * 16})
    data = v.serialize()
    assert data.endswith(b"stash " + b"01" * 16 + b" 3\nstash " + b"02" * 16 + b" 10\n")
    assert View.parse(data) == v
    for bad in (data.replace(b" 10\n", b" 010\n"), data.replace(b" 10\n", b" 3\n"), data.replace(b" 10\n", b" x\n")):
        with pytest.raises(Exception):
            View.parse(bad)


def test_op_log_json_names_the_stash_refs(repo):
    base(repo)
    repo.write("a.txt", "x\n")
    repo.vcs("stash")
    last = json.loads(repo.vcs("op", "log", "--json", "-n", "1").text)
    assert last["refs"][0]["ref"] == "stash 0" and last["tree"]["to"] is not None
