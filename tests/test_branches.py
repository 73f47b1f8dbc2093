"""Branches as a git user expects them: `vcs branch` (list, create, -d, -D, -m), `vcs
checkout BRANCH` and `-b`, a detached HEAD that says so, `vcs heads`, and a new
repository's first branch (init.defaultBranch, `init -b`); in-process and as a process."""
from __future__ import annotations

import json
import os

import pytest

from vcs.model.objects import ObjectId
from vcs.repo.repository import Repository
from vcs.repo.state import State


def commit(repo, name: str, text: str, message: str, run=None) -> str:
    repo.write(name, text)
    return (run or repo.vcs)("commit", "-A", "-m", message).text


def view(repo):
    return Repository.find(bytes(repo.root)).state.view


def test_a_new_repository_is_on_main_and_lists_it_from_its_first_commit(repo):
    assert repo.vcs("branch").text == ""  # unborn: nothing to list, as git
    assert view(repo).head_branch == "main"
    commit(repo, "a", "a\n", "one")
    assert repo.vcs("branch").text == "* main\n" == repo.run("branch").text
    assert repo.vcs("branch", "-v").text.split() == ["*", "main", "0", repo.vcs("log", "--oneline").text.split()[1],
                                                     "one"]


def test_create_list_and_refuse_an_existing_name(repo):
    commit(repo, "a", "a\n", "one")
    commit(repo, "a", "b\n", "two")
    assert repo.vcs("branch", "feature", "0").text == "branch feature at revision 0\n"
    assert repo.run("branch", "old", "HEAD~1").text == "branch old at revision 0\n"
    repo.vcs("branch", "tip")
    assert repo.vcs("branch").text == "  feature\n* main\n  old\n  tip\n"
    lines = repo.vcs("branch", "-v").text.splitlines()
    assert lines[0].split()[:2] == ["feature", "0"] and lines[0].endswith(" one")
    assert lines[1].startswith("* main    1 ") and lines[1].endswith(" two")
    r = repo.vcs("branch", "feature", ok=3)
    assert "a branch named 'feature' already exists (at revision 0)" in r.err and "-f" in r.err
    assert repo.vcs("branch", "-f", "feature").text == "branch feature at revision 1 (was revision 0)\n"
    assert "HEAD is on it" in repo.vcs("branch", "-f", "main", "0", ok=3).err
    assert [json.loads(line) for line in repo.vcs("branch", "--json").text.splitlines()][1] == \
        {"name": "main", "rev": 1, "id": view(repo).branches["main"].hex(), "current": True,
         "remote": False}
    assert "revision" in repo.vcs("branch", "x", "9", ok=2).err
    r = repo.vcs("branch", "a", "b", "c", ok=2)
    assert "at most one revision" in r.err


@pytest.mark.parametrize("name", ["-x", "a b", "a..b", "a~1", "x^", "a:b", "HEAD", "@", "12", "a/", "a.lock",
                                  ".hidden", "a//b", "tab\tname", "ends."])
def test_names_git_refuses_are_refused(repo, name):
    commit(repo, "a", "a\n", "one")
    args = ["branch", "--", name] if name.startswith("-") else ["branch", name]
    r = repo.vcs(*args, ok=2)
    assert "invalid branch name" in r.err or "no such option" in r.err, r.err
    assert view(repo).branches.keys() == {"main"}


def test_branch_x_is_an_unknown_option_and_names_may_hold_slashes(repo):
    commit(repo, "a", "a\n", "one")
    assert "no such option '-x'" in repo.vcs("branch", "-x", ok=2).err
    repo.vcs("branch", "feature/login")
    assert "feature/login" in repo.vcs("branch").text
    assert repo.vcs("cat", "feature/login", "a").out == b"a\n"


def test_delete_merged_only_unless_D_and_never_the_current_branch(repo):
    commit(repo, "a", "a\n", "one")
    repo.vcs("checkout", "-b", "topic")
    commit(repo, "t", "t\n", "topic work")
    repo.vcs("checkout", "main")
    repo.vcs("branch", "merged", "0")
    r = repo.vcs("branch", "-d", "topic", ok=3)
    assert "'topic' is not merged into HEAD" in r.err and "vcs branch -D topic" in r.err
    r = repo.vcs("branch", "-d", "merged", "topic", ok=3)  # all or none
    assert set(view(repo).branches) == {"main", "merged", "topic"}
    assert repo.vcs("branch", "-d", "merged").text == "deleted branch merged (was revision 0)\n"
    assert "cannot delete the branch 'main': HEAD is on it" in repo.vcs("branch", "-d", "main", ok=3).err
    r = repo.vcs("branch", "-d", "nope", ok=2)
    assert "no branch named 'nope'" in r.err
    assert "did you mean 'topic'" in repo.vcs("branch", "-d", "topix", ok=2).err
    assert repo.run("branch", "-D", "topic").text == "deleted branch topic (was revision 1)\n"
    # The commit is not lost: it is still a head, and checks out.
    assert repo.vcs("heads").text.splitlines()[0].split()[:3] == ["1", repo.vcs("log", "--oneline", "1").text.split()[1],
                                                                    "topic"]
    assert repo.vcs("cat", "1", "t").out == b"t\n"
    assert "needs the names" in repo.vcs("branch", "-d", ok=2).err


def test_rename_moves_head_with_it(repo):
    commit(repo, "a", "a\n", "one")
    repo.vcs("branch", "other")
    assert repo.vcs("branch", "-m", "trunk").text == "renamed branch main to trunk\n"
    assert view(repo).head_branch == "trunk" and "main" not in view(repo).branches
    commit(repo, "a", "b\n", "two")
    assert repo.vcs("branch", "-v").text.splitlines()[1].startswith("* trunk 1 ")
    assert repo.run("branch", "-m", "other", "side").text == "renamed branch other to side\n"
    assert "already exists" in repo.vcs("branch", "-m", "side", "trunk", ok=3).err
    assert "HEAD is on it" in repo.vcs("branch", "-m", "-f", "side", "trunk", ok=3).err
    repo.vcs("branch", "spare")
    repo.vcs("branch", "-m", "-f", "spare", "side")
    assert repo.vcs("branch").text == "  side\n* trunk\n"
    assert "no branch named 'nope'" in repo.vcs("branch", "-m", "nope", "x", ok=2).err
    assert "invalid branch name" in repo.vcs("branch", "-m", "bad name", ok=2).err
    assert "-d (or -D) and -m" in repo.vcs("branch", "-d", "-m", "side", ok=2).err
    repo.vcs("checkout", "0")
    assert "HEAD is detached" in repo.vcs("branch", "-m", "x", ok=3).err


def test_an_unborn_branch_can_be_renamed_and_switched(repo):
    repo.vcs("branch", "-m", "trunk")
    assert view(repo).head_branch == "trunk"
    assert repo.vcs("checkout", "-b", "dev").text == "switched to a new branch 'dev'\n"
    assert "[0 " in commit(repo, "a", "a\n", "first")
    assert view(repo).branches.keys() == {"dev"} and view(repo).head_branch == "dev"


def test_checkout_a_branch_keeps_head_on_it_and_commits_advance_it(repo):
    commit(repo, "a", "a\n", "one")
    repo.vcs("branch", "side")
    commit(repo, "a", "b\n", "two")
    r = repo.vcs("checkout", "side")
    assert "switched to branch 'side'" in r.text and repo.read("a") == b"a\n"
    assert "(no branch)" not in commit(repo, "s", "s\n", "on side")
    assert repo.vcs("branch", "-v").text.splitlines()[1].startswith("* side 2 ")
    assert repo.vcs("checkout", "side").text.count("switched") == 0  # already on it
    r = repo.run("checkout", "main")
    assert "switched to branch 'main'" in r.text and repo.read("a") == b"b\n" and not (repo.root / "s").exists()


def test_a_detached_head_says_so_and_its_commit_is_on_no_branch(repo):
    commit(repo, "a", "a\n", "one")
    commit(repo, "a", "b\n", "two")
    r = repo.vcs("checkout", "0")
    assert "HEAD is detached at revision 0: a commit made here is on no branch" in r.text
    assert "`vcs branch NAME` names this line of work; `vcs checkout main` goes back" in r.text
    assert repo.vcs("branch").text.startswith("* (HEAD detached at 0)\n  main\n")
    out = commit(repo, "c", "c\n", "detached work", run=repo.run)
    assert out.startswith("[2 ") and " (no branch)] detached work" in out.splitlines()[0]
    assert view(repo).branches["main"] == Repository.find(bytes(repo.root)).commit_info(1).id
    r = repo.vcs("checkout", "1")  # a revision that is no branch's name: detached again, shorter
    assert "HEAD is detached at revision 1" in r.text and "goes back" not in r.text
    repo.vcs("checkout", "2")
    assert repo.vcs("branch", "rescued").text == "branch rescued at revision 2\n"
    assert repo.vcs("checkout", "main").text.endswith("switched to branch 'main'\n")


def test_checkout_b_creates_and_switches_moving_the_tree_only_if_rev_differs(repo):
    commit(repo, "a", "a\n", "one")
    commit(repo, "a", "b\n", "two")
    repo.write("a", "local edit\n")
    r = repo.vcs("checkout", "-b", "topic")
    assert "0 files written" in r.text and "switched to a new branch 'topic'" in r.text
    assert repo.read("a") == b"local edit\n" and view(repo).head_branch == "topic"
    # It refuses what would overwrite the edit, and then makes no branch.
    assert "uncommitted changes" in repo.vcs("checkout", "-b", "old", "0", ok=3).err
    assert "old" not in view(repo).branches
    repo.vcs("restore", "a")
    r = repo.run("checkout", "-b", "old", "0")
    assert "1 file written" in r.text and repo.read("a") == b"a\n"
    assert repo.vcs("branch").text == "  main\n* old\n  topic\n"
    assert "already exists" in repo.vcs("checkout", "-b", "main", ok=3).err
    assert "invalid branch name" in repo.vcs("checkout", "-b", "a..b", ok=2).err
    assert "needs a revision" in repo.vcs("checkout", ok=2).err


def test_heads_lists_every_tip_newest_first_with_its_names(repo):
    commit(repo, "a", "a\n", "zero")
    commit(repo, "a", "b\n", "one")
    repo.vcs("tag", "v1")
    repo.vcs("checkout", "0")
    commit(repo, "c", "c\n", "two: a fork")
    repo.vcs("checkout", "0")
    commit(repo, "d", "d\n", "three: another")
    repo.vcs("branch", "other")
    ids = {int(line.split()[0]): line.split()[1] for line in repo.vcs("log", "--oneline", "1", "2", "3").text.splitlines()}
    assert repo.vcs("heads").text == (f"3 {ids[3]} (HEAD, other) three: another\n2 {ids[2]} two: a fork\n"
                                      f"1 {ids[1]} (main, tag: v1) one\n") == repo.run("heads").text
    repo.vcs("checkout", "other")
    assert repo.vcs("heads").text.splitlines()[0] == f"3 {ids[3]} (HEAD -> other) three: another"
    assert [json.loads(line) for line in repo.vcs("heads", "--json").text.splitlines()][2] == \
        {"rev": 1, "id": view(repo).branches["main"].hex(), "branches": ["main"], "tags": ["v1"], "head": False}
    repo.vcs("branch", "old", "0")  # a branch inside another line is no head of its own
    assert len(repo.vcs("heads").text.splitlines()) == 3


def test_init_default_branch_from_the_config_and_init_b(empty_dir):
    empty_dir.vcs("config", "set", "--user", "init.defaultBranch", "trunk")
    assert "branch: trunk" in empty_dir.vcs("init", "a").text
    assert Repository.find(bytes(empty_dir.root / "a")).state.view.head_branch == "trunk"
    assert "branch: dev" in empty_dir.run("init", "-b", "dev", "b").text
    assert Repository.find(bytes(empty_dir.root / "b")).state.view.head_branch == "dev"
    assert "invalid branch name" in empty_dir.vcs("init", "--initial-branch", "x y", "c", ok=2).err
    assert not (empty_dir.root / "c").exists()
    r = empty_dir.vcs("config", "set", "--user", "init.defaultBranch", "bad..name", ok=2)
    assert "must be a valid branch name" in r.err
    (empty_dir.root / "a").mkdir(exist_ok=True)
    assert empty_dir.vcs("config", "get", "init.defaultBranch", cwd=empty_dir.root / "a").text == "trunk\n"


@pytest.mark.parametrize("forged", ["-x", "../../evil", "a b", "HEAD", "a\x1bb", "@{u}"])
@pytest.mark.parametrize("where", ["branch", "HEAD"])
def test_a_forged_branch_name_in_the_state_is_refused(repo, forged, where):
    """A state file rewritten by hand (with a valid seal and view id) that names a branch
    git's refname rules forbid is corruption on every command, never followed."""
    commit(repo, "a", "a\n", "one")
    path = repo.root / ".vcs/state"
    state = State.parse(path.read_bytes(), str(path))
    v = state.view.copy()
    if where == "branch":
        v.branches[forged] = ObjectId(v.branches["main"])
    else:
        v.branches[forged] = v.branches.pop("main")
        v.head_branch = forged
    path.write_bytes(state.replace(view=v).serialize())
    for args in (["branch"], ["log", "--oneline"], ["status"], ["heads"], ["checkout", "main"], ["verify"]):
        r = repo.run(*args, ok=4)
        assert "Traceback" not in r.err and "is malformed" in r.err, (args, r.err)
    assert not (repo.root.parent / "evil").exists()


# -- nothing is lost: kill -9 and I/O errors at every step of each branch write ---------------

# Every branch write is one transaction; `make stress` breaks each, `make test` one of each kind.
BRANCH_WRITES = [("branch", "new", "0"), ("branch", "-m", "side", "renamed"), ("checkout", "-b", "fresh", "0")]
if os.environ.get("VCS_STRESS"):
    BRANCH_WRITES += [("branch", "-d", "old"), ("branch", "-D", "side"), ("branch", "-f", "old", "1")]


def _faulted_repo(root):
    from tests.test_faults import run
    root.mkdir()
    assert run(root, "init").returncode == 0
    for i in range(3):
        (root / "f").write_text(f"{i}\n")
        assert run(root, "commit", "-A", "-m", f"c{i}").returncode == 0
    for args in (("branch", "old", "0"), ("checkout", "-b", "side", "1")):
        assert run(root, *args).returncode == 0
    (root / "g").write_text("side\n")
    assert run(root, "commit", "-A", "-m", "on side").returncode == 0
    assert run(root, "checkout", "main").returncode == 0


def _refs(root):
    """HEAD's branch, the branches and the working tree's parent, as revision numbers (the
    commits' ids differ from one repository to the next: their dates do)."""
    r = Repository.find(bytes(root))
    v = r.state.view
    return v.head_branch, {name: r.rev_of(oid) for name, oid in v.branches.items()}, r.wc_rev()


@pytest.mark.parametrize("args", BRANCH_WRITES, ids=" ".join)
def test_kill_and_io_errors_at_every_step_of_a_branch_write(tmp_path, args):
    """After each fault the refs are as before or as after (never half), verify passes
    (once an interrupted checkout is finished, as the next command says), the write can
    be made again, and a branch write touches no working file."""
    import shutil

    from tests.test_faults import run, trace
    model = tmp_path / "model"
    _faulted_repo(model)
    before = _refs(model)
    shutil.copytree(model, tmp_path / "probe", symlinks=True)
    lines = trace(tmp_path / "probe", tmp_path, *args)
    after = _refs(tmp_path / "probe")
    assert after != before
    steps = [line.split(" ", 1)[1] for line in lines if line.startswith("step ")]
    ios = [line for line in lines if line.startswith("io ")]
    assert "state:renamed" in steps and ios
    files = {p.name: p.read_bytes() for p in model.iterdir() if p.is_file()}
    for n, fault in enumerate([{"VCS_CRASH_AT": s} for s in steps] +
                              [{"VCS_FAIL_AT": f"{i}:ENOSPC"} for i in range(1, len(ios) + 1)]):
        root = tmp_path / f"r{n}"
        shutil.copytree(model, root, symlinks=True)
        r = run(root, *args, env=fault)
        assert "Traceback" not in r.stderr.decode(), (fault, r.stderr)
        refs = _refs(root)
        assert refs in (before, after), (fault, refs)
        if r.returncode == 0:
            assert refs == after, fault
        if args[0] == "branch":
            assert {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()} == files
        elif (root / ".vcs/checkout").exists():  # every command says so; a checkout finishes it
            assert b"was interrupted" in run(root, "status").stderr, fault
            finish = args if refs == before else ("checkout", args[2])
            assert run(root, *finish).returncode == 0, fault
        assert run(root, "verify").returncode == 0, fault
        if _refs(root) == before:  # the write can be made again
            assert run(root, *args).returncode == 0, fault
        assert _refs(root) == after, fault
        shutil.rmtree(root)


# -- log on forked lines of work --------------------------------------------------------------

def _forked(repo):
    """0 - 1 (main: a.txt, b.txt)  and  0 - 2 - 3 (side: a.txt twice), HEAD on main."""
    commit(repo, "a.txt", "a\n", "zero")
    commit(repo, "b.txt", "b\n", "one on main")
    repo.vcs("checkout", "-b", "side", "0")
    commit(repo, "a.txt", "a side\n", "two on side")
    commit(repo, "a.txt", "a side again\n", "three on side")
    repo.vcs("checkout", "main")


def test_log_path_shows_only_the_current_lines_changes(repo):
    _forked(repo)

    def revs(*args, run=repo.vcs):
        return [int(line.split()[0]) for line in run("log", "--oneline", *args).text.splitlines()]
    assert revs("a.txt") == revs("a.txt", run=repo.run) == [0]  # side's changes are not in main's line
    assert revs("side", "--", "a.txt") == [3, 2, 0]
    assert revs("main", "side", "--", "a.txt") == [3, 2, 0]
    assert revs("--", "b.txt") == [1] and revs("side", "--", "b.txt") == []


def test_log_ranges_graph_and_json_as_a_process(repo):
    _forked(repo)

    def revs(*args):
        return [int(line.split()[0]) for line in repo.run("log", "--oneline", *args).text.splitlines()]
    assert revs("main..side") == [3, 2] and revs("side..main") == [1] and revs("side..") == [1]
    assert revs("..side") == [3, 2] and revs("main...side") == [3, 2, 1] and revs("^main", "side") == [3, 2]
    assert revs("^main") == [] and revs("-r", "main..side") == [3, 2]
    assert revs("--author", "Test", "--grep", "side$") == [] and revs("side", "--grep", "side$") == [3, 2]
    assert revs("side", "--since", "@0", "--until", "now") == [3, 2, 0]
    assert revs("side", "--first-parent", "-n", "2") == [3, 2]
    out = repo.run("log", "--graph", "--oneline", "main", "side").text.splitlines()
    assert [line[:4] for line in out] == ["* 3 ", "* 2 ", "| * ", "|/  ", "* 0 "]
    assert out[2].startswith("| * 1 ") and "(HEAD -> main)" in out[2]
    # -n cuts the log: the last revision's rows are drawn, and the lines end there
    assert repo.vcs("log", "--graph", "--oneline", "-n", "3", "main", "side").text.splitlines()[-2:] == [out[2], "|/  "]
    line = json.loads(repo.run("log", "--json", "-n", "1", "side").text)
    assert line["branches"] == ["side"] and line["rev"] == 3
    assert "Merge:" not in repo.vcs("log", "side").text


def test_shell_completion_offers_branches(repo):
    commit(repo, "a", "a\n", "one")
    repo.vcs("branch", "feature")
    from vcs.cli.clickapp import _complete_rev
    import os as _os
    here = _os.getcwd()
    _os.chdir(repo.root)
    try:
        words = [c.value for c in _complete_rev(None, None, "f")]
    finally:
        _os.chdir(here)
    assert words == ["feature"]


def test_a_stash_is_no_head(repo):
    commit(repo, "a", "a\n", "one")
    repo.write("a", "work in progress\n")
    repo.vcs("stash")
    assert [line.split()[0] for line in repo.vcs("heads").text.splitlines()] == ["0"]
