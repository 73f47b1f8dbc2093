"""vcs's merge against git's merge-ort on real merges (the quick version of
tests/benchmarks/bench_merge.py, which runs all of click's): where git is clean, vcs gives
the same tree byte for byte; where git conflicts, vcs conflicts on the same files. And
criss-cross merges (two merge bases) made with git, merged through a virtual base."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from benchmarks.bench_merge import BUNDLE, build, clone, compare, tree
from gitblobs import Blobs
from vcs.repo.treemerge import merge_revisions

QUICK = int(os.environ.get("VCS_MERGE_CORPUS", "40"))


@pytest.mark.skipif(not BUNDLE.exists(), reason=f"corpus not found at {BUNDLE} (../shared is absent)")
def test_clicks_merges_as_git_merges_them(tmp_path):
    summary = compare(clone(tmp_path), limit=QUICK)
    print(f"\n{summary['compared']} of click's {summary['single_base']} single-base merges: "
          f"{summary['clean_identical']}/{summary['git_clean']} clean ones identical, "
          f"{summary['same_conflicts']}/{summary['git_conflicted']} conflicted on the same files; "
          f"merge {summary['vcs_ms_median']:.2f} ms median (git merge-tree {summary['git_ms_median']:.1f} ms)")
    assert summary["compared"] == QUICK
    assert summary["differ_otherwise"] == [], summary["differences"]
    assert summary["clean_identical"] + summary["same_conflicts"] + summary["differ_by_renames"] == QUICK


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(cwd, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_AUTHOR_DATE": "1700000000 +0000",
           "GIT_COMMITTER_DATE": "1700000000 +0000"}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env)


def _criss_cross(root, base, a, b, resolve1, resolve2, x, y):
    """r; a and b on it; m1 = a + b resolved as resolve1, m2 = b + a as resolve2 (a
    criss-cross: a and b are both bases of anything on m1 and m2); x on m1, y on m2."""
    def commit(name, files, *merge):
        if merge:
            _git(root, "merge", "-q", "--no-commit", "--no-ff", *merge)
            assert (root / ".git" / "MERGE_HEAD").exists()
        for path, text in files.items():
            (root / path).write_text(text)
        _git(root, "add", "-A")
        assert _git(root, "commit", "-q", "--allow-empty", "-m", name).returncode == 0

    _git(root, "init", "-q", "-b", "r")
    commit("r", base)
    _git(root, "checkout", "-q", "-b", "a", "r")
    commit("a", a)
    _git(root, "checkout", "-q", "-b", "b", "r")
    commit("b", b)
    _git(root, "checkout", "-q", "-b", "m1", "a")
    commit("m1", resolve1, "b")
    _git(root, "checkout", "-q", "-b", "m2", "b")
    commit("m2", resolve2, "a")
    _git(root, "checkout", "-q", "-b", "x", "m1")
    commit("x", x)
    _git(root, "checkout", "-q", "-b", "y", "m2")
    commit("y", y)


def _vcs_and_git(root):
    gd = root / ".git"
    order = _git(root, "rev-list", "--all", "--topo-order", "--reverse", "--parents").stdout.decode().split("\n")
    parents = {line.split()[0]: tuple(line.split()[1:]) for line in order if line}
    blobs = Blobs(gd)
    try:
        repo, revs = build(gd, blobs, list(parents), parents)
        sha = {name: _git(root, "rev-parse", name).stdout.decode().strip() for name in ("x", "y")}
        assert len(repo.changelog.merge_bases(revs[sha["x"]], revs[sha["y"]])) == 2
        merged, label = merge_revisions(repo, revs[sha["x"]], revs[sha["y"]], style="merge", labels=(b"x", b"y"))
        p = _git(root, "merge-tree", "--write-tree", "--name-only", "x", "y")
        if p.returncode not in (0, 1):
            pytest.skip("git merge-tree --write-tree needs git 2.38")
        lines = p.stdout.decode().split("\n")
        want = tree(gd, lines[0])
        return repo, merged, label, p.returncode, set(lines[1:lines.index("")]) if p.returncode else set(), \
            {path: blobs.get(b) for path, (_, b) in want.items()}
    finally:
        blobs.close()


TEN = "".join(f"{i}\n" for i in range(1, 11))


def _with(**lines) -> str:
    text = TEN
    for key, value in lines.items():
        text = text.replace(f"{key[1:]}\n", f"{value}\n", 1)
    return text


@needs_git
def test_a_criss_cross_whose_bases_merge_cleanly(tmp_path):
    both = _with(l2="a2", l8="b8")
    _criss_cross(tmp_path, {"f": TEN}, {"f": _with(l2="a2")}, {"f": _with(l8="b8")}, {"f": both}, {"f": both},
                 {"f": _with(l2="a2", l4="x4", l8="b8")}, {"f": _with(l2="a2", l6="y6", l8="b8")})
    repo, merged, label, code, conflicts, want = _vcs_and_git(tmp_path)
    assert code == 0 and not merged.conflicts and label == b"merged common ancestors"
    got = {p: merged.blobs.get(e.id) or repo.objects.read(e.id) for p, e in merged.tree.items()}
    assert got == want and got[b"f"].decode() == _with(l2="a2", l4="x4", l6="y6", l8="b8")


@needs_git
def test_a_criss_cross_whose_bases_conflict(tmp_path):
    """a and b change line 2 differently; m1 keeps a's, m2 b's: the virtual base holds the
    conflict (markers), and x against y conflicts there, as in git; elsewhere they merge."""
    _criss_cross(tmp_path, {"f": TEN, "g": TEN}, {"f": _with(l2="a2")}, {"f": _with(l2="b2")},
                 {"f": _with(l2="a2")}, {"f": _with(l2="b2")},
                 {"f": _with(l2="a2"), "g": _with(l1="x1")}, {"f": _with(l2="b2"), "g": _with(l10="y10")})
    repo, merged, label, code, conflicts, want = _vcs_and_git(tmp_path)
    assert code == 1 and conflicts == {"f"}
    assert {c.path for c in merged.conflicts} == {b"f"}
    # The markers too, byte for byte: the virtual base's own (9 long, "Temporary merge
    # branch 1" and "2") inside the outer ones. (diff3 and zdiff3 differ only where the
    # inner base is named: git's commit id against vcs's.)
    assert merged.blobs[merged.tree[b"f"].id] == want[b"f"]
    g = merged.tree[b"g"]
    assert (merged.blobs.get(g.id) or repo.objects.read(g.id)) == want[b"g"] == _with(l1="x1", l10="y10").encode()
