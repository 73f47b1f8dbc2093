"""A forged or corrupt merge state is refused, never followed out of the tree: conflict lines
in the view (sealed as the state is, so a forger must seal them too), the merge's record in
the store, and .vcs/rerere. verify reports what is wrong; every command says it, no traceback."""
from __future__ import annotations

import os

from vcs.model.mergestate import Conflict, MergeState, serialize_record
from vcs.model.objects import Entry
from vcs.repo.repository import Repository
from vcs.repo.state import State
from vcs.storage.log import seal, unseal

from test_merge import BASE, conflicting, edit


def _rewrite_view(root, change) -> None:
    """Rewrite the state file with a changed view, sealed as vcs seals it: what someone
    who can write .vcs/ could do."""
    path = root / ".vcs" / "state"
    state = State.parse(path.read_bytes(), str(path))
    view = state.view.copy()
    change(view)
    path.write_bytes(state.replace(view=view).serialize())


def _raw_view_line(root, line: bytes) -> None:
    """Append a raw line to the view and seal it again, with the view's id updated."""
    from vcs.model.objects import content_id
    path = root / ".vcs" / "state"
    body = unseal(path.read_bytes(), str(path))
    head, _, view = body.partition(b"\n\n")
    view += line + b"\n"
    lines = head.split(b"\n")
    lines[-1] = b"view " + content_id(view).hex().encode()
    path.write_bytes(seal(b"\n".join(lines) + b"\n\n" + view))


def test_a_conflict_path_out_of_the_tree_is_refused_by_every_command(repo, tmp_path):
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)
    target = tmp_path / "outside"
    target.write_text("keep me\n")
    oid = Repository.find(os.fsencode(repo.root)).manifest(1)[b"f"].id.hex().encode()
    _raw_view_line(repo.root, b"conflict U content - f" + oid + b" f" + oid + b" ../outside")
    for args in (("status",), ("merge", "--abort"), ("checkout", "--conflict", "f"), ("resolve",), ("commit",),
                 ("verify",)):
        r = repo.run(*args, ok=False)
        assert r.code == 4, (args, r.code, r.err)
        assert "Traceback" not in r.err and "forbidden path" in r.err, r.err
    assert target.read_text() == "keep me\n"


def test_a_merge_state_naming_content_the_store_lacks(repo):
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)
    ghost = Entry("f", bytes(range(16)))

    def forge(view):
        s = view.merge
        view.merge = s._replace(conflicts=s.conflicts + (Conflict(b"ghost", False, "content", None, ghost, ghost),))
    _rewrite_view(repo.root, forge)
    r = repo.vcs("verify", ok=4)
    assert "the merge in progress" in r.text and "the conflict at ghost names content the store lacks" in r.text
    r = repo.vcs("checkout", "--conflict", "ghost", ok=4)
    assert "missing from the store" in r.err
    assert not (repo.root / "ghost").exists()
    # Abort still works: it puts back what the record says and the conflicts' paths.
    repo.vcs("merge", "--abort")
    assert repo.read("f").decode() == edit(BASE, l2="TWO on main") and not (repo.root / "ghost").exists()
    assert repo.vcs("verify").code == 0


def test_a_forged_record_with_a_path_out_of_the_tree(repo, tmp_path):
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)
    r = Repository.find(os.fsencode(repo.root))
    with r.lock(), r.transaction("forge") as tx:
        bad = r.objects.put(serialize_record({b"f": None}, "m").replace(b"- f", b"- ../../escape"))[0]
        tx.view.merge = tx.view.merge._replace(record=bad)
    out = repo.vcs("verify", ok=4)
    assert "forbidden path" in out.text
    assert "forbidden path" in repo.vcs("merge", "--abort").err  # a warning: only the conflicts go back
    assert repo.read("f").decode() == edit(BASE, l2="TWO on main")


def test_a_corrupt_rerere_file_is_ignored_with_a_warning(repo):
    conflicting(repo)
    (repo.root / ".vcs" / "rerere").write_bytes(b"garbage")
    r = repo.vcs("merge", "topic", ok=1)
    assert "ignored .vcs/rerere" in r.err
    assert "rerere" in repo.vcs("verify", ok=4).text
    repo.write("f", BASE)
    repo.vcs("resolve", "--mark", "f")
    repo.vcs("commit")  # rewritten, whole, with this resolution
    assert repo.vcs("verify").code == 0


def test_a_forged_rerere_entry_naming_content_the_store_lacks(repo):
    conflicting(repo)
    from vcs.repo import rerere
    r = Repository.find(os.fsencode(repo.root))
    base, ours, theirs = (r.manifest(n)[b"f"] for n in (0, 1, 2))
    key = rerere.key("content", base, ours, theirs)
    body = b"vcs-rerere 1\n" + key.hex().encode() + b" f" + bytes(range(16)).hex().encode() + b"\n"
    (repo.root / ".vcs" / "rerere").write_bytes(seal(body))
    out = repo.vcs("merge", "topic", ok=1)
    assert "1 remembered resolution refused" in out.err and "as before" not in out.text
    assert "<<<<<<<" in repo.read("f").decode()


def test_a_view_with_conflicts_but_no_merge_is_refused(repo):
    repo.write("f", "x\n")
    repo.vcs("commit", "-A", "-m", "one")
    oid = bytes(16).hex().encode()
    _raw_view_line(repo.root, b"conflict U content - f" + oid + b" - f")
    r = repo.run("status", ok=4)
    assert "unknown line" in r.err and "Traceback" not in r.err


def test_verify_reads_the_merge_state_of_every_view(repo):
    """A state that never was (an operation record forged) is refused when it is read:
    verify reads every view the operation log holds."""
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)
    repo.vcs("merge", "--abort")
    assert repo.vcs("verify").code == 0  # the aborted merge's view is in the log, and sound


def test_state_labels_are_checked(repo):
    conflicting(repo)
    repo.vcs("merge", "topic", ok=1)

    def forge(view):
        view.merge = MergeState(view.merge.op, view.merge.other, view.merge.record, "main", "-x", ())
    _rewrite_view(repo.root, forge)
    r = repo.run("status", ok=4)
    assert "label" in r.err and "Traceback" not in r.err
