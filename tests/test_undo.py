"""Every mistake can be undone: the operation log, undo, redo, op restore, --at-op,
hidden commits, commit --amend. Through the CLI, in real folders."""
from __future__ import annotations

import json

import pytest

from vcs.model import oplog
from vcs.repo.repository import Repository


def two_commits(repo):
    repo.write("a.txt", "one\n")
    repo.vcs("commit", "-A", "-m", "first")
    repo.write("a.txt", "one\ntwo\n")
    repo.write("b.txt", "new\n")
    repo.vcs("add", "b.txt")
    repo.vcs("commit", "-m", "fix parser")


def oneline(repo, *args) -> list[str]:
    return [line.split(" ")[0] for line in repo.vcs("log", "--oneline", *args).text.splitlines()]


def ops(repo) -> list[dict]:
    return [json.loads(line) for line in repo.vcs("op", "log", "--json").text.splitlines()]


def test_op_log_lists_every_operation_newest_first_with_what_it_changed(repo):
    two_commits(repo)
    repo.run("tag", "v1", "0")  # a real process: the command line is recorded as typed
    lines = ops(repo)
    assert [o["description"] for o in lines] == ["tag v1 at 0", "commit 1 'fix parser'", "commit 0 'first'"]
    assert lines[0]["current"] and not lines[1]["current"]
    assert lines[0]["command"] == ["vcs", "tag", "v1", "0"]
    assert lines[1]["added"] == [1] and lines[1]["hidden"] == []
    assert {"ref": "tag v1", "old": None, "new": lines[2]["refs"][1]["new"]} in lines[0]["refs"]
    assert lines[0]["parent"] == lines[1]["id"] and lines[2]["parent"] is None
    for key in ("time", "tz", "user", "host", "target", "tree"):
        assert key in lines[0]
    text = repo.vcs("op", "log", "-n", "1").text
    assert text.startswith("@ " + lines[0]["id"][:12]) and "vcs tag v1 0" in text and "tag v1: nothing -> 0" in text
    assert len(repo.vcs("op", "log", "-n", "2", "--json").text.splitlines()) == 2


def test_undo_of_a_commit_keeps_its_changes_in_the_working_tree(repo):
    two_commits(repo)
    out = repo.vcs("undo").text
    assert out.startswith("undid commit 1 'fix parser': main is at 0 again; its changes are in your working tree")
    assert oneline(repo) == ["0"]
    assert repo.read("a.txt") == b"one\ntwo\n"
    assert repo.vcs("status").text.splitlines() == ["M a.txt", "A b.txt"]
    assert oneline(repo, "--hidden") == ["1"]  # nothing is deleted
    repo.vcs("verify")


def test_repeated_undo_walks_back_and_redo_walks_forward(repo):
    two_commits(repo)
    repo.vcs("tag", "v1")
    repo.vcs("undo")  # the tag
    assert repo.vcs("tag").text == ""
    repo.vcs("undo")  # commit 1
    assert oneline(repo) == ["0"]
    repo.vcs("undo")  # commit 0: not a toggle
    assert oneline(repo) == []
    assert repo.vcs("status").text.splitlines() == ["A a.txt", "A b.txt"]
    repo.vcs("undo", ok=1)  # nothing left
    repo.vcs("redo")
    assert oneline(repo) == ["0"]
    repo.vcs("redo")
    assert oneline(repo) == ["1", "0"] and repo.vcs("status").text == ""
    repo.vcs("undo")
    assert oneline(repo) == ["0"]
    repo.vcs("redo")
    out = repo.vcs("redo").text
    assert out.startswith("redid tag v1 at 1")
    assert "v1" in repo.vcs("tag").text
    repo.vcs("redo", ok=1)


def test_a_new_operation_ends_the_redo_chain_and_undo_goes_on_from_there(repo):
    two_commits(repo)
    repo.vcs("undo")
    repo.vcs("tag", "t0")
    repo.vcs("redo", ok=1)
    repo.vcs("undo")  # the tag
    assert repo.vcs("tag").text == ""
    assert oneline(repo) == ["0"]  # still after the first undo
    repo.vcs("undo")  # commit 0
    assert oneline(repo) == []


def test_undo_of_a_checkout_puts_the_tree_back_and_refuses_to_lose_changes(repo):
    two_commits(repo)
    repo.vcs("checkout", "0")
    assert not (repo.root / "b.txt").exists()
    out = repo.vcs("undo").text
    assert "undid checkout 0" in out and "the working tree is back as it was" in out
    assert repo.read("a.txt") == b"one\ntwo\n" and repo.read("b.txt") == b"new\n"
    assert repo.vcs("status").text == "" and oneline(repo) == ["1", "0"]
    repo.vcs("redo")
    assert not (repo.root / "b.txt").exists() and repo.read("a.txt") == b"one\n"
    repo.write("a.txt", "mine\n")
    r = repo.vcs("undo", ok=3)
    assert "undo would overwrite or delete uncommitted changes in:\n  a.txt" in r.err
    assert "vcs undo --force" in r.err and repo.read("a.txt") == b"mine\n"
    repo.vcs("undo", "--force")
    assert repo.read("a.txt") == b"one\ntwo\n" and repo.vcs("status").text == ""


def test_op_restore_jumps_to_any_operation_and_brings_hidden_commits_back(repo):
    two_commits(repo)
    first = ops(repo)[1]["id"]
    repo.vcs("undo")
    repo.vcs("undo")
    out = repo.vcs("op", "restore", first[:8]).text
    assert out.startswith(f"restored the view of operation {first[:12]} (commit 0 'first')")
    assert oneline(repo) == ["0"]
    latest = ops(repo)[3]["id"]  # commit 1's operation
    repo.vcs("op", "restore", latest[:6])
    assert oneline(repo) == ["1", "0"] and oneline(repo, "--hidden") == []
    repo.vcs("undo")  # an op restore is an operation like any other
    assert oneline(repo) == ["0"]
    repo.vcs("op", "restore", "zz", ok=2)
    repo.vcs("op", "restore", "@-")
    repo.vcs("verify")


def test_at_op_reads_the_repository_as_an_operation_left_it(repo):
    two_commits(repo)
    repo.vcs("tag", "v1")
    first = ops(repo)[2]["id"][:10]
    assert oneline(repo, "--at-op", first) == ["0"]
    assert repo.vcs("show", "--at-op", first, "--stat").text.startswith("revision 0")
    assert repo.vcs("cat", "--at-op", first, "HEAD", "a.txt").out == b"one\n"
    assert repo.vcs("tag", "--at-op", first).text == ""
    assert "v1" in repo.vcs("tags", "--at-op", "@").text
    status = repo.vcs("status", "--at-op", first).text
    assert "HEAD: branch main at 0" in status and "working tree's parent: 0" in status
    assert json.loads(repo.vcs("status", "--at-op", first, "--json").text)["wc"]
    old = Repository(bytes(repo.root)).at_op(first)
    with pytest.raises(Exception, match="read-only"):
        old.lock()
    repo.vcs("log", "--at-op", "nope", ok=2)


def test_a_forged_operation_is_refused_by_undo_and_reported_by_verify(repo):
    two_commits(repo)
    r = Repository(bytes(repo.root))
    entries = __import__("vcs.repo.operations", fromlist=["history"]).history(r)
    # An undo that names an operation that never was: well-formed, checksummed, forged.
    forged = entries[0].op._replace(parent=entries[0].id, target=("undo", b"\x01" * 16), description="forged")
    with r.lock():
        r.refresh()
        with r.transaction("x") as tx:
            tx.view = forged.view.copy()
            tx.target = forged.target
    err = repo.vcs("undo", ok=4).err
    assert "not an earlier one" in err
    assert "not an earlier one" in repo.vcs("verify", ok=4).text
    repo.vcs("op", "log", ok=4)


def test_a_corrupt_operation_record_is_detected(repo):
    two_commits(repo)
    path = repo.root / ".vcs/store/oplog"
    data = bytearray(path.read_bytes())
    data[-30] ^= 0x40
    path.write_bytes(bytes(data))
    assert repo.vcs("undo", ok=4).err.startswith("error: oplog")
    repo.vcs("verify", ok=4)


def test_operation_records_round_trip_their_new_lines():
    from vcs.model.refs import View
    op = oplog.Operation(None, 1, 60, "u", "h", ("vcs", "undo"), "undo x", View("main"),
                         ("redo", b"\x02" * 16), (None, b"\x03" * 16))
    assert oplog.parse(oplog.serialize(op)) == op
    plain = op._replace(target=None, tree=None)
    assert b"tree" not in oplog.serialize(plain) and oplog.parse(oplog.serialize(plain)) == plain
    with pytest.raises(Exception, match="malformed"):
        oplog.parse(oplog.serialize(op).replace(b"redo 02", b"redo zz"))


# -- commit --amend --------------------------------------------------------------------

def test_amend_replaces_the_last_commit_and_keeps_the_old_one_hidden(repo, monkeypatch):
    two_commits(repo)
    before = json.loads(repo.vcs("show", "--json").text)
    repo.write("a.txt", "one\ntwo\nthree\n")
    monkeypatch.setenv("VCS_AUTHOR_NAME", "Someone Else")
    out = repo.vcs("commit", "--amend", "-m", "fix parser, really").text
    assert out.startswith("[2 ") and " 2 files changed" in out  # the new commit against its parent, as git
    after = json.loads(repo.vcs("show", "--json").text)
    assert after["parents"] == before["parents"] and after["message"] == "fix parser, really"
    assert after["author"] == before["author"] and after["date"] == before["date"]  # as git: the author date
    assert repo.vcs("cat", "HEAD", "a.txt").out == b"one\ntwo\nthree\n"
    assert repo.vcs("cat", "HEAD", "b.txt").out == b"new\n"  # the old commit's files stay
    assert oneline(repo) == ["2", "0"] and oneline(repo, "--hidden") == ["1"]
    assert repo.vcs("status").text == ""
    assert "amend 1 as 2" in ops(repo)[0]["description"]
    out = repo.vcs("undo").text
    assert out.startswith("undid amend 1 as 2 'fix parser, really': main is at 1 again")
    assert repo.vcs("status").text == "M a.txt\n" and repo.read("a.txt") == b"one\ntwo\nthree\n"
    repo.vcs("verify")


def test_amend_without_changes_or_a_message(repo):
    repo.vcs("commit", "--amend", "-m", "x", ok=3)  # nothing to amend yet
    two_commits(repo)
    assert " 2 files changed" in repo.vcs("commit", "--amend", "--no-edit").text  # only the message: still 2
    assert json.loads(repo.vcs("show", "--json").text)["message"] == "fix parser"
    repo.vcs("commit", "--no-edit", "-m", "x", ok=2)
    editor = repo.root.parent / "editor.sh"
    editor.write_text("#!/bin/sh\nsed -i 's/fix parser/edited/' \"$1\"\n")
    editor.chmod(0o755)
    repo.run("commit", "--amend", env={"EDITOR": str(editor)})  # the old message is offered
    assert json.loads(repo.vcs("show", "--json").text)["message"] == "edited\n"
    assert oneline(repo) == ["2", "0"]  # the --no-edit amend in the same second made the same commit


def test_amend_of_a_detached_head_moves_it_and_no_branch(repo):
    two_commits(repo)
    repo.vcs("checkout", "0")
    repo.vcs("commit", "--amend", "-m", "root again")
    assert oneline(repo) == ["2"]
    assert oneline(repo, "main") == ["1", "0"]


# -- commit -p ---------------------------------------------------------------------------

def test_hunk_selection_is_pure_and_exact():
    from vcs.diff import delta, select
    a = [b"%d\n" % i for i in range(40)]
    b = list(a)
    b[2], b[5], b[30] = b"two\n", b"five\n", b"thirty\n"
    b.insert(35, b"new\n")
    regions = delta.diff(a, b)
    assert select.groups(regions) == [[0, 1], [2, 3]]
    assert select.groups(regions, context=0) == [[0], [1], [2], [3]]
    assert select.apply(a, b, regions, set()) == a
    assert select.apply(a, b, regions, {0, 1, 2, 3}) == b
    picked = select.apply(a, b, regions, {1, 3})
    assert picked[2] == b"2\n" and picked[5] == b"five\n" and picked[30] == b"30\n" and b"new\n" in picked
    files = [select.FileChange("m", "modified", a, b, regions), select.FileChange("n", "added"),
             select.FileChange("r", "removed")]
    c = select.Chooser(files)
    assert c.question()[0] == 0 and c.keys() == "y,n,s,q,a,d,?"
    assert "split" in c.answer("?")
    assert c.answer("x").startswith("x is not one of the answers")
    c.answer("s")
    assert c.question()[1] == [regions[0]] and c.keys() == "y,n,q,a,d,?"
    c.answer("n")
    c.answer("y")  # region 1
    c.answer("d")  # none of the rest of the file
    assert c.question() == (1, None)
    c.answer("y")
    c.answer("q")
    assert c.question() is None and c.chosen == {0: {1}, 1: True, 2: False}
    c = select.Chooser(files)
    c.answer("a")
    assert c.chosen[0] == {0, 1, 2, 3}


def test_commit_p_in_a_real_terminal(repo):
    from test_ui import in_pty
    repo.write("a.txt", "".join(f"{i}\n" for i in range(40)))
    repo.write("gone.txt", "x\n")
    repo.vcs("commit", "-A", "-m", "base")
    repo.write("a.txt", "".join(f"{'two' if i == 2 else 'thirty' if i == 30 else i}\n" for i in range(40)))
    repo.write("n.txt", "new\n")
    repo.vcs("add", "n.txt")
    repo.vcs("rm", "gone.txt")

    def interact(fd):
        import os
        import time
        seen = b""
        for answer in (b"?", b"y", b"n", b"n", b"y"):
            deadline = time.time() + 20
            while not seen.rstrip().endswith(b"]?") and time.time() < deadline:
                seen += os.read(fd, 4096)
            os.write(fd, answer + b"\n")
            seen += b"<answered>"
        return seen

    code, shown = in_pty(repo.root, "commit", "-p", "-m", "some of it", interact=interact)
    text = shown.decode()
    assert code == 0, text
    assert "Commit this hunk [y,n,q,a,d,?]?" in text and "s - split the current hunk" in text
    assert "Commit this new file" in text and "Commit this deletion" in text
    assert repo.vcs("cat", "HEAD", "a.txt").out.splitlines()[2:3] == [b"two"]
    assert repo.vcs("cat", "HEAD", "a.txt").out.splitlines()[30:31] == [b"30"]
    assert repo.vcs("cat", "HEAD", "n.txt", ok=2)
    assert repo.vcs("status").text.splitlines() == ["M a.txt", "A n.txt"]  # the rest stays uncommitted
    assert repo.read("a.txt").splitlines()[30] == b"thirty"
    assert not (repo.root / "gone.txt").exists()
    repo.vcs("verify")
