"""Merge bases (vcs.storage.changelog.merge_bases): the lowest common ancestors, on
hand-drawn shapes (criss-cross merges among them), on random graphs against a brute-force
definition, and against `git merge-base --all` on click's history when ../shared is there."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcs.repo.commits import commit_tree
from vcs.repo.repository import Repository


def build(edges: dict[str, tuple[str, ...]]) -> tuple[Repository, dict[str, int]]:
    """A memory repository with one commit per name, parents as given (in an order
    where parents come first), each changing a file of its own."""
    repo = Repository.memory()
    revs: dict[str, int] = {}
    with repo.lock(), repo.transaction("build") as tx:
        for name, parents in edges.items():
            rev, cid, _, _ = commit_tree(repo, tuple(revs[p] for p in parents), {name.encode(): ("f", name.encode())},
                                         author="A <a@b>", date=1, tz=0, message=name)
            revs[name] = rev
            tx.view.heads.add(cid)
    return repo, revs


def bases(repo, revs, a, b) -> set[str]:
    names = {v: k for k, v in revs.items()}
    got = repo.changelog.merge_bases(revs[a], revs[b])
    assert got == sorted(got, reverse=True)
    return {names[r] for r in got}


def test_a_fork_has_its_fork_point_as_base():
    repo, revs = build({"r": (), "a": ("r",), "b": ("r",), "a2": ("a",), "b2": ("b",)})
    assert bases(repo, revs, "a2", "b2") == {"r"}
    assert bases(repo, revs, "b2", "a2") == {"r"}


def test_an_ancestor_is_its_own_base():
    repo, revs = build({"r": (), "a": ("r",), "a2": ("a",)})
    assert bases(repo, revs, "a2", "r") == {"r"}
    assert bases(repo, revs, "r", "a2") == {"r"}
    assert bases(repo, revs, "a", "a") == {"a"}


def test_unrelated_histories_have_no_base():
    repo, revs = build({"r": (), "s": (), "a": ("r",), "b": ("s",)})
    assert bases(repo, revs, "a", "b") == set()


def test_after_a_merge_the_merged_tip_is_the_base():
    # r - a - m - a2
    #   \ b /
    #      \ b2
    repo, revs = build({"r": (), "a": ("r",), "b": ("r",), "m": ("a", "b"), "a2": ("m",), "b2": ("b",)})
    assert bases(repo, revs, "a2", "b2") == {"b"}


def test_criss_cross_merges_have_two_bases():
    #   a ---- m1 (a + b) -- x
    #  /   \ /
    # r     X
    #  \   / \
    #   b ---- m2 (b + a) -- y
    repo, revs = build({"r": (), "a": ("r",), "b": ("r",), "m1": ("a", "b"), "m2": ("b", "a"),
                        "x": ("m1",), "y": ("m2",)})
    assert bases(repo, revs, "x", "y") == {"a", "b"}
    # The bases' own base, for the virtual base made of them.
    assert bases(repo, revs, "a", "b") == {"r"}


def test_a_base_below_another_base_is_not_lowest():
    # r - a - c, and b merges a; then both sides merge both: c is no base, a is below b's merge.
    repo, revs = build({"r": (), "a": ("r",), "b": ("a",), "c": ("r",), "x": ("b", "c"), "y": ("c", "b")})
    assert bases(repo, revs, "x", "y") == {"b", "c"}


def test_triple_criss_cross():
    edges = {"r": (), "a": ("r",), "b": ("r",), "c": ("r",)}
    edges.update({"x": ("a", "b", "c"), "y": ("b", "c", "a")})
    repo, revs = build(edges)
    assert bases(repo, revs, "x", "y") == {"a", "b", "c"}


def test_several_revisions_on_one_side():
    # The base of a virtual commit made of a and b (its parents) with c.
    repo, revs = build({"r": (), "a": ("r",), "b": ("r",), "q": ("r",), "c": ("q",)})
    names = {v: k for k, v in revs.items()}
    got = repo.changelog.merge_bases([revs["a"], revs["b"]], revs["c"])
    assert {names[r] for r in got} == {"r"}


# ------------------------------------------------------------------ random graphs

@st.composite
def graphs(draw):
    n = draw(st.integers(2, 18))
    edges: dict[str, tuple[str, ...]] = {}
    for i in range(n):
        earlier = [f"c{j}" for j in range(i)]
        k = draw(st.integers(0 if i == 0 or draw(st.integers(0, 9)) == 0 else 1, min(2, i)))
        parents = tuple(dict.fromkeys(draw(st.lists(st.sampled_from(earlier), min_size=k, max_size=k)))) if earlier \
            else ()
        edges[f"c{i}"] = parents
    a = draw(st.sampled_from(list(edges)))
    b = draw(st.sampled_from(list(edges)))
    return edges, a, b


def _ancestors(edges, name) -> set[str]:
    out, todo = set(), [name]
    while todo:
        x = todo.pop()
        if x not in out:
            out.add(x)
            todo += edges[x]
    return out


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_merge_bases_are_the_lowest_common_ancestors(case):
    """The definition: common ancestors of a and b that are no ancestor of another one."""
    edges, a, b = case
    repo, revs = build(edges)
    common = _ancestors(edges, a) & _ancestors(edges, b)
    lowest = {c for c in common if not any(c != d and c in _ancestors(edges, d) for d in common)}
    assert bases(repo, revs, a, b) == lowest


# ------------------------------------------------------------------ click's history, against git

SHARED = Path(os.environ.get("VCS_SHARED", Path(__file__).resolve().parents[2] / "shared"))
BUNDLE = SHARED / "corpus" / "click.bundle"


@pytest.mark.skipif(not BUNDLE.exists(), reason=f"corpus not found at {BUNDLE} (../shared is absent)")
def test_same_bases_as_git_on_clicks_merges(tmp_path):
    """click's whole graph (3,329 commits) rebuilt in vcs; the bases of a sample of its
    merges' parents are the commits `git merge-base --all` names."""
    gd = tmp_path / "click.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(BUNDLE), str(gd)], check=True)
    out = subprocess.run(["git", "--git-dir", str(gd), "rev-list", "--all", "--topo-order", "--reverse",
                          "--parents"], capture_output=True, check=True, text=True).stdout
    edges = {line.split()[0]: tuple(line.split()[1:]) for line in out.splitlines()}
    repo, revs = build(edges)
    merges = [(c, ps) for c, ps in edges.items() if len(ps) == 2]
    sample = merges[::max(1, len(merges) // int(os.environ.get("VCS_MERGE_BASE_SAMPLE", "30")))]
    counts = {}
    for _, (p1, p2) in sample:
        git = subprocess.run(["git", "--git-dir", str(gd), "merge-base", "--all", p1, p2], capture_output=True,
                             text=True).stdout.split()
        assert bases(repo, revs, p1, p2) == set(git), (p1, p2)
        counts[len(git)] = counts.get(len(git), 0) + 1
    print(f"\n{len(sample)} of click's {len(merges)} merges: bases as git's; number of bases: {counts}")
