"""Line deltas: split, diff, apply, encode and decode. Pure functions on bytes.

A text is a list of lines split at b"\\n" only, each line keeping its ending (the
last one may lack it), so CRLF, a missing final newline, invalid UTF-8 and binary
data all round-trip exactly. A delta is a sorted list of non-overlapping hunks
(start, end, new_lines): base[start:end] is replaced by new_lines.

    split_lines(data)                             -> lines
    diff(a, b)                                    -> changed regions (vcs.diff.linediff)
    make_hunks(a, b)                              -> hunks that turn a into b
    apply(base, hunks)                            -> new lines (trusts its input)
    encode(base, hunks, result_size)              -> bytes
    decode(data, base, base_size)                 -> hunks, every check but the size
    apply_checked(base, data, base_size, inplace) -> lines, checked against the base

Encoded delta:

    format          1 byte: 2 = new bytes plain, 3 = new bytes deflated
    base_size       4 bytes, little-endian, as all numbers here
    result_size     4 bytes
    hunk_count      4 bytes
    new_size        4 bytes: bytes of all new lines together
    width           1 byte: 1, 2 or 4, the width of the numbers below
    hunk table      hunk_count x (start, end, new line count)
    new bytes       every hunk's new lines, one after the other (format 3: raw
                    deflate, with the base's lines around the hunks as its
                    preset dictionary)

Everything is fixed-width so two struct calls read it, and the new lines are split
once per delta: replaying a long chain costs a few microseconds per delta. The
lines around a change predict the new lines well (a log's next lines look like its
last ones; a binary file's changed line is mostly its old line), so deflating the
new bytes against them makes deltas several times smaller than plain deflate.
"""
from __future__ import annotations

import struct
import zlib
from operator import add, le, sub

from vcs.errors import DeltaError

__all__ = ["Hunk", "Region", "split_lines", "diff", "make_hunks", "apply",
           "encode", "decode", "apply_checked"]

Hunk = tuple[int, int, list[bytes]]  # base[start:end] is replaced by new_lines
Region = tuple[int, int, int, int]   # a[a1:a2] is replaced by b[b1:b2]

FORMAT_PLAIN = 2
FORMAT_PACKED = 3

# The dictionary for format 3: lines before each hunk, the end of what it replaces,
# lines after it; deflate only sees the last 32 KiB. These numbers are part of the
# format: a delta decompresses only with the dictionary it was made with, so
# changing them needs a new format byte (old deltas keep theirs).
CONTEXT_BEFORE = 12
_CONTEXT_REPLACED = 32
_CONTEXT_AFTER = 4
_CONTEXT_LINES = 1024
_WINDOW = 32768
_WIDTHS = {1: "B", 2: "H", 4: "I"}
_HEAD = struct.Struct("<BIIIIB")  # format, base size, result size, hunk count, new size, width
_MAX = 0xFFFFFFFF


def split_lines(data: bytes) -> list[bytes]:
    """Split at b"\\n" only, keeping each line's b"\\n"; b"" gives []."""
    if b"\r" not in data:
        # bytes.splitlines splits at \n, \r and \r\n only: without \r it is our rule, in C.
        return data.splitlines(True)
    lines = data.split(b"\n")
    last = lines.pop()
    lines = [line + b"\n" for line in lines]
    if last:
        lines.append(last)
    return lines


def diff(a: list[bytes], b: list[bytes]) -> list[Region]:
    """Changed regions between two texts' lines (vcs.diff.linediff, imported when first needed:
    reading history never diffs)."""
    from vcs.diff.linediff import diff as linediff
    return linediff(a, b)


def make_hunks(a: list[bytes], b: list[bytes], regions: list[Region] | None = None) -> list[Hunk]:
    """The hunks that turn a into b."""
    return [(a1, a2, b[b1:b2]) for a1, a2, b1, b2 in (diff(a, b) if regions is None else regions)]


def apply(base: list[bytes], hunks: list[Hunk]) -> list[bytes]:
    """The lines of base with each hunk applied; base is left as it was."""
    out: list[bytes] = []
    pos = 0
    for start, end, new in hunks:
        out += base[pos:start]
        out += new
        pos = end
    out += base[pos:]
    return out


# -- encoding ------------------------------------------------------------------------

def _context(base: list[bytes], starts, ends) -> bytes:
    """The preset dictionary: the base's lines around each hunk (the last hunks' first,
    up to _CONTEXT_LINES lines), joined; deflate uses its last 32 KiB."""
    chunks = []
    taken = 0
    n = len(base)
    for start, end in zip(reversed(starts), reversed(ends)):
        lo = start - CONTEXT_BEFORE if start > CONTEXT_BEFORE else 0
        hi = end + _CONTEXT_AFTER if end + _CONTEXT_AFTER < n else n
        if end - start > _CONTEXT_REPLACED:
            chunk = base[lo:start] + base[end - _CONTEXT_REPLACED:hi]
        else:
            chunk = base[lo:hi]
        chunks.append(chunk)
        taken += len(chunk)
        if taken >= _CONTEXT_LINES:
            break
    if len(chunks) == 1:
        return b"".join(chunks[0])[-_WINDOW:]
    lines: list[bytes] = []
    for chunk in reversed(chunks):
        lines += chunk
    return b"".join(lines)[-_WINDOW:]


def encode(base: list[bytes], hunks: list[Hunk], result_size: int, base_size: int | None = None) -> bytes:
    """Serialize hunks against base; the smaller of the plain and the deflated form."""
    if base_size is None:
        base_size = sum(map(len, base))
    return _encode(hunks, base_size, result_size,
                   lambda: _context(base, [s for s, _, _ in hunks], [e for _, e, _ in hunks]))


def encode_append(tail: list[bytes], base_lines: int, base_size: int, new: list[bytes]) -> bytes:
    """The delta that appends `new` lines to a base of base_lines lines, given only the
    base's last CONTEXT_BEFORE lines: a big file that grows at its end is never split
    into lines. Byte for byte what `encode` makes for the same hunk."""
    return _encode([(base_lines, base_lines, new)], base_size, base_size + sum(map(len, new)),
                   lambda: b"".join(tail[-CONTEXT_BEFORE:])[-_WINDOW:])


def _encode(hunks: list[Hunk], base_size: int, result_size: int, dictionary) -> bytes:
    blob = b"".join(line for _, _, new in hunks for line in new)
    biggest = max((max(s, e, len(new)) for s, e, new in hunks), default=0)
    width = 1 if biggest < 1 << 8 else 2 if biggest < 1 << 16 else 4
    if max(base_size, result_size, len(blob)) > _MAX:
        raise ValueError("a line delta handles texts up to 4 GiB")
    table = struct.pack(f"<{3 * len(hunks)}{_WIDTHS[width]}",
                        *[x for s, e, new in hunks for x in (s, e, len(new))])
    fmt, body = FORMAT_PLAIN, blob
    if len(blob) > 16:
        zdict = dictionary()
        c = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict) if zdict \
            else zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = c.compress(blob) + c.flush()
        if len(packed) < len(blob):
            fmt, body = FORMAT_PACKED, packed
    return _HEAD.pack(fmt, base_size, result_size, len(hunks), len(blob), width) + table + body


# -- decoding ------------------------------------------------------------------------

def decode(data: bytes, base: list[bytes], base_size: int) -> list[Hunk]:
    """Parse and validate an encoded delta for `base` (of base_size bytes).

    Raises DeltaError on anything malformed. The check that the result has the
    declared size is in apply_checked.
    """
    starts, ends, counts, new, _, _ = _parse(data, base, base_size)
    hunks: list[Hunk] = []
    at = 0
    for start, end, n in zip(starts, ends, counts):
        hunks.append((start, end, new[at:at + n]))
        at += n
    return hunks


def apply_checked(base: list[bytes], data: bytes, base_size: int, inplace: bool = False,
                  check_size: bool = True) -> list[bytes]:
    """Decode a delta against base (of base_size bytes), check it fits, apply it.

    With inplace, base itself becomes the result (the caller owns it). check_size
    verifies, from the base's lines, that the result has the size the delta
    declares; a replay that checks the final text's hash anyway may skip it.
    """
    starts, ends, counts, new, result_size, added = _parse(data, base, base_size)
    if check_size:
        removed = 0
        for start, end in zip(starts, ends):
            if end > start:
                removed += sum(map(len, base[start:end]))
        if base_size - removed + added != result_size:
            raise DeltaError(f"delta result would be {base_size - removed + added} bytes, "
                             f"but the delta declares {result_size}")
    if starts and base and starts[-1] == len(base) and not base[-1].endswith(b"\n"):
        raise DeltaError("delta inserts lines after a last line that has no newline")
    lines = base if inplace else list(base)
    # Last hunk first, so the positions of the earlier ones still hold.
    at = len(new)
    for start, end, n in zip(reversed(starts), reversed(ends), reversed(counts)):
        lines[start:end] = new[at - n:at]
        at -= n
    return lines


def append_of(data: bytes, base_lines: int, base_size: int, tail: bytes) -> bytes | None:
    """The bytes a delta appends to a base, if it is a pure append; else None.

    The fast path of replay for files that grow at their end (logs, journals): the
    base never has to be split into lines. `tail` is the base's last
    CONTEXT_BEFORE lines (what `_context` would take for a hunk at the end). Every
    check of `_parse` applies; anything unusual returns None for the general path.
    """
    if len(data) < _HEAD.size + 3:
        return None
    fmt, declared_base, result_size, count, added, width = _HEAD.unpack_from(data)
    if count != 1 or fmt not in (FORMAT_PLAIN, FORMAT_PACKED) or width not in _WIDTHS \
            or declared_base != base_size or result_size != base_size + added:
        return None
    pos = _HEAD.size
    if 3 * width > len(data) - pos:
        return None
    start, end, lines = struct.unpack_from(f"<3{_WIDTHS[width]}", data, pos)
    if not (start == end == base_lines and lines) or (base_size and not tail.endswith(b"\n")):
        return None
    body = data[pos + 3 * width:]
    try:
        blob = body if fmt == FORMAT_PLAIN else _inflate(body, added, lambda: tail[-_WINDOW:])
    except zlib.error:
        return None
    if len(blob) != added or blob.count(b"\n") + (blob[-1:] != b"\n") != lines:
        return None
    return blob


def _inflate(body: bytes, added: int, dictionary) -> bytes:
    """A format-3 delta's new bytes: raw deflate against the preset dictionary that
    `dictionary()` makes, at most added + 1 bytes of it. Raises zlib.error if the data
    is bad, ends early or has more after it, or declares more than deflate can make
    of it (about 1032 times its size)."""
    if added > 1032 * len(body) + 64:
        raise zlib.error(f"{added} new bytes declared, more than its data can hold")
    zdict = dictionary()
    d = zlib.decompressobj(-15, zdict) if zdict else zlib.decompressobj(-15)
    blob = d.decompress(body, added + 1)
    if not d.eof or d.unused_data:
        raise zlib.error("trailing or missing data")
    return blob


_TABLES: dict[tuple[int, str], struct.Struct] = {}


def _table(count: int, code: str) -> struct.Struct:
    """The struct for a hunk table of `count` hunks (cached: deltas mostly have a few)."""
    s = _TABLES.get((count, code))
    if s is None:
        s = struct.Struct(f"<{3 * count}{code}")
        if count < 64:
            _TABLES[(count, code)] = s
    return s


def _parse(data: bytes, base: list[bytes], base_size: int):
    """(starts, ends, new line counts, new lines, result size, bytes added), after
    every check that does not need the base's lines summed."""
    if not data:
        raise DeltaError("delta is empty")
    if len(data) < _HEAD.size:
        raise DeltaError("delta is truncated (in its header)")
    fmt, declared_base, result_size, count, added, width = _HEAD.unpack_from(data)
    if fmt not in (FORMAT_PLAIN, FORMAT_PACKED):
        raise DeltaError(f"delta has unknown format {fmt}")
    if declared_base != base_size:
        raise DeltaError(f"delta is for a base of {declared_base} bytes, but the base has {base_size}")
    pos = _HEAD.size
    code = _WIDTHS.get(width)
    if code is None:
        raise DeltaError(f"delta has an unknown number width {width}")
    # Refuse an absurd count before making anything of it.
    if count * 3 * width > len(data) - pos:
        raise DeltaError(f"delta declares {count} hunks but is too short to hold them")
    table = _table(count, code).unpack_from(data, pos)
    pos += 3 * count * width
    if not added <= result_size <= base_size + added or (not count and result_size != base_size):
        raise DeltaError(f"delta declares an impossible result size {result_size}")
    starts, ends, counts = table[0::3], table[1::3], table[2::3]
    n_base = len(base)
    # The whole table at once, in C: each hunk ordered, within the base, after the
    # previous one, and changing something. Any doubt: the slow loop names the hunk.
    if count and not (all(map(le, starts, ends)) and all(map(le, ends[:-1], starts[1:]))
                      and ends[-1] <= n_base and 0 not in map(add, map(sub, ends, starts), counts)):
        _explain(starts, ends, counts, n_base)
    new_lines = sum(counts)
    if new_lines > added:
        raise DeltaError(f"delta declares {new_lines} new lines in {added} bytes")

    body = data[pos:]
    if fmt == FORMAT_PLAIN:
        blob = body
    else:
        # Deflate expands at most about 1032 times: refuse a size it cannot reach.
        if added > 1032 * len(body) + 64:
            raise DeltaError(f"delta declares {added} new bytes, more than its data can hold")
        try:
            blob = _inflate(body, added, lambda: _context(base, starts, ends))
        except zlib.error as e:
            raise DeltaError(f"delta's new lines do not decompress: {e}") from None
    if len(blob) != added:
        raise DeltaError(f"delta has {len(blob)} bytes of new lines, it declares {added}")
    new = split_lines(blob)
    if len(new) != new_lines:
        raise DeltaError(f"delta's new bytes hold {len(new)} lines, its table says {new_lines}")
    # A line without newline must end the result: only the last hunk, reaching the
    # base's end, may end with one, or the lines would not split back.
    if blob and blob[-1] != 0x0A:
        last = max(i for i, n in enumerate(counts) if n)
        if last != count - 1 or ends[-1] != n_base:
            raise DeltaError(f"delta hunk {last + 1} has a line without newline before other lines")
    return starts, ends, counts, new, result_size, added


def _explain(starts, ends, counts, n_base: int) -> None:
    """Raise the DeltaError that names the first bad hunk."""
    previous_end = 0
    for index, (start, end, lines) in enumerate(zip(starts, ends, counts)):
        if start > end:
            raise DeltaError(f"delta hunk {index + 1} starts at line {start}, after its end {end}")
        if end > n_base:
            raise DeltaError(f"delta hunk {index + 1} ends at line {end}, past the base's {n_base} lines")
        if start < previous_end:
            raise DeltaError(f"delta hunk {index + 1} starts at line {start}, "
                             "inside or before the previous hunk")
        if start == end and not lines:
            raise DeltaError(f"delta hunk {index + 1} changes nothing")
        previous_end = end
    raise DeltaError("delta has a malformed hunk table")
