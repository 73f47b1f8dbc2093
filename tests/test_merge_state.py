"""The merge state in the view (vcs.model.mergestate): its lines round-trip, and a forged or
corrupt one is refused when the view is read (a path out of the tree, a bad id, kind,
label or order), as every other line of the view is."""
from __future__ import annotations

import pytest

from vcs.errors import CorruptError
from vcs.model.mergestate import Conflict, MergeState, apply_record, parse_record, serialize_record
from vcs.model.objects import Entry
from vcs.model.refs import View

A, B, C = (bytes([n]) * 16 for n in (1, 2, 3))


def state(**kw):
    conflicts = (Conflict(b"dir/f.txt", False, "content", Entry("f", A), Entry("f", B), Entry("x", C)),
                 Conflict(b"gone", True, "modify/delete", Entry("f", A), Entry("f", B), None))
    fields = dict(op="merge", other=C, record=A, ours_label="main", theirs_label="topic", conflicts=conflicts)
    fields.update(kw)
    return MergeState(**fields)


def view(merge) -> View:
    return View("main", None, A, {A, C}, {"main": A, "topic": C}, merge=merge)


def test_the_view_round_trips_with_a_merge_state():
    v = view(state())
    data = v.serialize()
    assert b"\nmerge merge " in data and b"\nconflict U content f0101" in data and b" - gone\n" in data
    back = View.parse(data)
    assert back == v and back.merge == state()
    assert back.merge.unresolved == [b"dir/f.txt"]
    assert back.copy().merge == state()
    assert C in v.targets()
    assert View.parse(view(None).serialize()).merge is None


def test_resolving_changes_one_line():
    s = state().with_resolved([b"dir/f.txt"], True)
    assert s.unresolved == [] and s.conflict(b"gone").resolved
    assert s.with_resolved([b"gone"], False).unresolved == [b"gone"]


@pytest.mark.parametrize("forged", [
    b"conflict U content - fAA - ../../etc/passwd",
    b"conflict U content - f" + A.hex().encode() + b" - /abs",
    b"conflict U content - f" + A.hex().encode() + b" - .vcs/state",
    b"conflict U content - f" + A.hex().encode() + b" - a/./b",
    b"conflict X content - f" + A.hex().encode() + b" - p",
    b"conflict U weird - f" + A.hex().encode() + b" - p",
    b"conflict U content - q" + A.hex().encode() + b" - p",
    b"conflict U content - - - p",
    b"conflict U content - f" + A.hex().encode()[:-2] + b" - p",
])
def test_a_forged_conflict_line_is_refused(forged):
    data = view(state(conflicts=())).serialize() + forged + b"\n"
    with pytest.raises(CorruptError):
        View.parse(data)


@pytest.mark.parametrize("line", [
    b"merge rebase %s %s main topic",
    b"merge merge %s %s -main topic",
    b"merge merge %s %s main",
    b"merge merge %s %s main top\x1bic",
])
def test_a_forged_merge_line_is_refused(line):
    base = view(None).serialize()
    with pytest.raises(CorruptError):
        View.parse(base + line % (A.hex().encode(), B.hex().encode()) + b"\n")


def test_conflicts_out_of_order_or_without_a_merge_are_refused():
    good = view(state()).serialize()
    lines = good.split(b"\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b"conflict"))
    lines[at], lines[at + 1] = lines[at + 1], lines[at]
    with pytest.raises(CorruptError):
        View.parse(b"\n".join(lines))
    without = b"".join(line + b"\n" for line in good.split(b"\n")[:-1] if not line.startswith(b"merge "))
    with pytest.raises(CorruptError):
        View.parse(without)


def test_the_record_round_trips_and_refuses_bad_paths():
    changes = {b"a": Entry("f", A), b"b/c": None, b"sp ace": Entry("l", B)}
    data = serialize_record(changes, "Merge branch 'x'\n\nbody\n")
    assert parse_record(data) == (changes, "Merge branch 'x'\n\nbody\n")
    assert parse_record(serialize_record({}, "m")) == ({}, "m")
    assert apply_record({b"a": Entry("f", B), b"b/c": Entry("f", A), b"d": Entry("f", C)}, changes) == \
        {b"a": Entry("f", A), b"d": Entry("f", C), b"sp ace": Entry("l", B)}
    for bad in (b"f" + A.hex().encode() + b" ../x\n\nm", b"- /abs\n\nm", b"- b\n- a\n\nm",
                b"z" + A.hex().encode() + b" a\n\nm", b"- a\n"):
        with pytest.raises(ValueError):
            parse_record(bad)
