"""`vcs merge`, `cherry-pick`, `revert`, `resolve`, `checkout --conflict` and `merge --abort`
through the CLI, in a real folder: fast-forwards, clean merges committed at once, conflicts
(markers, styles, labels, exit 1, U in status), their resolution and abort after other
commands, remembered resolutions, and the refusals (uncommitted changes in the way, a merge
in progress)."""
from __future__ import annotations

import json
import os

import pytest

from vcs.repo.repository import Repository

BASE = "".join(f"line {i}\n" for i in range(1, 11))


def edit(text: str, **changes) -> str:
    """BASE-like text with `line N` replaced: edit(BASE, l3="three")."""
    for key, value in changes.items():
        text = text.replace(f"line {key[1:]}\n", f"{value}\n")
    return text


def branch(repo, name: str, rev: str = "HEAD") -> None:
    """Name a revision as a branch (the branch command is another part of issue 11)."""
    r = Repository.find(os.fsencode(repo.root))
    from vcs.repo.revisions import resolve
    with r.lock(), r.transaction(f"branch {name}") as tx:
        tx.view.branches[name] = r.commit_info(resolve(r, rev)).id


def switch(repo, name: str) -> None:
    repo.vcs("checkout", name)


def log(repo) -> list[dict]:
    return [json.loads(line) for line in repo.vcs("log", "--json").text.splitlines()]


@pytest.fixture
def forked(repo):
    """main and topic, forked at revision 0: main changes line 2 of f, topic line 9 and adds t."""
    repo.write("f", BASE)
    repo.write("g", "g\n")
    repo.vcs("commit", "-A", "-m", "base")
    branch(repo, "topic")
    repo.write("f", edit(BASE, l2="two"))
    repo.vcs("commit", "-m", "main edits")
    switch(repo, "topic")
    repo.write("f", edit(BASE, l9="nine"))
    repo.write("t", "t\n")
    repo.vcs("commit", "-A", "-m", "topic edits")
    switch(repo, "main")
    return repo


def conflicting(repo, ours="TWO on main", theirs="two on topic"):
    """As forked, but both change line 2."""
    repo.write("f", BASE)
    repo.vcs("commit", "-A", "-m", "base")
    branch(repo, "topic")
    repo.write("f", edit(BASE, l2=ours))
    repo.vcs("commit", "-m", "main edits")
    switch(repo, "topic")
    repo.write("f", edit(BASE, l2=theirs))
    repo.vcs("commit", "-m", "topic edits")
    switch(repo, "main")
    return repo


# ------------------------------------------------------------------ clean merges

def test_a_clean_merge_is_committed_at_once_with_two_parents(forked):
    r = forked.vcs("merge", "topic")
    assert "merged f" in r.text and "Merge branch 'topic'" in r.text
    assert forked.read("f").decode() == edit(BASE, l2="two", l9="nine") and forked.read("t") == b"t\n"
    top = log(forked)[0]
    assert top["message"] == "Merge branch 'topic'" and len(top["parents"]) == 2
    ids = {e["rev"]: e["id"] for e in log(forked)}
    assert top["parents"] == [ids[1], ids[2]]
    assert forked.vcs("status").text == ""
    assert forked.vcs("verify").code == 0
    # Merged again: nothing to do.
    assert forked.vcs("merge", "topic").text == "already up to date\n"


def test_fast_forward_moves_the_branch_and_the_tree(repo):
    repo.write("f", BASE)
    repo.vcs("commit", "-A", "-m", "base")
    branch(repo, "topic")
    switch(repo, "topic")
    repo.write("f", edit(BASE, l1="one"))
    repo.write("new", "n\n")
    repo.vcs("commit", "-A", "-m", "ahead")
    switch(repo, "main")
    r = repo.vcs("merge", "topic")
    assert r.text.startswith("fast-forward to revision 1 ")
    assert repo.read("new") == b"n\n" and repo.read("f").decode() == edit(BASE, l1="one")
    assert [e["rev"] for e in log(repo)] == [1, 0] and log(repo)[0]["head"]
    repo.write("f", "after\n")
    repo.vcs("commit", "-m", "on main")  # main moved with the merge: this commit advances it
    assert Repository.find(os.fsencode(repo.root)).state.view.branches["main"] == \
        Repository.find(os.fsencode(repo.root)).state.view.head


def test_no_ff_makes_a_merge_commit_and_ff_only_refuses_otherwise(repo, forked=None):
    repo.write("f", BASE)
    repo.vcs("commit", "-A", "-m", "base")
    branch(repo, "topic")
    switch(repo, "topic")
    repo.write("f", edit(BASE, l1="one"))
    repo.vcs("commit", "-m", "ahead")
    switch(repo, "main")
    repo.vcs("merge", "--no-ff", "topic")
    top = log(repo)[0]
    assert len(top["parents"]) == 2 and top["message"] == "Merge branch 'topic'"
    switch(repo, "topic")
    repo.write("g", "g\n")
    repo.vcs("commit", "-A", "-m", "more")
    switch(repo, "main")
    r = repo.vcs("merge", "--ff-only", "topic", ok=3)
    assert "cannot fast-forward" in r.err
    assert repo.vcs("merge", "--no-ff", "--ff-only", "topic", ok=2).code == 2


def test_message_option_and_merging_a_revision_number(forked):
    forked.vcs("merge", "2", "-m", "join the topic")
    assert log(forked)[0]["message"] == "join the topic"


def test_no_commit_leaves_the_merge_for_commit(forked):
    r = forked.vcs("merge", "--no-commit", "topic")
    assert "not committed" in r.text
    status = forked.vcs("status").text
    assert "M f" in status and "A t" in status
    forked.vcs("diff")  # other commands meanwhile
    forked.vcs("log")
    forked.vcs("commit")  # no -m: the merge's message, no editor
    top = log(forked)[0]
    assert top["message"] == "Merge branch 'topic'" and len(top["parents"]) == 2
    assert Repository.find(os.fsencode(forked.root)).state.view.merge is None


def test_uncommitted_changes_the_merge_touches_are_refused_others_kept(forked):
    forked.write("f", "local edit\n")
    r = forked.vcs("merge", "topic", ok=3)
    assert "merge would overwrite or delete uncommitted changes in:\n  f" in r.err
    assert "then merge again" in r.err
    assert forked.read("f") == b"local edit\n" and len(Repository.find(os.fsencode(forked.root))) == 3
    forked.vcs("restore", "f")
    forked.write("g", "local g\n")
    forked.write("t", "untracked in the way\n")
    r = forked.vcs("merge", "topic", ok=3)
    assert "untracked files or folders in its way:\n  t" in r.err
    os.unlink(forked.root / "t")
    r = forked.vcs("merge", "topic")
    assert "kept uncommitted changes in 1 file" in r.text
    assert forked.read("g") == b"local g\n"
    assert forked.vcs("status").text == "M g\n"


# ------------------------------------------------------------------ conflicts

def test_a_conflict_stops_with_exit_1_zdiff3_markers_labelled_by_branch(repo):
    conflicting(repo)
    r = repo.vcs("merge", "topic", ok=1)
    assert "conflict (content) in f" in r.text
    assert "the merge stopped with 1 conflict" in r.err
    text = repo.read("f").decode()
    assert "<<<<<<< main\nTWO on main\n||||||| " in text and "=======\ntwo on topic\n>>>>>>> topic\n" in text
    assert repo.vcs("status").text == "U f\n"
    assert json.loads(repo.vcs("status", "--json").text) == {"path": "f", "status": "unresolved"}
    assert repo.vcs("resolve").text == "U f\n"
    assert json.loads(repo.vcs("resolve", "--list", "--json").text) == \
        {"path": "f", "status": "unresolved", "kind": "content"}
    r = repo.vcs("commit", "-m", "too early", ok=1)
    assert "1 conflict unresolved (f)" in r.err


@pytest.mark.parametrize("style,base_shown", [("merge", False), ("diff3", True), ("zdiff3", True)])
def test_the_configured_conflict_style(repo, style, base_shown):
    repo.vcs("config", "set", "merge.conflictStyle", style)
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)
    text = repo.read("f").decode()
    assert ("||||||| " in text) == base_shown and "<<<<<<< main\n" in text


def test_resolve_mark_unmark_then_commit_with_two_parents(repo):
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)
    for args in (("status",), ("diff",), ("log",), ("show",), ("tag", "during")):
        repo.vcs(*args)  # the merge state survives any other command
    repo.write("f", edit(BASE, l2="two, agreed"))
    assert repo.vcs("resolve", "--mark", "f").text == "resolved f\n"
    assert repo.vcs("resolve").text == "R f\n"
    assert repo.vcs("status").text == "M f\n"
    repo.vcs("resolve", "--unmark", "--all")
    assert repo.vcs("status").text == "U f\n"
    repo.vcs("resolve", "--mark", "--all")
    assert repo.vcs("resolve", "--mark", "nonesuch", ok=2).code == 2
    repo.vcs("commit", "-m", "merged by hand")
    top = log(repo)[0]
    assert len(top["parents"]) == 2 and top["message"] == "merged by hand"
    assert repo.read("f").decode() == edit(BASE, l2="two, agreed")
    assert repo.vcs("status").text == "" and repo.vcs("resolve", ok=3).code == 3
    assert repo.vcs("verify").code == 0


def test_marking_a_file_that_still_has_markers_warns(repo):
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)
    assert "still holds conflict markers" in repo.vcs("resolve", "--mark", "f").err


def test_checkout_conflict_draws_the_markers_again(repo):
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)
    first = repo.read("f")
    repo.write("f", "botched\n")
    repo.vcs("resolve", "--mark", "f")
    repo.vcs("status")
    r = repo.vcs("checkout", "--conflict", "f")
    assert "conflict drawn again in f" in r.text
    assert repo.read("f") == first and repo.vcs("resolve").text == "U f\n"
    repo.vcs("checkout", "--conflict=merge", "f")
    text = repo.read("f").decode()
    assert "||||||| " not in text and "<<<<<<< main\nTWO on main\n=======\ntwo on topic\n>>>>>>> topic\n" in text
    assert repo.vcs("checkout", "--conflict=bogus", "f", ok=2).code == 2
    assert repo.vcs("checkout", "--conflict", "g-is-no-conflict", ok=2).code == 2


def test_abort_puts_the_tree_back_and_keeps_untouched_local_changes(repo):
    conflicting(repo)
    repo.write("other", "o\n")
    repo.vcs("commit", "-A", "-m", "other")
    repo.write("other", "local change\n")
    before = repo.read("f")
    repo.vcs("merge", "topic", ok=1)
    repo.write("f", "half resolved\n")
    repo.vcs("status")
    r = repo.vcs("merge", "--abort")
    assert "merge aborted" in r.text
    assert repo.read("f") == before and repo.read("other") == b"local change\n"
    assert repo.vcs("status").text == "M other\n"
    assert Repository.find(os.fsencode(repo.root)).state.view.merge is None
    assert repo.vcs("merge", "--abort", ok=3).code == 3


def test_abort_takes_back_added_and_deleted_files(forked):
    os.unlink(forked.root / "g")
    forked.vcs("commit", "-A", "-m", "main drops g")
    switch(forked, "topic")
    forked.write("f", edit(BASE, l2="conflicting"))
    forked.vcs("commit", "-m", "topic clashes")
    switch(forked, "main")
    before = forked.tree()
    forked.vcs("merge", "topic", ok=1)
    assert forked.read("t") == b"t\n"
    forked.vcs("merge", "--abort")
    assert forked.tree() == before


def test_a_second_merge_is_refused_while_one_is_in_progress(repo):
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)
    r = repo.vcs("merge", "topic", ok=3)
    assert "a merge is in progress already" in r.err
    assert repo.vcs("cherry-pick", "1", ok=3).code == 3
    assert "stash waits until it is concluded" in repo.vcs("stash", ok=3).err
    r = repo.vcs("checkout", "0", ok=3)
    assert "a merge is in progress" in r.err
    r = repo.vcs("commit", "-m", "part", "f", ok=2)
    assert "only some paths" in r.err


def test_checkout_force_gives_the_merge_up(repo):
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)
    repo.vcs("checkout", "--force", "main")
    assert Repository.find(os.fsencode(repo.root)).state.view.merge is None
    assert repo.vcs("status").text == ""


def test_modify_delete_keeps_ours_in_the_tree(repo):
    repo.write("f", BASE)
    repo.write("g", BASE)
    repo.vcs("commit", "-A", "-m", "base")
    branch(repo, "topic")
    repo.write("f", edit(BASE, l1="changed on main"))
    os.unlink(repo.root / "g")
    repo.vcs("commit", "-A", "-m", "main")
    switch(repo, "topic")
    os.unlink(repo.root / "f")
    repo.write("g", edit(BASE, l1="changed on topic"))
    repo.vcs("commit", "-A", "-m", "topic")
    switch(repo, "main")
    r = repo.vcs("merge", "topic", ok=1)
    assert "conflict (modify/delete) in f" in r.text and "conflict (delete/modify) in g" in r.text
    assert repo.read("f").decode() == edit(BASE, l1="changed on main") and not (repo.root / "g").exists()
    # Take theirs' g, keep f: restore it from topic, mark both.
    repo.vcs("restore", "-r", "topic", "g")
    repo.vcs("resolve", "--mark", "--all")
    repo.vcs("commit", "-m", "both kept")
    assert sorted(repo.tree()) == ["f", "g"]


# ------------------------------------------------------------------ remembered resolutions

def _resolved_once(repo) -> None:
    """A conflict resolved and committed on main; `before` is main before the merge."""
    conflicting(repo)
    branch(repo, "before", "main")
    repo.vcs("merge", "topic", ok=1)
    repo.write("f", edit(BASE, l2="resolved once"))
    repo.vcs("resolve", "--mark", "f")
    repo.vcs("commit", "-m", "first merge")


def test_a_resolution_is_remembered_and_reapplied(repo):
    _resolved_once(repo)
    assert (repo.root / ".vcs" / "rerere").exists()
    # The same conflict again (from the same two revisions): resolved as before.
    switch(repo, "before")
    r = repo.vcs("merge", "topic", ok=1)
    assert "resolved f as before (content)" in r.text and "resolved as before" in r.err
    assert repo.read("f").decode() == edit(BASE, l2="resolved once")
    assert repo.vcs("resolve").text == "R f\n" and repo.vcs("status").text == "M f\n"
    repo.vcs("commit")
    assert log(repo)[0]["message"] == "Merge branch 'topic' into before"


def test_rerere_can_be_turned_off(repo):
    repo.vcs("config", "set", "merge.rerere", "false")
    _resolved_once(repo)
    assert not (repo.root / ".vcs" / "rerere").exists()
    switch(repo, "before")
    r = repo.vcs("merge", "topic", ok=1)
    assert "as before" not in r.text and "<<<<<<<" in repo.read("f").decode()


# ------------------------------------------------------------------ cherry-pick and revert

def test_cherry_pick_keeps_the_author_and_message(repo, monkeypatch):
    repo.write("f", BASE)
    repo.vcs("commit", "-A", "-m", "base")
    branch(repo, "topic")
    switch(repo, "topic")
    monkeypatch.setenv("VCS_AUTHOR_NAME", "Ada")
    repo.write("f", edit(BASE, l5="five"))
    repo.vcs("commit", "-m", "fix line 5")
    monkeypatch.setenv("VCS_AUTHOR_NAME", "Test Author")
    switch(repo, "main")
    repo.write("g", "g\n")
    repo.vcs("commit", "-A", "-m", "main moves on")
    r = repo.vcs("cherry-pick", "-x", "topic")
    assert "fix line 5" in r.text
    top = log(repo)[0]
    picked = json.loads(repo.vcs("show", "--json", "1").text)
    assert top["author"].startswith("Ada <") and top["date"] == picked["date"]
    assert top["message"] == f"fix line 5\n\n(cherry picked from commit {picked['id']})\n"
    assert len(top["parents"]) == 1 and repo.read("f").decode() == edit(BASE, l5="five")
    r = repo.vcs("cherry-pick", "topic", ok=1)
    assert "changes nothing" in r.err


def test_a_cherry_pick_with_conflicts_commits_with_its_author(repo, monkeypatch):
    conflicting(repo)
    monkeypatch.setenv("VCS_AUTHOR_NAME", "Picker")
    r = repo.vcs("cherry-pick", "topic", ok=1)
    text = repo.read("f").decode()
    assert "<<<<<<< main\n" in text and " (topic edits)\n" in text and "||||||| parent of " in text
    assert "cherry-pick" in r.err
    assert "a cherry-pick of topic is in progress" in repo.vcs("status").err
    repo.write("f", edit(BASE, l2="both"))
    repo.vcs("resolve", "--mark", "f")
    repo.vcs("commit")
    top = log(repo)[0]
    assert top["message"] == "topic edits" and top["author"].startswith("Test Author <")
    assert len(top["parents"]) == 1


def test_revert_undoes_a_commit(forked):
    forked.vcs("merge", "topic")
    r = forked.vcs("revert", "2")
    top = log(forked)[0]
    ids = {e["rev"]: e["id"] for e in log(forked)}
    assert top["message"] == f'Revert "topic edits"\n\nThis reverts commit {ids[2]}.\n'
    assert forked.read("f").decode() == edit(BASE, l2="two") and not (forked.root / "t").exists()
    assert "Revert" in r.text
    assert forked.vcs("revert", "3", ok=2).code == 2  # a merge


def test_revert_abort(repo):
    repo.write("f", BASE)
    repo.vcs("commit", "-A", "-m", "base")
    repo.write("f", edit(BASE, l3="3a"))
    repo.vcs("commit", "-m", "a")
    repo.write("f", edit(BASE, l3="3b"))
    repo.vcs("commit", "-m", "b")
    repo.vcs("revert", "1", ok=1)
    assert "<<<<<<<" in repo.read("f").decode()
    repo.vcs("revert", "--abort")
    assert repo.read("f").decode() == edit(BASE, l3="3b")


# ------------------------------------------------------------------ as a user runs it

def test_as_real_processes(repo):
    conflicting(repo)
    r = repo.run("merge", "topic", ok=1)
    assert "conflict (content) in f" in r.text
    assert repo.run("status").text == "U f\n"
    repo.write("f", BASE)
    repo.run("resolve", "--mark", "f")
    repo.run("commit")
    assert repo.run("verify").code == 0
    assert "vcs has no" not in repo.run("help", "merge").err


def test_a_lost_dirstate_keeps_the_merges_added_and_deleted_files(forked):
    """The dirstate is a cache; with a merge in progress it is rebuilt with the merge's
    marks, so theirs' new file and the file it deleted are still so in the merge commit."""
    switch(forked, "topic")
    forked.write("f", edit(BASE, l2="conflicting"))
    os.unlink(forked.root / "g")
    forked.vcs("commit", "-A", "-m", "topic: clash, drop g")
    switch(forked, "main")
    forked.vcs("merge", "topic", ok=1)
    assert sorted(forked.tree()) == ["f", "t"]
    os.unlink(forked.root / ".vcs" / "dirstate")
    assert forked.vcs("status").text == "U f\nA t\nR g\n"
    forked.write("f", BASE)
    forked.vcs("resolve", "--mark", "f")
    forked.vcs("commit")
    changes = {f["path"]: f["status"] for f in log(forked)[0]["files"]}
    assert changes["t"] == "added" and changes["g"] == "removed"
    assert sorted(forked.tree()) == ["f", "t"] and forked.vcs("status").text == ""


def test_undo_takes_a_merge_back(forked):
    """A merge commit (and a fast-forward) records the working tree it moved between, so
    `vcs undo` moves the files back; a merge stopped at conflicts is given up by undo,
    its files kept (`merge --abort` puts them back), and redo brings the state again."""
    before = forked.tree()
    forked.vcs("merge", "topic")
    forked.vcs("undo")
    assert forked.tree() == before and forked.vcs("status").text == ""
    forked.vcs("redo")
    assert forked.read("t") == b"t\n" and len(log(forked)[0]["parents"]) == 2
    forked.vcs("undo")
    switch(forked, "topic")
    forked.write("f", edit(BASE, l2="clash"))
    forked.vcs("commit", "-m", "clash")
    switch(forked, "main")
    forked.vcs("merge", "topic", ok=1)
    forked.vcs("undo")
    assert Repository.find(os.fsencode(forked.root)).state.view.merge is None
    assert "<<<<<<<" in forked.read("f").decode()
    forked.vcs("redo")
    assert forked.vcs("resolve").text == "U f\n"
    forked.vcs("merge", "--abort")
    assert forked.tree() == before
