"""Three-way merge of lines: git's xdl_merge, on vcs's own diff engine. Pure, no IO.

Lines are bytes as vcs.diff.delta.split_lines makes them (each keeps its b"\\n"; the last
may lack it). A merge is a list of chunks: clean lines (a list of bytes), or a
Conflict holding the base, ours and theirs lines of one conflicting region.

    merge_lines(base, ours, theirs, style)          -> chunks
    render(chunks, style, labels, marker_size)      -> (bytes, conflict count)
    resolve(chunks, favor)                          -> bytes, every conflict resolved
    merge_texts(base, ours, theirs, style, ...)     -> (bytes, conflict count)

How it works (git's xdiff/xmerge.c, and Bazaar's merge3 before it). Diff base->ours
and base->theirs (vcs.diff.linediff, as `git merge` diffs: histogram on the whole texts, no
indent heuristic; where a change could be cut in several ways, the cut decides what
touches what), then walk the two lists of changed regions in base order:

- a change that ends before the other side's next change begins is taken from its
  side alone;
- two changes that overlap, or merely touch (one ends at the base line where the other
  begins: two insertions at the same place, an edit right after the other side's),
  conflict, unless they are the same change (the same base lines made the same new
  lines), which is taken once;
- a conflict spans both changes, each side widened through the lines it left alone,
  and a change that touches the previous conflict, in ours' lines or in theirs', joins
  it. Between changes ours is copied: there it equals the base, or theirs.

The style then decides how much of a conflict stays between markers, as in git:

- diff3: all of it, with the base lines between ||||||| and =======;
- zdiff3: the lines ours and theirs share at its start and end move out of the
  markers; the base section is kept whole;
- merge (git's default, XDL_MERGE_ZEALOUS, what `git merge` uses): ours is diffed
  against theirs inside the conflict and only the regions where they differ stay
  conflicts (if they do not differ at all, the conflict is resolved); then conflicts
  at most three lines apart are joined again, as that reads no longer. With alnum
  (`git merge-file`'s level, XDL_MERGE_ZEALOUS_ALNUM) also conflicts apart by lines
  without a letter or digit. The base is not shown.

So a region can be clean in the merge style and a conflict in diff3 (both sides made
the same change, but the diffs cut it differently): decide "clean" with the style
whose answer you want, git's default being merge.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from vcs.diff import linediff
from vcs.diff.delta import split_lines

__all__ = ["Conflict", "Chunk", "STYLES", "FAVORS", "merge_lines", "render", "resolve",
           "merge_texts", "conflicts", "is_clean"]

STYLES = ("merge", "diff3", "zdiff3")
FAVORS = ("ours", "theirs", "union")

# The merge style joins conflicts at most this many lines apart (git's rule).
_JOIN_DISTANCE = 3
_ALNUM = re.compile(rb"[A-Za-z0-9]")  # git's isalnum(): ASCII only, whatever the locale


class Conflict(NamedTuple):
    """One conflicting region. In the merge style a conflict cut out of a larger one
    keeps that one's base lines (the style never shows them)."""
    base: list[bytes]
    ours: list[bytes]
    theirs: list[bytes]
    eol: bytes = b"\n"   # what its marker lines end with: b"\r\n" where the files use CRLF


Chunk = list[bytes] | Conflict

# What a merge record takes. RESOLVED: a conflict whose sides turned out equal; it is
# taken from ours, but unlike lines between records it still keeps conflicts apart.
_OURS, _THEIRS, _CONFLICT, _RESOLVED = range(4)


@dataclass(slots=True)
class _Record:
    """A changed region: base[b0:b1] became ours[o0:o1] and theirs[t0:t1]."""
    kind: int
    b0: int
    b1: int
    o0: int
    o1: int
    t0: int
    t1: int


def merge_lines(base: list[bytes], ours: list[bytes], theirs: list[bytes],
                style: str = "merge", alnum: bool = False) -> list[Chunk]:
    """The merge of the changes base->ours and base->theirs, as chunks.

    Clean lines come as lists of lines (adjacent ones joined), conflicts as Conflict.
    style is one of STYLES (render the chunks with the same one); alnum joins conflicts
    as `git merge-file` does (merge style only).
    """
    if style not in STYLES:
        raise ValueError(f"unknown conflict style {style!r}")
    records = _walk(base, ours, theirs)
    if style == "zdiff3":
        for r in records:
            if r.kind == _CONFLICT:
                _trim(r, ours, theirs)
    elif style == "merge":
        records = _join(_split(records, ours, theirs), ours, alnum)
    return _chunks(records, base, ours, theirs)


def _diff(a: list[bytes], b: list[bytes]) -> list[linediff.Region]:
    """The diff git's merge makes: histogram on the whole texts, no indent heuristic."""
    return linediff.diff(a, b, trim=False, indent_heuristic=False)


def _walk(base, ours, theirs) -> list[_Record]:
    """The changes of both sides in base order, taken alone, taken once or conflicting."""
    ours_changes, theirs_changes = _diff(base, ours), _diff(base, theirs)
    n_base, n_ours, n_theirs = len(base), len(ours), len(theirs)
    records: list[_Record] = []

    def add(kind, b0, b1, o0, o1, t0, t1):
        last = records[-1] if records else None
        if last is not None and (o0 <= last.o1 or t0 <= last.t1):
            # It touches the previous record: one region; of two kinds, a conflict.
            if last.kind != kind:
                last.kind = _CONFLICT
            last.b1, last.o1, last.t1 = b1, o1, t1
        else:
            records.append(_Record(kind, b0, b1, o0, o1, t0, t1))

    i = j = 0
    while i < len(ours_changes) or j < len(theirs_changes):
        o = ours_changes[i] if i < len(ours_changes) else None
        t = theirs_changes[j] if j < len(theirs_changes) else None
        if t is None or (o is not None and o[1] < t[0]):
            # Ours alone; theirs is the base there, shifted by theirs' changes before it.
            shift = t[2] - t[0] if t is not None else n_theirs - n_base
            add(_OURS, o[0], o[1], o[2], o[3], o[0] + shift, o[1] + shift)
            i += 1
            continue
        if o is None or t[1] < o[0]:
            shift = o[2] - o[0] if o is not None else n_ours - n_base
            add(_THEIRS, t[0], t[1], t[0] + shift, t[1] + shift, t[2], t[3])
            j += 1
            continue
        if not (o[0] == t[0] and o[1] == t[1] and ours[o[2]:o[3]] == theirs[t[2]:t[3]]):
            b0, b1 = min(o[0], t[0]), max(o[1], t[1])
            add(_CONFLICT, b0, b1, o[2] - (o[0] - b0), o[3] + (b1 - o[1]),
                t[2] - (t[0] - b0), t[3] + (b1 - t[1]))
        # Move past whichever ends first in the base (both if they end together).
        if o[1] >= t[1]:
            j += 1
        if t[1] >= o[1]:
            i += 1
    return records


def _trim(r: _Record, ours, theirs) -> None:
    """zdiff3: move the lines both sides share at a conflict's ends out of it."""
    while r.o0 < r.o1 and r.t0 < r.t1 and ours[r.o0] == theirs[r.t0]:
        r.o0 += 1
        r.t0 += 1
    while r.o0 < r.o1 and r.t0 < r.t1 and ours[r.o1 - 1] == theirs[r.t1 - 1]:
        r.o1 -= 1
        r.t1 -= 1


def _split(records: list[_Record], ours, theirs) -> list[_Record]:
    """Merge style: a conflict becomes the regions where its ours and theirs differ."""
    out = []
    for r in records:
        if r.kind != _CONFLICT or r.o0 == r.o1 or r.t0 == r.t1:
            out.append(r)
            continue
        regions = _diff(ours[r.o0:r.o1], theirs[r.t0:r.t1])
        if not regions:
            r.kind = _RESOLVED
            out.append(r)
        for x1, x2, y1, y2 in regions:
            out.append(_Record(_CONFLICT, r.b0, r.b1, r.o0 + x1, r.o0 + x2, r.t0 + y1, r.t0 + y2))
    return out


def _join(records: list[_Record], ours, alnum: bool) -> list[_Record]:
    """Merge style: join conflicts that only a few lines (or, with alnum, only lines
    without a letter or digit) keep apart; no record may lie between them."""
    out: list[_Record] = []
    for r in records:
        last = out[-1] if out else None
        if (last is not None and last.kind == r.kind == _CONFLICT
                and (r.o0 - last.o1 <= _JOIN_DISTANCE
                     or alnum and not _ALNUM.search(b"".join(ours[last.o1:r.o0])))):
            last.b1, last.o1, last.t1 = max(last.b1, r.b1), r.o1, r.t1
        else:
            out.append(r)
    return out


def _chunks(records: list[_Record], base, ours, theirs) -> list[Chunk]:
    """The records as chunks: ours between them, each record's side, or a Conflict."""
    chunks: list[Chunk] = []
    clean: list[bytes] = []
    pos = 0
    for r in records:
        clean += ours[pos:r.o0]
        if r.kind == _THEIRS:
            clean += theirs[r.t0:r.t1]
        elif r.kind != _CONFLICT:
            clean += ours[r.o0:r.o1]
        else:
            if clean:
                chunks.append(clean)
                clean = []
            chunks.append(Conflict(base[r.b0:r.b1], ours[r.o0:r.o1], theirs[r.t0:r.t1],
                                   _eol(base, ours, theirs, r.o0, r.t0)))
        pos = r.o1
    clean += ours[pos:]
    if clean:
        chunks.append(clean)
    return chunks


# git writes a conflict's markers with CRLF when ours' line before it, theirs' line
# before it (or each one's first line, for a conflict at the start) and the base's first
# line all end in CRLF; where a side cannot tell (empty, or one line without an end),
# it does not count, and if none can, LF.

def _crlf(lines: list[bytes], i: int) -> int:
    """1 if lines[i] ends in CRLF, 0 if in LF, -1 if it cannot tell (a last line
    without an end of line is judged by the line before it)."""
    if i < len(lines) - 1:
        return lines[i].endswith(b"\r\n")
    if not lines:
        return -1
    if lines[i].endswith(b"\n"):
        return lines[i].endswith(b"\r\n")
    if i == 0:
        return -1
    return lines[i - 1].endswith(b"\r\n")


def _eol(base, ours, theirs, o0: int, t0: int) -> bytes:
    crlf = _crlf(ours, o0 - 1 if o0 else 0)
    if crlf:
        crlf = _crlf(theirs, t0 - 1 if t0 else 0)
    if crlf:
        crlf = _crlf(base, 0)
    return b"\r\n" if crlf == 1 else b"\n"


# ----------------------------------------------------------------------------- output

def render(chunks: list[Chunk], style: str = "merge",
           labels: tuple[bytes, bytes, bytes] = (b"ours", b"base", b"theirs"),
           marker_size: int = 7) -> tuple[bytes, int]:
    """(The merged text with git's conflict markers, the number of conflicts).

    labels name ours, the base and theirs after the markers (an empty label writes the
    marker alone); style is the one the chunks were merged with: merge leaves out the
    base section. Inside markers a side's last line gets an end of line if it lacks one.
    """
    if style not in STYLES:
        raise ValueError(f"unknown conflict style {style!r}")
    if marker_size < 1:
        raise ValueError("marker_size must be at least 1")
    ours_label, base_label, theirs_label = (b" " + label if label else b"" for label in labels)
    out: list[bytes] = []
    count = 0
    for chunk in chunks:
        if not isinstance(chunk, Conflict):
            out += chunk
            continue
        count += 1
        eol = chunk.eol
        out.append(b"<" * marker_size + ours_label + eol)
        out += _ended(chunk.ours, eol)
        if style != "merge":
            out.append(b"|" * marker_size + base_label + eol)
            out += _ended(chunk.base, eol)
        out.append(b"=" * marker_size + eol)
        out += _ended(chunk.theirs, eol)
        out.append(b">" * marker_size + theirs_label + eol)
    return b"".join(out), count


def _ended(lines: list[bytes], eol: bytes) -> list[bytes]:
    """lines, the last one given an end of line if it has none (before a marker)."""
    if lines and not lines[-1].endswith(b"\n"):
        return lines[:-1] + [lines[-1] + eol]
    return lines


def resolve(chunks: list[Chunk], favor: str) -> bytes:
    """The merge with every conflict resolved to ours, theirs, or both (union: ours then
    theirs, ours' last line given an end of line if it lacks one), as `git merge-file
    --ours`, `--theirs` and `--union` write it."""
    if favor not in FAVORS:
        raise ValueError(f"unknown side {favor!r}")
    out: list[bytes] = []
    for chunk in chunks:
        if not isinstance(chunk, Conflict):
            out += chunk
        elif favor == "ours":
            out += chunk.ours
        elif favor == "theirs":
            out += chunk.theirs
        else:
            out += _ended(chunk.ours, chunk.eol)
            out += chunk.theirs
    return b"".join(out)


def conflicts(chunks: list[Chunk]) -> list[Conflict]:
    return [c for c in chunks if isinstance(c, Conflict)]


def is_clean(chunks: list[Chunk]) -> bool:
    return not any(isinstance(c, Conflict) for c in chunks)


def merge_texts(base: bytes, ours: bytes, theirs: bytes, style: str = "merge",
                labels: tuple[bytes, bytes, bytes] = (b"ours", b"base", b"theirs"),
                marker_size: int = 7, alnum: bool = False) -> tuple[bytes, int]:
    """Merge three texts: (the result with conflict markers, the number of conflicts),
    what `git merge-file -p` writes (there alnum=True) and its exit code."""
    chunks = merge_lines(split_lines(base), split_lines(ours), split_lines(theirs), style, alnum)
    return render(chunks, style, labels, marker_size)
