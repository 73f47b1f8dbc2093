"""One contract for a repository's store, run on disk and in memory (as dulwich runs its
ObjectStoreTests on both): commits with parents, the file history, refs, the operation
log, transactions that commit whole or not at all."""
from __future__ import annotations

import pytest

from vcs.repo.commits import commit_tree
from vcs.model import oplog
from vcs.errors import CorruptError
from vcs.model.refs import View, refname_problem
from vcs.repo.repository import Repository
from vcs.repo.state import State
from vcs.repo.verify import verify
from vcs.model.objects import content_id


@pytest.fixture(params=["disk", "memory"])
def make(request, tmp_path):
    """(new repository, reopen it as another process would)."""
    if request.param == "memory":
        repo = Repository.memory()
        return repo, lambda: Repository(repo.root, store=repo.store)
    root = bytes(tmp_path / "r")
    Repository.init(root)
    return Repository(root), lambda: Repository(root)


def commit(repo, parents, files, message="m", date=1_700_000_000):
    with repo.lock(), repo.transaction(f"commit {message}") as tx:
        rev, cid, _, _ = commit_tree(repo, parents, files, author="A <a@example.com>", date=date, tz=60,
                                         message=message)
        tx.view.committed(cid, [repo.commit_info(p).id for p in ([] if parents is None else
                                                              [parents] if isinstance(parents, int) else parents)])
    return rev


def lines(n, changed=()):
    return b"".join(b"changed %d\n" % i if i in changed else b"line %d\n" % i for i in range(n))


def test_history_with_a_merge(make):
    repo, reopen = make
    base = commit(repo, None, {b"f": ("f", lines(200)), b"g": ("f", b"g\n")}, "base")
    ours = commit(repo, base, {b"f": ("f", lines(200, {10}))}, "ours")
    theirs = commit(repo, base, {b"f": ("f", lines(200, {150})), b"h": ("x", b"#!/bin/sh\n")}, "theirs")
    merge = commit(repo, (ours, theirs), {b"f": ("f", lines(200, {10, 150})), b"h": ("x", b"#!/bin/sh\n")},
                   "merge")
    r = reopen()
    assert [r.parents(x) for x in (base, ours, theirs, merge)] == [(), (base,), (base,), (ours, theirs)]
    assert r.read_commit(merge).parents == (r.commit_info(ours).id, r.commit_info(theirs).id)
    assert list(r.changelog.topo_order([merge])) == [merge, theirs, ours, base]
    assert r.changelog.is_ancestor(base, merge) and not r.changelog.is_ancestor(ours, theirs)
    tree = r.manifest(merge)
    assert sorted(tree) == [b"f", b"g", b"h"] and tree[b"h"].kind == "x"
    assert r.objects.read(tree[b"f"].id) == lines(200, {10, 150})
    # The file history: f's versions with their revisions and history parents.
    def history(path, rev=merge):
        start = r.filelog.entry_for(path, r.manifest(rev)[path].id, rev, r.changelog.is_ancestor)
        return list(r.filelog.history(start))

    assert [e.linkrev for e in history(b"f")] == [merge, theirs, ours, base]
    m, t, o, b = history(b"f")
    assert (m.p1, m.p2) == (o.n, t.n) and (t.p1, o.p1) == (b.n, b.n) and b.p1 is None
    assert [e.linkrev for e in history(b"g")] == [base]
    # h came from theirs unchanged: the merge records it against its first parent, with
    # theirs' entry as a history parent.
    h = history(b"h")
    assert [e.linkrev for e in h] == [merge, theirs] and h[0].p1 == h[1].n
    # The view: HEAD's branch at the merge, the merge the only head.
    assert r.state.head == r.commit_info(merge).id and r.state.view.heads == {r.commit_info(merge).id}
    assert verify(r).ok, verify(r).problems


def test_a_version_is_a_delta_against_the_parent_that_gives_the_smaller_one(make):
    repo, reopen = make
    base = commit(repo, None, {b"f": ("f", lines(400))}, "base")
    ours = commit(repo, base, {b"f": ("f", lines(400, set(range(0, 400, 3))))}, "ours: many changes")
    theirs = commit(repo, base, {b"f": ("f", lines(400, {7}))}, "theirs: one change")
    merge = commit(repo, (ours, theirs), {b"f": ("f", lines(400, {7, 8}))}, "merge")
    r = reopen()
    info = r.objects.info(r.manifest(merge)[b"f"].id)
    assert info.is_delta and info.base == r.objects.find(r.manifest(theirs)[b"f"].id)


def test_a_transaction_commits_whole_or_not_at_all(make):
    repo, reopen = make
    commit(repo, None, {b"f": ("f", b"one\n")}, "one")
    before = repo.state.serialize()
    with pytest.raises(RuntimeError):
        with repo.lock(), repo.transaction("doomed") as tx:
            commit_tree(repo, 0, {b"f": ("f", b"two\n")}, author="A <a@b>", date=1, tz=0, message="two")
            tx.view.tags["t"] = repo.commit_info(0).id
            raise RuntimeError("a crash")
    r = reopen()
    assert r.state.serialize() == before and len(r) == 1 and len(r.filelog) == 1
    assert verify(r).ok
    # Records left past the committed end are invisible, then dropped by the next writer.
    rev = commit(r, 0, {b"f": ("f", b"three\n")}, "three")
    assert rev == 1 and reopen().objects.read(reopen().manifest(1)[b"f"].id) == b"three\n"


def test_every_transaction_that_changes_something_is_one_operation(make):
    repo, reopen = make
    commit(repo, None, {b"f": ("f", b"one\n")}, "one")
    with repo.lock(), repo.transaction("tag t") as tx:
        tx.view.tags["t"] = repo.commit_info(0).id
    with repo.lock(), repo.transaction("nothing"):
        pass
    r = reopen()
    records = [r.oplog.read(n) for n in range(len(r.oplog))]
    ops = [oplog.parse(record) for record in records]
    assert [op.description for op in ops] == ["commit one", "tag t"]
    assert ops[0].parent is None and ops[1].parent == content_id(records[0])
    assert "t" not in ops[0].view.tags and ops[1].view.tags == {"t": r.commit_info(0).id}
    assert ops[1].view == r.state.view and r.state.op == (1, content_id(records[1]))


def test_the_operation_log_is_a_chain_of_deltas_read_back_from_any_point(make):
    repo, reopen = make
    for i in range(70):
        commit(repo, None if i == 0 else i - 1, {b"f": ("f", b"%d\n" % i)}, f"c{i}")
    r = reopen()
    records = [r.oplog.read(n) for n in range(len(r.oplog))]
    assert [oplog.parse(x).description for x in records] == [f"commit c{i}" for i in range(70)]
    # Read again from the newest backwards, in a fresh process's order: the same bytes.
    assert [reopen().oplog.read(n) for n in range(69, -1, -1)] == records[::-1]
    # A record costs its framing and the lines it changed, not a whole view.
    assert len(r.oplog.file) < 70 * 200


def test_an_identical_commit_is_stored_once(make):
    repo, reopen = make
    commit(repo, None, {b"f": ("f", b"x\n")}, "same", date=5)
    with repo.lock(), repo.transaction("again"):
        rev, _, _, _ = commit_tree(repo, None, {b"f": ("f", b"x\n")}, author="A <a@example.com>", date=5,
                                       tz=60, message="same")
    assert rev == 0 and len(reopen()) == 1 and len(reopen().filelog) == 1


def test_state_and_views_refuse_what_is_malformed():
    state = State.empty().serialize()
    for bad in (state.replace(b"vcs-state 2", b"vcs-state 3"), state.replace(b"log filelog", b"log files"),
                state.replace(b"HEAD branch main", b"HEAD branch -main")):
        with pytest.raises(CorruptError):
            State.parse(bad, "state")
    view = View("main", branches={"main": b"1" * 16, "feature/x": b"2" * 16}, tags={"v1": b"3" * 16},
                heads={b"1" * 16, b"2" * 16}, wc=b"1" * 16)
    assert View.parse(view.serialize()) == view
    for bad in (b"HEAD branch a..b\n", b"HEAD none\nbranch 00 x\n", b"HEAD none\ntag " + b"0" * 32 + b" -x\n",
                b"HEAD none\nwho knows\n", b"HEAD none", b"HEAD none\ntag " + b"0" * 32 + b" a b\n"):
        with pytest.raises(CorruptError):
            View.parse(bad)


@pytest.mark.parametrize("name, ok", [
    ("main", True), ("feature/x", True), ("v1.0", True), ("caf\u00e9", True),
    ("", False), ("-x", False), ("a..b", False), ("a b", False), ("a~1", False), ("a^", False), ("a:b", False),
    ("a\x1b", False), ("a/", False), ("/a", False), ("a//b", False), (".a", False), ("a/.b", False),
    ("a.lock", False), ("a.", False), ("@", False), ("a@{1}", False), ("HEAD", False), ("a*", False),
])
def test_ref_names_follow_gits_rules(name, ok):
    assert (refname_problem(name) is None) == ok
