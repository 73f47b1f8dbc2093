"""Histories with forks and merges, against real git: `git fast-export --all | vcs
import` keeps every merge and branch, `vcs export | git fast-import` gives back the very
commits, and on the imported history `log --graph` draws git's picture, `log` walks
git's order, and revisions and ranges name what `git rev-parse` and `git rev-list` name.
The click history (1,183 merges) goes round in full under `make stress`, its first
commits in `make test`."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.test_gitio import Git, fast_export
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SHARED = Path(os.environ.get("VCS_SHARED", Path(__file__).resolve().parents[2] / "shared"))
BUNDLE = SHARED / "corpus" / "click.bundle"


def make_branchy(root: Path) -> Git:
    """main with two merges of feature branches (one of which merged main in meanwhile),
    an octopus merge, branches vcs takes (topic/x) and one it refuses (123), a tag, and
    a second root (an orphan branch)."""
    root.mkdir()
    g = Git(root)
    g("init", "-q", "-b", "main")

    def commit(message: str, path: str | None = None) -> None:
        g.write(path or message.split()[0] + ".txt", (message + "\n").encode())
        g.commit(message)

    def merge(*branches: str, message: str) -> None:
        g.clock += 3600
        g("merge", "-q", "--no-ff", "-m", message, *branches,
          env={"GIT_AUTHOR_DATE": f"{g.clock} +0000", "GIT_COMMITTER_DATE": f"{g.clock + 30} +0100"})

    commit("base")
    g("checkout", "-q", "-b", "feature")
    commit("feature-1")
    commit("feature-2")
    g("checkout", "-q", "main")
    commit("main-1")
    merge("feature", message="merge feature")
    g("checkout", "-q", "-b", "topic/x", "main~1")
    commit("topic-1")
    merge("main", message="merge main into topic/x")
    commit("topic-2")
    g("checkout", "-q", "main")
    commit("main-2")
    g("tag", "v1")
    merge("topic/x", message="merge topic/x")
    for name in ("a", "b", "c"):
        g("checkout", "-q", "-b", f"oct-{name}", "main")
        commit(f"oct-{name}")
    g("checkout", "-q", "main")
    merge("oct-a", "oct-b", "oct-c", message="octopus")
    g("branch", "123", "main~1")
    g("checkout", "-q", "--orphan", "other-root")
    g("rm", "-q", "-rf", ".")
    commit("orphan")
    g("checkout", "-q", "main")
    commit("main-3")
    return g


@pytest.fixture(scope="module")
def branchy(tmp_path_factory):
    return make_branchy(tmp_path_factory.mktemp("branchy") / "g")


@pytest.fixture(scope="module")
def imported(branchy, tmp_path_factory):
    """The branchy history imported into vcs: (the Repo, the git commits in revision order)."""
    from tests.conftest import Repo
    stream, commits = fast_export(branchy)
    repo = Repo(tmp_path_factory.mktemp("imported") / "v")
    repo.root.mkdir()
    repo.run("init")
    res = repo.run("import", input=stream)
    assert "warning: branch '123' is not a valid vcs branch name" in res.err
    return repo, commits, res


def test_import_keeps_every_merge_branch_and_parent(branchy, imported):
    repo, commits, res = imported
    assert "kept 4 merges as merges" in res.text
    r = Repository.find(bytes(repo.root))
    rev_of = {sha: n for n, sha in enumerate(commits)}
    for n, sha in enumerate(commits):
        parents = branchy("rev-list", "--parents", "-n", "1", sha).decode().split()[1:]
        assert list(r.parents(n)) == [rev_of[p] for p in parents], n
    octopus = rev_of[branchy("rev-parse", "main~1").decode().strip()]
    assert len(r.parents(octopus)) == 4
    git_branches = dict(line.split() for line in
                        branchy("for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads").decode()
                        .splitlines())
    del git_branches["123"]  # a number names a revision in vcs: skipped, with a warning
    assert {name: r.rev_of(oid) for name, oid in r.state.view.branches.items()} == \
        {name: rev_of[sha] for name, sha in git_branches.items()}
    assert r.state.view.head_branch == "main" and r.head_rev() == rev_of[git_branches["main"]]
    repo.vcs("verify")


def test_export_gives_back_the_very_commits_and_refs(branchy, imported, tmp_path):
    repo, commits, _ = imported
    back = Git(tmp_path / "back")
    back.root.mkdir()
    back("init", "-q", "--bare")
    back("fast-import", "--quiet", input=repo.run("export").out)
    assert sorted(back("rev-list", "--all").split()) == sorted(c.encode() for c in commits)

    def refs(g: Git) -> dict[str, str]:
        return dict(line.split(" ", 1) for line in
                    g("for-each-ref", "--format=%(refname) %(objectname)").decode().splitlines())
    want = refs(branchy)
    del want["refs/heads/123"]  # not a vcs branch: inside main's history, so no head either
    assert refs(back) == want
    back("fsck", "--strict", "--no-progress")


def _split(line: str, text_starts: str) -> tuple[str, str]:
    """(the graph part of a line, the rest): the graph holds no digit and no `@`."""
    m = re.match(rf"([^{text_starts}]*)(.*)", line)
    return m[1], m[2]


def test_log_graph_draws_gits_picture_in_gits_order(branchy, imported):
    repo, commits, _ = imported
    names = sorted(Repository.find(bytes(repo.root)).state.view.branches)
    ours = repo.vcs("log", "--graph", "--oneline", *names).text.splitlines()
    theirs = branchy("log", "--graph", "--format=@%s", *names).decode().splitlines()
    assert len(ours) == len(theirs)
    for mine, git in zip(ours, theirs):
        graph, text = _split(mine, "0-9")
        git_graph, subject = _split(git, "@")
        assert graph == git_graph, (mine, git)
        assert text.endswith(" " + subject[1:]) if subject else not text, (mine, git)
    assert any("*---." in line for line in ours) and any("|_|/" in line for line in ours)
    # A whole log draws its graph beside every line, and shows a merge's parents.
    full = repo.vcs("log", "--graph", "-n", "3").text.splitlines()
    assert full[0].startswith("* revision ") and full[1].startswith("| Author: ")
    assert any(line.startswith("*---.   revision ") for line in full)
    assert any(re.match(r"\|\\ \\ \\  Merge: [0-9a-f]{12} [0-9a-f]{12} [0-9a-f]{12} [0-9a-f]{12}$", line)
               for line in full)


def _revs(repo, *args) -> list[int]:
    return [int(line.split()[0]) for line in repo.vcs("log", "--oneline", *args).text.splitlines()]


@pytest.mark.parametrize("args", [
    ["main"], ["feature"], ["topic/x"], ["--first-parent", "main"], ["feature..main"], ["main..topic/x"],
    ["main...topic/x"], ["^feature", "main"], ["v1..main"], ["main~3..main~2^2"], ["--first-parent", "v1..main"],
    ["other-root", "main"], ["main~2^2..main"], ["topic/x...feature"],
])
def test_ranges_and_first_parent_name_what_git_rev_list_names(branchy, imported, args):
    repo, commits, _ = imported
    rev_of = {sha: n for n, sha in enumerate(commits)}
    git = branchy("rev-list", "--topo-order", *args).decode().split()
    assert _revs(repo, *args) == [rev_of[sha] for sha in git], args


@pytest.mark.parametrize("spec", ["main", "main^", "main^1^2", "main~1^3", "main~1^4", "main~1^4^", "main~2^2",
                                  "main~2^2^", "main~2^2~1^2", "main~2^2~1^2^2~1", "main~2^2^^2", "main~4^2",
                                  "v1~1^2~1", "topic/x^^2", "topic/x~1^2~1", "HEAD~2", "@^1", "main^0", "main~0^1"])
def test_revisions_name_what_git_rev_parse_names(branchy, imported, spec):
    repo, commits, _ = imported
    want = commits.index(branchy("rev-parse", spec).decode().strip())
    assert resolve(Repository.find(bytes(repo.root)), spec) == want
    assert repo.vcs("log", "--oneline", "-n", "1", spec).text.split()[0] == str(want)


def test_log_path_follows_only_the_current_lines_ancestry(branchy, imported):
    repo, commits, _ = imported
    rev_of = {sha: n for n, sha in enumerate(commits)}
    for path in ("topic-1.txt", "oct-a.txt", "base.txt", "orphan.txt"):
        want = [rev_of[sha] for sha in branchy("rev-list", "--topo-order", "--full-history", "--no-merges",
                                               "main", "--", path).decode().split()]
        got = [r for r in _revs(repo, "--", path)]
        assert [r for r in got if len(Repository.find(bytes(repo.root)).parents(r)) < 2] == want, path


def test_author_grep_since_until(branchy, imported):
    repo, commits, _ = imported
    rev_of = {sha: n for n, sha in enumerate(commits)}

    def git(*args):
        return [rev_of[sha] for sha in branchy("rev-list", "--topo-order", *args, "main").decode().split()]
    assert _revs(repo, "--grep", "^merge") == git("--grep=^merge") and len(git("--grep=^merge")) == 3
    assert _revs(repo, "--grep", "oct-[ab]", "--grep", "octopus") == git("--grep=oct-[ab]", "--grep=octopus")
    assert _revs(repo, "--author", "Ann") == git("--author=Ann")
    assert _revs(repo, "--author", "Mo Merger") == git("--author=Mo Merger")  # the merges' author
    assert _revs(repo, "--author", "Ann", "--grep", "main") == git("--author=Ann", "--grep=main")
    start = branchy.clock - 3 * 3600
    since = time.strftime("%Y-%m-%d %H:%M:%S +0000", time.gmtime(start))
    assert _revs(repo, "--since", since) == git(f"--since={start}")
    assert _revs(repo, "--until", since) == git(f"--until={start}")
    assert _revs(repo, "--since", "3 days ago") == []  # the history is from 2023
    assert "cannot read the date" in repo.vcs("log", "--since", "next blue moon", ok=2).err
    assert "cannot read the pattern" in repo.vcs("log", "--grep", "(", ok=2).err
    graph = repo.vcs("log", "--graph", "--oneline", "--grep", "^merge").text.splitlines()
    assert [int(_split(line, "0-9")[1].split()[0]) for line in graph if "*" in line] == git("--grep=^merge")


def test_heads_of_the_imported_history(imported):
    repo, commits, _ = imported
    heads = [line.split()[0] for line in repo.vcs("heads").text.splitlines()]
    r = Repository.find(bytes(repo.root))
    assert sorted(map(int, heads)) == sorted(r.changelog.heads())  # every childless commit, and no other


def test_the_branch_heads_names_when_the_stream_has_no_main(tmp_path):
    """HEAD goes to init.defaultBranch if the stream has it, else main, master, else the
    last commit's branch; a stream with no branch leaves HEAD detached at its last commit."""
    from tests.conftest import Repo
    g = Git(tmp_path / "g")
    g.root.mkdir()
    g("init", "-q", "-b", "trunk")
    g.write("a", b"a\n")
    g.commit("on trunk")
    g("checkout", "-q", "-b", "work")
    g.write("b", b"b\n")
    g.commit("on work")
    stream, _ = fast_export(g)
    for n, (init, want) in enumerate([(["init"], "work"), (["init", "-b", "trunk"], "trunk")]):
        repo = Repo(tmp_path / f"v{n}")
        repo.root.mkdir()
        repo.vcs(*init)
        repo.vcs("import", input=stream)
        assert Repository.find(bytes(repo.root)).state.view.head_branch == want
    tags_only = b"".join(line + b"\n" for line in stream.replace(b"refs/heads/", b"refs/tags/").split(b"\n"))
    repo = Repo(tmp_path / "tags")
    repo.root.mkdir()
    repo.vcs("init")
    res = repo.vcs("import", input=tags_only.rstrip(b"\n") + b"\n")
    assert "HEAD is detached at revision 1" in res.text
    assert Repository.find(bytes(repo.root)).state.view.head_branch is None


# -- the click history ----------------------------------------------------------------------

CLICK_COMMITS = None if os.environ.get("VCS_STRESS") else int(os.environ.get("VCS_CORPUS_ROUND_TRIP", "600"))


@pytest.mark.skipif(not BUNDLE.exists(), reason=f"corpus not found at {BUNDLE}")
def test_click_goes_round_with_every_tree_parent_and_branch(tmp_path, capsys):
    """git -> vcs -> git on the click history (its first CLICK_COMMITS commits in `make
    test`, all 3,329 under `make stress`): every commit's tree and parents come back, and
    every commit whose history fast-export keeps whole (no signature in its ancestry:
    fast-export drops them) comes back with its very id: the ids are git's own `fast-export
    | fast-import` round trip's, commit for commit."""
    from tests.conftest import Repo
    src = tmp_path / "click.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(BUNDLE), str(src)], check=True)
    g = Git(src)
    order = g("rev-list", "--topo-order", "--reverse", "main").decode().split()
    if CLICK_COMMITS is not None and CLICK_COMMITS < len(order):
        g("branch", "-f", "main", order[CLICK_COMMITS - 1])
    marks = tmp_path / "src.marks"
    t0 = time.perf_counter()
    stream = g("fast-export", "--all", f"--export-marks={marks}")
    exported = time.perf_counter() - t0
    by_mark = dict(line.split() for line in marks.read_text().splitlines())
    repo = Repo(tmp_path / "v")
    repo.root.mkdir()
    repo.run("init")
    t0 = time.perf_counter()
    repo.run("import", input=stream)
    importing = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = repo.run("export").out
    exporting = time.perf_counter() - t0
    back, gits = Git(tmp_path / "back.git"), Git(tmp_path / "gits.git")
    for target, data in ((back, ours), (gits, stream)):
        target.root.mkdir()
        target("init", "-q", "--bare")
        target("fast-import", "--quiet", f"--export-marks={target.root / 'marks'}", input=data)
    back_marks = dict(line.split() for line in (back.root / "marks").read_text().splitlines())

    def shape(gd: Git, shas) -> list[tuple[str, list[str]]]:
        out = gd("rev-list", "--no-walk=unsorted", "--format=%T %P", *shas).decode().splitlines()
        return [(line.split()[0], line.split()[1:]) for line in out if not line.startswith("commit ")]
    commits = [by_mark[m] for m in sorted(by_mark, key=lambda m: int(m[1:])) if by_mark[m] in set(order)]
    original = shape(g, commits)
    returned = shape(back, [back_marks[f":{n + 1}"] for n in range(len(commits))])
    rev_of = {sha: n for n, sha in enumerate(commits)}
    back_rev = {back_marks[f":{n + 1}"]: n for n in range(len(commits))}
    assert [t for t, _ in returned] == [t for t, _ in original]  # every tree
    assert [[back_rev[p] for p in ps] for _, ps in returned] == [[rev_of[p] for p in ps] for _, ps in original]
    merges = sum(len(ps) > 1 for _, ps in original)
    assert sorted(back("rev-list", "--all").split()) == sorted(gits("rev-list", "--all").split())
    same = len(set(back("rev-list", "--all").decode().split()) & set(commits))
    assert back("rev-parse", "main") == gits("rev-parse", "main")
    # The whole history's graph is git's, row for row.
    ours = repo.run("log", "--graph", "--oneline").text.splitlines()
    theirs = g("log", "--graph", "--format=@%s", "main").decode().splitlines()
    assert [_split(line, "0-9")[0] for line in ours] == [_split(line, "@")[0] for line in theirs]
    with capsys.disabled():
        print(f"\nclick round trip: {len(commits)} commits, {merges} merges kept, every tree and parent list "
              f"identical, {same} with their very git ids (the rest follow a signed commit: git's own round trip "
              f"gives the same ids), log --graph git's in all {len(ours)} rows; fast-export {exported:.1f} s, "
              f"vcs import {importing:.1f} s, vcs export {exporting:.1f} s")
