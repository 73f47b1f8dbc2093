"""Where branches, undo, stash, sync and the rest meet: defects found by using them together."""
from __future__ import annotations

import json

from tests.conftest import Repo
from tests.test_sync import clone, make_source, view


def test_undo_of_a_push_says_the_remote_keeps_it(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    a.write("c.txt", "c\n")
    a.vcs("commit", "-A", "-m", "mine")
    a.vcs("push")
    out = a.vcs("undo").text
    # Only this repository's origin/main moves back: the remote keeps what was pushed.
    assert "remote origin/main is at" in out
    assert "origin itself is unchanged" in out
    out = a.vcs("redo").text
    assert "origin itself is unchanged" in out


def test_status_at_op_shows_the_remote_tracking_branches(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    out = a.vcs("status", "--at-op", "@-").text
    assert "remote origin/main: " in out and "remote origin/feature: " in out
    (line,) = a.vcs("status", "--at-op", "@-", "--json").text.splitlines()
    obj = json.loads(line)
    assert set(obj["remotes"]) == {"origin/main", "origin/feature"}


def test_help_of_a_commands_action(tmp_path):
    r = Repo(tmp_path)
    out = r.vcs("help", "stash", "pop").text  # pop is stash's action, not a command of its own
    assert out == r.vcs("stash", "--help").text
    assert "vcs op log" in r.vcs("help", "op", "log").text
    err = r.vcs("help", "stash", "nonsense", ok=2).err
    assert "`vcs stash` has no subcommand 'nonsense'" in err and "`vcs help stash`" in err
    assert "unknown command 'nope'" in r.vcs("help", "nope", ok=2).err


def test_undo_names_a_stash_as_stash_list_does(tmp_path):
    r = Repo(tmp_path)
    r.vcs("init")
    r.write("a.txt", "a\n")
    r.vcs("commit", "-A", "-m", "one")
    r.write("a.txt", "older\n")
    r.vcs("stash", "-m", "older")
    r.write("a.txt", "newer\n")
    r.vcs("stash", "-m", "newer")
    r.vcs("stash", "pop")  # the newer one, stash 0 in the list
    out = r.vcs("undo").text
    assert "stash 0 is at" in out, out  # the view's own number (1) is not what `stash pop N` takes
    assert r.vcs("stash", "list").text.startswith("stash 0: On main: newer")
    r.vcs("stash", "drop")
    r.vcs("stash", "drop")
    assert "stash 0 is at 1 again" in r.vcs("undo").text  # the older (revision 1), alone again
    assert "stash 0 is at 2 again" in r.vcs("undo").text  # the newer is back on top of it
    assert "stash 1: On main: older" in r.vcs("stash", "list").text
    r.write("a.txt", "third\n")
    r.vcs("stash")
    assert "the stash of revision 3 is gone" in r.vcs("undo").text  # not `stash 2`, a number nothing takes


def test_a_conflicted_merge_of_origin_main_aborted(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    src.write("b.txt", "theirs\n")
    src.vcs("commit", "-m", "theirs")
    a.write("b.txt", "ours\n")
    a.vcs("commit", "-m", "ours")
    assert "diverged" in a.vcs("pull", ok=3).err
    a.vcs("merge", "origin/main", ok=1)
    assert "U b.txt" in a.vcs("status").text
    out = a.vcs("merge", "--abort").text
    assert "(1 file written, 0 deleted)" in out, out
    assert (a.root / "b.txt").read_bytes() == b"ours\n"
    assert a.vcs("status").text == ""


def test_push_of_an_amended_pushed_commit_hints_what_works(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    a.write("c.txt", "c\n")
    a.vcs("commit", "-A", "-m", "mine")
    a.vcs("push")
    a.vcs("commit", "--amend", "-m", "mine, amended")
    refused = a.vcs("push", ok=3)
    err = refused.err
    assert "rejected" in refused.text
    # The hint's first command must work: a pull cannot (the lines diverged), a fetch does.
    assert "`vcs fetch origin` then `vcs merge origin/main`" in err, err
    a.vcs("fetch", "origin")
    a.vcs("push", "--force")
    assert view(src.root).branches["main"] == view(a.root).branches["main"]


def test_undo_of_a_fetch_needs_no_word_on_the_remote(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    src.write("b.txt", "more\n")
    src.vcs("commit", "-m", "more")
    a.vcs("fetch")
    out = a.vcs("undo").text
    assert out.startswith("undid fetch origin: remote origin/main is at") and "itself" not in out


def test_branch_lists_the_remote_tracking_branches(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    assert a.vcs("branch", "-r").text == "  origin/feature\n  origin/main\n"
    assert a.run("branch", "-a").text == "* main\n  remotes/origin/feature\n  remotes/origin/main\n"  # the fast path
    rows = [json.loads(line) for line in a.vcs("branch", "-r", "--json").text.splitlines()]
    assert [(r["name"], r["remote"], r["current"]) for r in rows] == [("origin/feature", True, False),
                                                                      ("origin/main", True, False)]
    assert json.loads(a.vcs("branch", "--json").text)["remote"] is False
    assert "list form" in a.vcs("branch", "-r", "x", ok=2).err


def test_pull_of_a_branch_the_remote_lacks_names_what_lists_them(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    err = a.vcs("pull", "origin", "nosuch", ok=2).err
    assert "the remote 'origin' has no branch 'nosuch'" in err and "`vcs branch -r`" in err


def test_clone_of_a_path_that_does_not_exist_says_so(tmp_path):
    err = Repo(tmp_path).vcs("clone", str(tmp_path / "nowhere"), "dst", ok=3).err
    assert "nowhere does not exist" in err and not (tmp_path / "dst").exists()
    (tmp_path / "plain").mkdir()
    assert "is not a vcs repository" in Repo(tmp_path).vcs("clone", str(tmp_path / "plain"), "dst", ok=3).err


def test_push_delete_with_one_word_shows_the_form_meant(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    err = a.vcs("push", "-d", "feature", ok=2).err  # feature is the REMOTE's place: the branch was meant
    assert "vcs push -d --force origin feature" in err, err
    assert "vcs push -d --force origin BRANCH" in a.vcs("push", "-d", "origin", ok=2).err


def test_a_malformed_fault_variable_is_an_error_not_a_traceback(tmp_path):
    r = Repo(tmp_path)
    for value in ("abc", "3:NOSUCHERRNO", "3:errorcode"):
        res = r.run("status", ok=2, env={"VCS_FAIL_AT": value})
        assert "Traceback" not in res.err and "VCS_FAIL_AT" in res.err, res.err
    assert "not inside a vcs repository" in r.run("status", ok=3, env={"VCS_FAIL_AT": "9:ENOSPC"}).err
