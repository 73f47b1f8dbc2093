"""Tests of vcs.diff.delta: line splitting, diff regions, hunks, apply, and the encoded format."""
from __future__ import annotations

import struct

import gc
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcs.diff import delta
from vcs.diff import linediff
from vcs.errors import DeltaError


# --------------------------------------------------------------------------- helpers

def check_regions(a: list[bytes], b: list[bytes], regions) -> None:
    """The invariants diff() promises, and that the lines outside regions pair up equal."""
    previous_a2 = previous_b2 = -1
    kept_a, kept_b = [], []
    pos_a = pos_b = 0
    for a1, a2, b1, b2 in regions:
        assert 0 <= a1 <= a2 <= len(a) and 0 <= b1 <= b2 <= len(b)
        assert a1 < a2 or b1 < b2, "empty region"
        assert a1 > previous_a2 and b1 > previous_b2, "regions not separated by an equal line"
        kept_a += a[pos_a:a1]
        kept_b += b[pos_b:b1]
        pos_a, pos_b = a2, b2
        previous_a2, previous_b2 = a2, b2
    kept_a += a[pos_a:]
    kept_b += b[pos_b:]
    assert kept_a == kept_b


def roundtrip(old: bytes, new: bytes) -> bytes:
    """Diff, encode, decode, apply; check every step; return the encoded delta."""
    a, b = delta.split_lines(old), delta.split_lines(new)
    check_regions(a, b, delta.diff(a, b))
    hunks = delta.make_hunks(a, b)
    assert b"".join(delta.apply(a, hunks)) == new
    data = delta.encode(a, hunks, len(new))
    assert delta.decode(data, a, len(old)) == hunks
    result = delta.apply_checked(a, data, len(old))
    assert result == b, "apply_checked must give the canonical lines"
    assert b"".join(result) == new
    return data


def raw_delta(base_size: int, result_size: int, hunks, count: int | None = None,
              lines: list[int] | None = None, width: int = 1, fmt: int = delta.FORMAT_PLAIN,
              new_size: int | None = None) -> bytes:
    """A hand-made plain delta: hunks are (start, end, new_bytes), written as given."""
    blob = b"".join(new for _, _, new in hunks)
    counts = lines if lines is not None else [len(delta.split_lines(new)) for _, _, new in hunks]
    code = {1: "B", 2: "H", 4: "I"}.get(width, "B")
    table = struct.pack(f"<{3 * len(hunks)}{code}",
                        *[x for (s, e, _), n in zip(hunks, counts) for x in (s, e, n)])
    head = struct.pack("<BIIIIB", fmt, base_size, result_size, len(hunks) if count is None else count,
                       len(blob) if new_size is None else new_size, width)
    return head + table + blob


# --------------------------------------------------------------------------- split_lines

@pytest.mark.parametrize("data, lines", [
    (b"", []),
    (b"a", [b"a"]),
    (b"a\n", [b"a\n"]),
    (b"a\nb", [b"a\n", b"b"]),
    (b"\n\n", [b"\n", b"\n"]),
    (b"a\r\nb\r\n", [b"a\r\n", b"b\r\n"]),
    (b"a\rb\rc", [b"a\rb\rc"]),
    (b"a\r\nb\rc\nd", [b"a\r\n", b"b\rc\n", b"d"]),
    (b"x\x0by\x0cz\x1c\n", [b"x\x0by\x0cz\x1c\n"]),
    (b"\x00\xff\n\xfe", [b"\x00\xff\n", b"\xfe"]),
])
def test_split_lines(data, lines):
    assert delta.split_lines(data) == lines
    assert b"".join(lines) == data


@given(st.binary(max_size=200))
@settings(max_examples=200)
def test_split_lines_joins_back(data):
    lines = delta.split_lines(data)
    assert b"".join(lines) == data
    assert all(line.endswith(b"\n") for line in lines[:-1])
    assert all(line.count(b"\n") <= 1 and line for line in lines)


# --------------------------------------------------------------------------- edge cases

LARGE = b"".join(b"line %d of a large file\n" % i for i in range(20000))

EDGE_CASES = {
    "empty to empty": (b"", b""),
    "empty to large": (b"", LARGE),
    "large to empty": (LARGE, b""),
    "no change": (LARGE, LARGE),
    "full rewrite": (b"a\nb\nc\n", b"x\ny\nz\nw\n"),
    "append line": (b"a\nb\n", b"a\nb\nc\n"),
    "prepend line": (b"a\nb\n", b"z\na\nb\n"),
    "no final newline in old": (b"a\nb", b"a\nb\n"),
    "no final newline in new": (b"a\nb\n", b"a\nb"),
    "no final newline on either side": (b"a\nb", b"a\nc"),
    "append after line without newline": (b"a\nb", b"a\nb\nc"),
    "CRLF": (b"a\r\nb\r\nc\r\n", b"a\r\nB\r\nc\r\n"),
    "CRLF to LF": (b"a\r\nb\r\n", b"a\nb\n"),
    "mixed endings": (b"a\r\nb\nc\rd\n", b"a\nb\r\nc\rd\ne"),
    "binary with NULs": (bytes(range(256)) * 4, bytes(range(255, -1, -1)) * 3 + b"\0\n\0"),
    "invalid UTF-8": (b"\xff\xfe\n\xc3\x28\n", b"\xff\xfe\n\xa0\xa1\n\xc3\x28\n"),
    "single line without newline": (b"hello", b"world"),
    "single line gains newline": (b"hello", b"hello\n"),
    "empty result": (b"a\nb\n", b""),
    "only newlines": (b"\n\n\n", b"\n\n"),
    "large with scattered edits": (LARGE, LARGE.replace(b"line 5000 ", b"LINE 5000 ")
                                   .replace(b"line 17 of", b"")
                                   + b"tail"),
}


@pytest.mark.parametrize("old, new", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_round_trip_edge_cases(old, new):
    roundtrip(old, new)
    roundtrip(new, old)


def test_no_change_is_no_hunks():
    lines = delta.split_lines(LARGE)
    assert delta.diff(lines, list(lines)) == []
    assert delta.make_hunks(lines, lines) == []
    data = delta.encode(delta.split_lines(LARGE), [], len(LARGE))
    assert delta.apply_checked(lines, data, len(LARGE)) == lines


def test_simple_regions():
    a = [b"a\n", b"b\n", b"c\n"]
    assert delta.diff(a, [b"a\n", b"x\n", b"c\n"]) == [(1, 2, 1, 2)]
    assert delta.diff(a, [b"a\n", b"c\n"]) == [(1, 2, 1, 1)]
    assert delta.diff(a, a + [b"d\n"]) == [(3, 3, 3, 4)]
    assert delta.diff([], a) == [(0, 0, 0, 3)]
    assert delta.diff(a, []) == [(0, 3, 0, 0)]


def test_insertion_slides_like_git():
    # An inserted block between two identical blocks: git puts the change after the
    # existing block, not inside it.
    a = delta.split_lines(b"x\n\ndef f():\n    pass\n\nend\n")
    b = delta.split_lines(b"x\n\ndef f():\n    pass\n\ndef f():\n    pass\n\nend\n")
    assert delta.diff(a, b) == [(2, 2, 2, 5)]


def test_trim_false_diffs_the_whole_texts_as_git_histogram():
    # Without the common prefix set aside, histogram anchors on the rarest line of the
    # whole texts, and here cuts as `git diff --histogram` does (not minimally).
    a = [b"-\n", b"V\n", b"V\n", b"V\n"]
    b = [b"-\n", b"V\n", b"-\n", b"V\n", b"V\n"]
    assert linediff.diff(a, b) == [(2, 2, 2, 3)]
    assert linediff.diff(a, b, trim=False) == [(2, 2, 2, 4), (3, 4, 5, 5)]


def test_without_the_indent_heuristic_a_group_stays_at_its_lowest_place():
    # As `git diff --no-indent-heuristic` (and git's merges) place it.
    a = [b"def f():\n", b"    x = 1\n"]
    b = [b"def f():\n", b"def f():\n", b"    x = 1\n"]
    assert linediff.diff(a, b) == [(0, 0, 0, 1)]
    assert linediff.diff(a, b, indent_heuristic=False) == [(1, 1, 1, 2)]


def test_unique_lines_anchor_the_diff():
    # Histogram diff keeps the unique lines and replaces the moved common ones.
    a = [b"}\n", b"unique1\n", b"}\n", b"unique2\n", b"}\n"]
    b = [b"unique1\n", b"}\n", b"unique2\n", b"}\n", b"}\n", b"new\n"]
    regions = delta.diff(a, b)
    check_regions(a, b, regions)
    assert b"".join(delta.apply(a, delta.make_hunks(a, b))) == b"".join(b)


def test_repetitive_input_uses_the_fallback_and_stays_correct():
    rng = random.Random(5)
    words = [b"a\n", b"b\n", b"c\n"]
    old = [rng.choice(words) for _ in range(3000)]
    new = list(old)
    for _ in range(60):
        k = rng.randrange(len(new))
        if rng.random() < 0.5:
            new.insert(k, rng.choice(words))
        else:
            del new[k]
    regions = delta.diff(old, new)
    check_regions(old, new, regions)
    # A near-minimal diff: about one changed line per edit, not a rewrite.
    assert sum(a2 - a1 + b2 - b1 for a1, a2, b1, b2 in regions) < 200
    roundtrip(b"".join(old), b"".join(new))


def test_unrelated_repetitive_inputs_hit_the_cost_limit_and_stay_correct():
    # Two independent sequences over a tiny alphabet: Myers would need thousands of
    # edits, so the cost cut-off decides the splits; the result must still be right.
    rng = random.Random(7)
    words = [b"%d\n" % i for i in range(5)]
    old = [rng.choice(words) for _ in range(4000)]
    new = [rng.choice(words) for _ in range(4000)]
    check_regions(old, new, delta.diff(old, new))
    roundtrip(b"".join(old), b"".join(new))


def test_unrelated_files():
    old = b"".join(b"old %d\n" % i for i in range(5000))
    new = b"".join(b"new %d\n" % i for i in range(5000))
    a, b = delta.split_lines(old), delta.split_lines(new)
    assert delta.diff(a, b) == [(0, 5000, 0, 5000)]
    roundtrip(old, new)


def test_many_regions_do_not_recurse():
    # Every other line changed: thousands of regions, no recursion-limit trouble.
    a = [b"keep %d\n" % i if i % 2 else b"old %d\n" % i for i in range(40000)]
    b = [b"keep %d\n" % i if i % 2 else b"new %d\n" % i for i in range(40000)]
    regions = delta.diff(a, b)
    assert len(regions) == 20000
    check_regions(a, b, regions)


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_state_is_restored(enabled):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        a = delta.split_lines(LARGE)
        delta.diff(a, a[:100] + [b"x\n"] + a[100:])
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


# --------------------------------------------------------------------------- properties

LINES = [b"a\n", b"b\n", b"c\n", b"\n", b"}\n", b"a", b"x\r\n", b"\r", b"\x00\xff\n"]
texts = st.lists(st.sampled_from(LINES), max_size=40).map(b"".join)
any_data = st.one_of(texts, st.binary(max_size=120))


@given(any_data, any_data)
@settings(max_examples=300, deadline=None)
def test_round_trip_property(old, new):
    roundtrip(old, new)


small_alphabet = st.lists(st.sampled_from([b"a\n", b"b\n", b"c\n"]), max_size=60)


@given(small_alphabet, small_alphabet, st.integers(1, 4))
@settings(max_examples=200, deadline=None)
def test_myers_property(x, y, max_cost):
    # Myers directly, with a tiny cost limit so the settle-for-less path is exercised.
    for cost in (max_cost, 0):
        flags_x, flags_y = linediff._myers_changes(x, y, [10**9], cost)
        kept_x = [line for line, flag in zip(x, flags_x) if not flag]
        kept_y = [line for line, flag in zip(y, flags_y) if not flag]
        assert kept_x == kept_y


longer_texts = st.lists(st.sampled_from(LINES + [b"%d\n" % i for i in range(30)]),
                        max_size=120).map(b"".join)


@given(longer_texts, longer_texts)
@settings(max_examples=150, deadline=None)
def test_round_trip_property_past_the_scan_budget(old, new):
    # Past its scan budget, histogram diff splits regions at unique lines at once.
    saved = linediff._SCAN_BUDGET
    linediff._SCAN_BUDGET = -10**9
    try:
        roundtrip(old, new)
    finally:
        linediff._SCAN_BUDGET = saved


# How far a declared size is from the true one: 0 (the true size), a near miss, or any
# size the header can hold.
size_offsets = st.one_of(st.just(0), st.integers(-3, 3), st.integers(-2**32, 2**32))


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5),
                          st.lists(st.sampled_from(LINES[:5]), max_size=3)), max_size=6),
       size_offsets, size_offsets)
@settings(max_examples=200, deadline=None)
def test_encode_decode_property(raw, base_offset, result_offset):
    """Well-formed hunks against a base of 40 lines round-trip; a delta read against a
    base of another size than it declares, or declaring another result size than its
    hunks make, is refused."""
    hunks = []
    position = 0
    for gap, length, new in raw:
        start = position + gap + (1 if hunks else 0)
        end = min(start + length, 40)
        if start > 40 or (start == end and not new):
            continue
        hunks.append((start, end, new))
        position = end
    base = [b"base line %d\n" % i for i in range(40)]
    base_size = sum(map(len, base))
    added = sum(len(line) for _, _, new in hunks for line in new)
    result_size = base_size + added - sum(len(line) for s, e, _ in hunks for line in base[s:e])
    data = delta.encode(base, hunks, result_size)
    assert delta.decode(data, base, base_size) == hunks
    assert delta.apply_checked(base, data, base_size) == delta.apply(base, hunks)

    wrong_base = min(max(base_size + base_offset, 0), 2**32 - 1)  # what the header can say
    if wrong_base != base_size:
        with pytest.raises(DeltaError, match="base of"):
            delta.decode(data, base, wrong_base)
        with pytest.raises(DeltaError, match="base of"):
            delta.apply_checked(base, data, wrong_base)
    wrong_result = min(max(result_size + result_offset, 0), 2**32 - 1)
    if wrong_result != result_size:
        lying = delta.encode(base, hunks, wrong_result)
        with pytest.raises(DeltaError, match="result"):
            delta.apply_checked(base, lying, base_size)


@given(st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_corrupt_deltas_fail_cleanly(data):
    old = data.draw(texts, label="old")
    new = data.draw(texts, label="new")
    base = delta.split_lines(old)
    good = delta.encode(base, delta.make_hunks(base, delta.split_lines(new)), len(new))

    # Any truncation is an error.
    cut = data.draw(st.integers(0, len(good) - 1), label="cut")
    with pytest.raises(DeltaError):
        delta.apply_checked(base, good[:cut], len(old))

    # Flipped bytes: an error, or lines that the caller's size and hash checks judge.
    flipped = bytearray(good)
    for _ in range(data.draw(st.integers(1, 3), label="flips")):
        position = data.draw(st.integers(0, len(flipped) - 1), label="position")
        flipped[position] ^= data.draw(st.integers(1, 255), label="mask")
    try:
        result = delta.apply_checked(base, bytes(flipped), len(old))
    except DeltaError:
        return
    # Whatever it yields is well-formed lines (no line merged into the next).
    assert delta.split_lines(b"".join(result)) == result


# --------------------------------------------------------------------------- bad deltas

BASE = [b"one\n", b"two\n", b"three\n", b"four\n"]
BASE_SIZE = sum(map(len, BASE))


def test_hand_made_delta_is_accepted():
    data = raw_delta(BASE_SIZE, BASE_SIZE + 4, [(1, 2, b"TWO\n"), (3, 3, b"3.5\n")])
    assert delta.decode(data, BASE, BASE_SIZE) == [(1, 2, [b"TWO\n"]), (3, 3, [b"3.5\n"])]
    assert b"".join(delta.apply_checked(BASE, data, BASE_SIZE)) == \
        b"one\nTWO\nthree\n3.5\nfour\n"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"\x07" + raw_delta(BASE_SIZE, BASE_SIZE, [])[1:], "unknown format"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [])[:5], "truncated"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [], width=3), "width"),
    (raw_delta(BASE_SIZE + 1, BASE_SIZE + 1, []), "base of 20 bytes"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(2, 1, b"")]), "after its end"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(3, 5, b"x\n")]), "past the base"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(0, 2, b"x\n"), (1, 3, b"y\n")]), "previous hunk"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(2, 3, b"x\n"), (0, 1, b"y\n")]), "previous hunk"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(1, 1, b"")]), "changes nothing"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(0, 1, b"x"), (2, 3, b"y\n")]), "table says"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(0, 1, b"x\ny"), (2, 3, b"")]), "without newline"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(0, 1, b"x")]), "without newline"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [], count=2**32 - 1), "too short"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [], count=1), "too short"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(0, 1, b"x\n")], new_size=3), "bytes of new lines"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(0, 1, b"x\n")]) + b"\0", "bytes of new lines"),
    (raw_delta(BASE_SIZE, 2**32 - 1, [(0, 1, b"x\n")]), "impossible result size"),
    (raw_delta(BASE_SIZE, BASE_SIZE + 1, []), "impossible result size"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(0, 1, b"x\ny\n")], lines=[1]), "table says"),
    (raw_delta(BASE_SIZE, BASE_SIZE, [(0, 1, b"x\n")], lines=[5]), "new lines in"),
    (raw_delta(BASE_SIZE, BASE_SIZE + 60, [(0, 0, b"x\n" * 30)], fmt=delta.FORMAT_PACKED), "decompress"),
    (raw_delta(BASE_SIZE, 2**31, [(0, 1, b"")], new_size=2**31, fmt=delta.FORMAT_PACKED), "more than its data"),
])
def test_bad_deltas_are_refused(data, message):
    with pytest.raises(DeltaError, match=message):
        delta.decode(data, BASE, BASE_SIZE)
    with pytest.raises(DeltaError, match=message):
        delta.apply_checked(BASE, data, BASE_SIZE)


def test_result_size_is_checked_against_the_base():
    # Replacing "two\n" (4 bytes) by "2\n" (2 bytes): the result is 2 bytes shorter.
    good = raw_delta(BASE_SIZE, BASE_SIZE - 2, [(1, 2, b"2\n")])
    assert b"".join(delta.apply_checked(BASE, good, BASE_SIZE)) == b"one\n2\nthree\nfour\n"
    bad = raw_delta(BASE_SIZE, BASE_SIZE - 1, [(1, 2, b"2\n")])
    delta.decode(bad, BASE, BASE_SIZE)  # the shape is plausible
    with pytest.raises(DeltaError, match="result would be"):
        delta.apply_checked(BASE, bad, BASE_SIZE)


def test_insertion_after_unterminated_last_line_is_refused():
    base = [b"one\n", b"two"]
    data = raw_delta(7, 11, [(2, 2, b"new\n")])
    delta.decode(data, base, 7)  # the shape is fine; the base's last line is the problem
    with pytest.raises(DeltaError, match="no newline"):
        delta.apply_checked(base, data, 7)


def test_delta_error_is_a_corrupt_error():
    from vcs.errors import CorruptError
    with pytest.raises(CorruptError):
        delta.decode(b"", [], 0)


@given(st.lists(st.sampled_from(LINES), max_size=40), st.lists(st.sampled_from(LINES), min_size=1, max_size=20))
@settings(max_examples=150, deadline=None)
def test_encode_append_matches_encode(base, new):
    """The append shortcut (no line diff, only the base's last lines) makes the very delta
    the general encoder makes for the same hunk."""
    base = [line if line.endswith(b"\n") else line + b"\n" for line in base]
    new = delta.split_lines(b"".join(new))  # well-formed lines, the last may lack its newline
    size = sum(map(len, base))
    general = delta.encode(base, [(len(base), len(base), new)], size + sum(map(len, new)))
    short = delta.encode_append(base[-delta.CONTEXT_BEFORE:], len(base), size, new)
    assert short == general
    assert delta.apply_checked(list(base), short, size) == base + new
