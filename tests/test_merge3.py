"""Tests of vcs.diff.merge3: each case of a three-way merge, with git's markers; properties
(merging a change with itself, with nothing, with a disjoint change); and real git:
`git merge-file` on generated inputs, `git merge-tree` where histogram diff matters."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcs.diff import merge3
from vcs.diff.delta import split_lines


def merge(base: str, ours: str, theirs: str, style: str = "merge", **kw) -> tuple[str, int]:
    text, count = merge3.merge_texts(base.encode(), ours.encode(), theirs.encode(), style, **kw)
    return text.decode(), count


def chunks(base: bytes, ours: bytes, theirs: bytes, style: str = "merge", alnum: bool = False):
    return merge3.merge_lines(split_lines(base), split_lines(ours), split_lines(theirs),
                              style, alnum)


# --------------------------------------------------------------------------- clean cases

def test_one_side_changed_takes_that_side():
    assert merge("a\nb\nc\n", "a\nB\nc\n", "a\nb\nc\n") == ("a\nB\nc\n", 0)
    assert merge("a\nb\nc\n", "a\nb\nc\n", "a\nb\nC\n") == ("a\nb\nC\n", 0)


def test_both_sides_made_the_same_change_it_is_taken_once():
    assert merge("a\nb\nc\n", "a\nX\nc\nd\n", "a\nX\nc\nd\n") == ("a\nX\nc\nd\n", 0)


def test_changes_apart_are_both_taken():
    base = "1\n2\n3\n4\n5\n"
    assert merge(base, "one\n2\n3\n4\n5\n", "1\n2\n3\n4\nfive\n") == ("one\n2\n3\n4\nfive\n", 0)
    # One unchanged line between the two changes is enough.
    assert merge(base, "1\nTWO\n3\n4\n5\n", "1\n2\n3\nFOUR\n5\n") == ("1\nTWO\n3\nFOUR\n5\n", 0)


def test_deletions():
    base = "a\nb\nc\nd\ne\n"
    assert merge(base, "a\nc\nd\ne\n", "a\nb\nc\nd\nE\n") == ("a\nc\nd\nE\n", 0)
    assert merge(base, "a\nc\nd\ne\n", "a\nc\nd\ne\n") == ("a\nc\nd\ne\n", 0)   # both
    assert merge(base, "", base) == ("", 0)                                      # all of it


def test_the_same_insertion_at_the_same_place_is_clean():
    assert merge("a\nb\n", "a\nnew\nb\n", "a\nnew\nb\n") == ("a\nnew\nb\n", 0)


def test_a_clean_merge_keeps_a_missing_final_newline():
    assert merge("a\nb\nc", "A\nb\nc", "a\nb\nC") == ("A\nb\nC", 0)
    assert merge("a\nb\n", "a\nb\n", "a\nb") == ("a\nb", 0)


def test_crlf_lines_merge_as_they_are():
    assert merge("a\r\nb\r\nc\r\n", "A\r\nb\r\nc\r\n", "a\r\nb\r\nC\r\n") == ("A\r\nb\r\nC\r\n", 0)


def test_empty_files():
    assert merge("", "", "") == ("", 0)
    assert merge("", "new\n", "") == ("new\n", 0)
    assert merge("", "new\n", "new\n") == ("new\n", 0)
    assert merge("old\n", "", "old\n") == ("", 0)


def test_binary_ish_lines_merge_line_by_line():
    base = b"\xff\xfe\n\x00\x01\nplain\n\rlone cr\n"
    ours = b"\xff\xfe changed\n\x00\x01\nplain\n\rlone cr\n"
    theirs = b"\xff\xfe\n\x00\x01\nplain\n\rlone cr\x00\n"
    assert merge3.merge_texts(base, ours, theirs) == (
        b"\xff\xfe changed\n\x00\x01\nplain\n\rlone cr\x00\n", 0)


def test_histogram_cuts_where_gits_merge_cuts():
    # git's histogram diff (whole texts, no indent heuristic) makes base->theirs an
    # insertion of "-", "V" and a deletion of the last V, which ours deleted too: merge-ort
    # gives this (checked with `git merge-tree`), a minimal diff would give "-V-V".
    assert merge("-\nV\nV\nV\n", "-\nV\nV\n", "-\nV\n-\nV\nV\n") == ("-\nV\n-\nV\nV\n", 0)


# ------------------------------------------------------------------------------ conflicts

def test_different_changes_to_the_same_lines_conflict_in_each_style():
    base, ours, theirs = "a\nb\nc\n", "a\nours\nc\n", "a\ntheirs\nc\n"
    assert merge(base, ours, theirs) == (
        "a\n<<<<<<< ours\nours\n=======\ntheirs\n>>>>>>> theirs\nc\n", 1)
    for style in ("diff3", "zdiff3"):
        assert merge(base, ours, theirs, style) == (
            "a\n<<<<<<< ours\nours\n||||||| base\nb\n=======\ntheirs\n>>>>>>> theirs\nc\n", 1)


def test_insertions_at_the_same_place_conflict():
    assert merge("a\nb\n", "a\nX\nb\n", "a\nY\nb\n") == (
        "a\n<<<<<<< ours\nX\n=======\nY\n>>>>>>> theirs\nb\n", 1)


def test_adjacent_changes_conflict_as_in_git():
    # Touching at the boundary (b->B just before c->C) is a conflict for git's merge.
    assert merge("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nC\nd\n") == (
        "a\n<<<<<<< ours\nB\nc\n=======\nb\nC\n>>>>>>> theirs\nd\n", 1)
    # An insertion right after a line the other side changed, likewise.
    assert merge("a\nb\nc\n", "a\nB\nc\n", "a\nb\nnew\nc\n")[1] == 1
    # A deletion next to the other side's change too.
    assert merge("a\nb\nc\nd\n", "a\nc\nd\n", "a\nb\nC\nd\n")[1] == 1


def test_modify_against_delete_conflicts():
    assert merge("a\nb\nc\n", "a\nc\n", "a\nB\nc\n") == (
        "a\n<<<<<<< ours\n=======\nB\n>>>>>>> theirs\nc\n", 1)


def test_zealous_merge_narrows_a_conflict_to_the_lines_that_differ():
    base = "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n"
    ours = "0\nA\nB\nours\nD\nE\n6\n7\n8\n9\n"
    theirs = "0\nA\nB\ntheirs\nD\nE\n6\n7\n8\n9\n"
    assert merge(base, ours, theirs) == (
        "0\nA\nB\n<<<<<<< ours\nours\n=======\ntheirs\n>>>>>>> theirs\nD\nE\n6\n7\n8\n9\n", 1)
    # zdiff3 moves the shared ends out but keeps the whole base.
    assert merge(base, ours, theirs, "zdiff3") == (
        "0\nA\nB\n<<<<<<< ours\nours\n||||||| base\n1\n2\n3\n4\n5\n=======\ntheirs\n"
        ">>>>>>> theirs\nD\nE\n6\n7\n8\n9\n", 1)
    # diff3 shows the conflict as found.
    assert merge(base, ours, theirs, "diff3")[0].startswith("0\n<<<<<<< ours\nA\nB\nours\n")


def test_zealous_merge_joins_conflicts_at_most_three_lines_apart():
    base = "a\nb\nc\nd\ne\nf\ng\nh\n"
    # Both rewrite b..g, sharing c, d, e in the middle: three lines apart, one conflict.
    ours, theirs = "a\nB1\nc\nd\ne\nG1\nh\n", "a\nB2\nc\nd\ne\nG2\nh\n"
    assert merge(base, ours, theirs) == (
        "a\n<<<<<<< ours\nB1\nc\nd\ne\nG1\n=======\nB2\nc\nd\ne\nG2\n>>>>>>> theirs\nh\n", 1)
    # Four shared lines keep them apart.
    ours, theirs = "a\nB1\nc\nd\ne\nf\nG1\nh\n", "a\nB2\nc\nd\ne\nf\nG2\nh\n"
    assert merge(base, ours, theirs)[1] == 2


def test_alnum_joins_conflicts_apart_only_by_punctuation_as_merge_file_does():
    base = "a\nb\nc\nd\ne\nf\ng\nh\n"
    ours, theirs = "a\nB1\n{\n}\n;\n\nG1\nh\n", "a\nB2\n{\n}\n;\n\nG2\nh\n"
    assert merge(base, ours, theirs)[1] == 2
    assert merge(base, ours, theirs, alnum=True)[1] == 1


def test_a_side_without_final_newline_gets_one_before_the_marker():
    assert merge("a\nb\nc", "a\nb\nX", "a\nb\nY") == (
        "a\nb\n<<<<<<< ours\nX\n=======\nY\n>>>>>>> theirs\n", 1)


def test_markers_use_crlf_where_the_files_do():
    assert merge("a\r\nb\r\n", "a\r\nX\r\n", "a\r\nY\r\n") == (
        "a\r\n<<<<<<< ours\r\nX\r\n=======\r\nY\r\n>>>>>>> theirs\r\n", 1)
    # An empty base cannot tell: LF, as git.
    assert merge("", "x\r\n", "y\r\n")[0].startswith("<<<<<<< ours\n")


def test_labels_and_marker_size():
    text, _ = merge3.merge_texts(b"a\n", b"b\n", b"c\n", "diff3", labels=(b"HEAD", b"", b"topic"),
                                 marker_size=3)
    assert text == b"<<< HEAD\nb\n|||\na\n===\nc\n>>> topic\n"


def test_unknown_style_and_side_are_refused():
    with pytest.raises(ValueError):
        merge("a\n", "b\n", "c\n", "rcs")
    with pytest.raises(ValueError):
        merge3.resolve([], "mine")


def test_resolve_takes_one_side_of_every_conflict():
    cs = chunks(b"a\nb\nc\nd\ne\nf\n", b"A\nb\nc\nd\ne\nours", b"T\nb\nc\nd\ne\ntheirs")
    assert len(merge3.conflicts(cs)) == 2 and not merge3.is_clean(cs)
    assert merge3.resolve(cs, "ours") == b"A\nb\nc\nd\ne\nours"
    assert merge3.resolve(cs, "theirs") == b"T\nb\nc\nd\ne\ntheirs"
    # union: ours then theirs; ours' last line gets its end of line.
    assert merge3.resolve(cs, "union") == b"A\nT\nb\nc\nd\ne\nours\ntheirs"


# ----------------------------------------------------------------------------- properties

_lines = st.lists(st.sampled_from([b"a\n", b"b\n", b"\n", b"}\n", b"x\r\n", b"\xff\x00\n"]),
                  max_size=10).map(b"".join)
texts = st.tuples(_lines, st.sampled_from([b"", b"end", b"\r"])).map(b"".join)
styles = st.sampled_from(merge3.STYLES)


@settings(max_examples=100, deadline=None)
@given(texts, texts, styles)
def test_merging_a_change_with_itself_gives_that_change(base, changed, style):
    assert merge3.merge_texts(base, changed, changed, style) == (changed, 0)


@settings(max_examples=100, deadline=None)
@given(texts, texts, styles)
def test_merging_with_no_change_gives_the_other_side(base, changed, style):
    assert merge3.merge_texts(base, base, changed, style) == (changed, 0)
    assert merge3.merge_texts(base, changed, base, style) == (changed, 0)


@st.composite
def disjoint_changes(draw):
    """(base, ours, theirs, expected): unique lines in segments kept apart by a fence line
    neither side touches; each segment is rewritten by ours, by theirs, or left alone."""
    base, ours, theirs, expected = [], [], [], []
    for k in range(draw(st.integers(1, 5))):
        if k:
            for side in (base, ours, theirs, expected):
                side.append(b"fence %d\n" % k)
        old = [b"line %d.%d\n" % (k, i) for i in range(draw(st.integers(0, 3)))]
        new = [b"new %d.%d\n" % (k, i) for i in range(draw(st.integers(0, 3)))]
        who = draw(st.sampled_from(["ours", "theirs", "neither"]))
        base += old
        ours += new if who == "ours" else old
        theirs += new if who == "theirs" else old
        expected += old if who == "neither" else new
    return tuple(b"".join(x) for x in (base, ours, theirs, expected))


@settings(max_examples=100, deadline=None)
@given(disjoint_changes(), styles)
def test_disjoint_changes_merge_cleanly_and_both_are_kept(case, style):
    base, ours, theirs, expected = case
    assert merge3.merge_texts(base, ours, theirs, style) == (expected, 0)


def _sections(text: bytes):
    """Parse rendered markers back: (text with ours' sections, with theirs' sections)."""
    ours, theirs, where = [], [], None
    for line in split_lines(text):
        if line.startswith(b"<<<<<<<"):
            where = "ours"
        elif line.startswith(b"|||||||"):
            where = "base"
        elif line.startswith(b"======="):
            where = "theirs"
        elif line.startswith(b">>>>>>>"):
            where = None
        else:
            if where in (None, "ours"):
                ours.append(line)
            if where in (None, "theirs"):
                theirs.append(line)
    return b"".join(ours), b"".join(theirs)


@settings(max_examples=100, deadline=None)
@given(texts, texts, texts, styles)
def test_the_markers_hold_what_resolve_takes(base, ours, theirs, style):
    # Markers are unambiguous here (no input line starts like one, every line ends).
    base, ours, theirs = (x + b"\n" if x and not x.endswith(b"\n") else x
                          for x in (base, ours, theirs))
    cs = merge3.merge_lines(split_lines(base), split_lines(ours), split_lines(theirs), style)
    text, count = merge3.render(cs, style)
    assert count == len(merge3.conflicts(cs))
    assert _sections(text) == (merge3.resolve(cs, "ours"), merge3.resolve(cs, "theirs"))


# --------------------------------------------------------------------------------- real git

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@st.composite
def unambiguous_edits(draw):
    """(base, ours, theirs) whose diffs every algorithm finds alike (git merge-file diffs
    with Myers, we with histogram): unique base lines, edits that keep their order, new
    lines from per-gap pools taken in order, CRLF and missing final newlines sometimes."""
    n = draw(st.integers(0, 8))
    eol = draw(st.sampled_from([b"\n", b"\n", b"\r\n"]))

    def side():
        lines = []
        for k in range(n + 1):
            pool = [b"%d.new%d" % (k, v) for v in range(3)]
            lines += sorted(draw(st.sets(st.sampled_from(pool), max_size=3)))
            if k < n:
                lines += draw(st.sampled_from([[b"b%d" % k]] * 3 + [[], [b"%d.r" % k]]))
        return lines

    def text(lines):
        data = b"".join(line + eol for line in lines)
        return data[:-len(eol)] if data and draw(st.booleans()) and draw(st.booleans()) else data

    base = [b"b%d" % k for k in range(n)]
    ours = side()
    theirs = ours if draw(st.integers(0, 5)) == 0 else side()
    return text(base), text(ours), text(theirs)


def git_merge_file(tmp_path, base: bytes, ours: bytes, theirs: bytes, *flags: str):
    paths = []
    for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    p = subprocess.run(["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs",
                        *flags, *paths], capture_output=True)
    return p.stdout, p.returncode


@needs_git
@settings(max_examples=30, deadline=None)
@given(unambiguous_edits())
def test_same_bytes_as_git_merge_file(tmp_path_factory, case):
    tmp = tmp_path_factory.mktemp("merge")
    base, ours, theirs = case
    for style in merge3.STYLES:
        flags = () if style == "merge" else ("--" + style,)
        assert merge3.merge_texts(base, ours, theirs, style, alnum=True) == \
            git_merge_file(tmp, base, ours, theirs, *flags), style
    cs = merge3.merge_lines(*map(split_lines, case), "merge", alnum=True)
    for favor in merge3.FAVORS:
        assert (merge3.resolve(cs, favor), 0) == git_merge_file(tmp, base, ours, theirs, "--" + favor)


# Cases where the place the diff cuts decides the merge: merge-ort diffs whole texts with
# histogram and no indent heuristic (vcs diff's defaults would give other results).
HISTOGRAM_CASES = {
    "nonminimal": (b"-\nV\nV\nV\n", b"-\nV\nV\n", b"-\nV\n-\nV\nV\n"),
    "changelog": (b"h\n\nV1\n-\n\nU\n\n\n\nV0\n-\n\nx\n",
                  b"h\n\nV2\n-\n\nU\n\n\nV1\n-\n\nU\n\n\nV0\n-\n\nx\n",
                  b"h\n\nV1\n-\n\nU\n\n-   fix\n\n\nV0\n-\n\nx\n"),
    # With the indent heuristic theirs' insertion moves up against ours': a conflict.
    "indent": (b"def f():\n    x = 1\n", b"    x = 1\ndef f():\n    x = 1\n",
               b"def f():\ndef f():\n    x = 1\n"),
}


@needs_git
def test_same_files_as_git_merge_tree(tmp_path):
    def git(*args):
        return subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, check=True,
                              env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}).stdout

    def commit(side: int, message: str):
        for name, texts in HISTOGRAM_CASES.items():
            (tmp_path / name).write_bytes(texts[side])
        git("add", "-A")
        git("commit", "-q", "-m", message)

    git("init", "-q", "-b", "base")
    commit(0, "base")
    git("checkout", "-q", "-b", "theirs")
    commit(2, "theirs")
    git("checkout", "-q", "-b", "ours", "base")
    commit(1, "ours")
    p = subprocess.run(["git", "merge-tree", "--write-tree", "ours", "theirs"], cwd=tmp_path,
                       capture_output=True)
    if p.returncode not in (0, 1):
        pytest.skip("git merge-tree --write-tree needs git 2.38")
    tree = p.stdout.split()[0].decode()
    for name, (base, ours, theirs) in HISTOGRAM_CASES.items():
        ort = git("cat-file", "-p", f"{tree}:{name}")
        assert merge3.merge_texts(base, ours, theirs) == (ort, 0), name
