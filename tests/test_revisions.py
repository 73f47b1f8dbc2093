"""Revision syntax: `REV~N`, `REV^N` and their combinations follow parents as git's do,
on a history with merges (built with commit_tree, the one writer of history)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcs.errors import UsageError
from vcs.repo.commits import commit_tree
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve


def build(shape: list[tuple[int, ...]]) -> Repository:
    """A memory repository whose revision n has the parents shape[n]; HEAD on main at the last."""
    repo = Repository.memory()
    with repo.lock(), repo.transaction("build") as tx:
        for n, parents in enumerate(shape):
            _, cid, _, _ = commit_tree(repo, parents, {b"f": ("f", b"%d\n" % n)}, author="A <a@example.com>",
                                       date=1_700_000_000 + n, tz=0, message=f"c{n}")
            tx.view.committed(cid, [repo.commit_info(p).id for p in parents])
        tx.view.tags["v1"] = repo.commit_info(3).id
    return repo


#   0 - 1 ------ 3 ------ 5 - 6 (an octopus: 5, 4, 2)
#    \          /        /
#     2 ------------- 4
SHAPE = [(), (0,), (0,), (1, 2), (2,), (3, 4), (5, 4, 2)]

CASES = {
    "6": 6, "HEAD": 6, "@": 6, "HEAD^": 5, "@^": 5, "HEAD^1": 5, "HEAD^2": 4, "HEAD^3": 2, "HEAD~": 5,
    "HEAD^0": 6, "HEAD~0": 6, "5^": 3, "5^^": 1, "5^^^": 0, "5~2": 1, "5~3": 0, "5^2": 4, "5^2^": 2,
    "5^2~1": 2, "5~1^2": 2, "5^^2": 2, "HEAD~1^2~1": 2, "HEAD^2~2": 0, "v1^2": 2, "v1~1": 1, "-1^3": 2,
    "5^1^1": 1, "5~~": 1, "3^2^": 0,
}


@pytest.fixture(scope="module")
def repo():
    return build(SHAPE)


@pytest.mark.parametrize("spec,rev", CASES.items())
def test_parent_steps(repo, spec, rev):
    assert resolve(repo, spec) == rev


@pytest.mark.parametrize("spec,says", [
    ("4^2", "revision 4 has 1 parent"), ("6^4", "revision 6 has 3 parents"), ("HEAD^4", "HEAD has 3 parents"), ("0^", "revision 0 has no parent"),
    ("0~1", "revision 0 has only 0 ancestors"), ("HEAD~9", "HEAD has only 4 ancestors"),
    ("5^2~3", "revision 4 has only 2 ancestors"), ("v1^3", "v1 has 2 parents"),
    ("HEAD~" + "9" * 40, "HEAD has only 4 ancestors"), ("HEAD^" + "9" * 40, "HEAD has 3 parents"),
])
def test_steps_past_the_history_say_where_they_stop(repo, spec, says):
    with pytest.raises(UsageError) as e:
        resolve(repo, spec)
    assert "does not exist" in e.value.message and says in e.value.message


@pytest.mark.parametrize("spec", ["^", "~1", "HEAD^x", "HEAD~x", "HEAD^{commit}", "HEAD^-1", "v2^", "HEAD^ 2"])
def test_what_is_no_step_is_an_unknown_name(repo, spec):
    with pytest.raises(UsageError):
        resolve(repo, spec)


def _first_parents(repo, rev: int, n: int) -> int | None:
    for _ in range(n):
        parents = repo.parents(rev)
        if not parents:
            return None
        rev = parents[0]
    return rev


@st.composite
def histories(draw):
    """A random history: each revision has 0 to 3 parents among the earlier ones."""
    shape = [()]
    for n in range(1, draw(st.integers(2, 12))):
        shape.append(tuple(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True))))
    return shape


@settings(max_examples=60, deadline=None)
@given(histories(), st.data())
def test_steps_agree_with_a_walk_of_the_parents(shape, data):
    repo = build(shape + [(len(shape) - 1,)] * max(0, 4 - len(shape)))
    start = data.draw(st.integers(0, len(repo) - 1))
    steps = data.draw(st.lists(st.tuples(st.sampled_from("~^"), st.integers(0, 3)), max_size=5))
    spec = str(start) + "".join(f"{k}{n}" for k, n in steps)
    rev = start
    for kind, n in steps:
        if rev is None:
            break
        if kind == "~":
            rev = _first_parents(repo, rev, n)
        elif n:
            parents = repo.parents(rev)
            rev = parents[n - 1] if n <= len(parents) else None
    if rev is None:
        with pytest.raises(UsageError):
            resolve(repo, spec)
    else:
        assert resolve(repo, spec) == rev
        # ~N is N first-parent steps, ^ one of them, and ^0 and ~0 stay put.
        assert resolve(repo, spec + "^0") == resolve(repo, spec + "~0") == rev
