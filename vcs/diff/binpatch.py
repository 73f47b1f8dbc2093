"""git's binary patches: what `git diff --binary` writes for a binary file, so that
`git apply` (and `git apply -R`) can make the change. Pure functions on bytes.

A binary stanza's body is "GIT binary patch", a forward hunk (old to new) and a
reverse hunk (new to old). A hunk is "literal SIZE" (the whole result, SIZE bytes)
or "delta SIZE" (a git delta against the other side, SIZE bytes long), deflated
with zlib (git's default level, 1) and written in base85 lines of at most 52 bytes,
each led by its length as a letter ('A'-'Z' for 1-26, 'a'-'z' for 27-52), then an
empty line. As git does, a hunk is a delta only when both sides have bytes and the
deflated delta is smaller than the deflated literal.

git's delta format (its patch-delta.c): the source's size and the target's size as
little-endian base-128 numbers, then opcodes. A byte with the high bit set copies
from the source: its bits 0-3 say which bytes of the offset follow (least
significant first), bits 4-6 which bytes of the size (a size of 0 means 0x10000).
A byte of 1-127 inserts that many following bytes; 0 is reserved.

Our delta is not git's (git indexes 16-byte blocks of the source by a rolling
hash). It diffs the two sides' lines, split at b"\\n" as every diff here is (which
works on any bytes: DESIGN.md), then trims the bytes each changed region has in
common at both ends, so a small change to a large binary makes a small delta.
git applies any valid delta and checks the result against the full blob id of
the "index" line.

    binary_patch(old, new)       -> the body, from "GIT binary patch" on
    make_delta(source, target)   -> a git delta
    apply_delta(source, delta)   -> the target (ValueError if the delta is malformed)
    encode_lines(data)           -> base85 lines with their length letters
    decode_lines(lines)          -> the bytes they hold (ValueError if malformed)
"""
from __future__ import annotations

import zlib

from vcs.diff import delta

_LEVEL = 1          # git's core.compression default (Z_BEST_SPEED) for patches
_LINE_BYTES = 52    # bytes per base85 line
_MAX_INSERT = 127   # bytes one insert opcode carries
_MAX_COPY = 0x10000  # git's encoder copies at most this much per opcode
_MIN_COPY = 4       # a shorter copy costs more than inserting its bytes
_MAX_SOURCE = 1 << 32  # copy offsets are 32 bits


def binary_patch(old: bytes, new: bytes) -> bytes:
    """The stanza body git writes under --binary: a forward and a reverse hunk."""
    return b"GIT binary patch\n" + _hunk(old, new) + _hunk(new, old)


def _hunk(source: bytes, target: bytes) -> bytes:
    literal = zlib.compress(target, _LEVEL)
    if source and target and len(source) < _MAX_SOURCE:
        raw = make_delta(source, target)
        # git gives up a delta larger than the deflated literal before deflating it.
        if len(raw) <= len(literal):
            packed = zlib.compress(raw, _LEVEL)
            # What we write must apply: a delta that does not rebuild the target
            # (a bug here) gives way to the literal, which always does.
            if len(packed) < len(literal) and apply_delta(source, raw) == target:
                return b"delta %d\n" % len(raw) + encode_lines(packed) + b"\n"
    return b"literal %d\n" % len(target) + encode_lines(literal) + b"\n"


# --------------------------------------------------------------------------- base85

def encode_lines(data: bytes) -> bytes:
    """data in git's base85 lines: a length letter, then 5 characters per 4 bytes
    (the last group padded with zero bytes)."""
    from base64 import b85encode  # git's alphabet is RFC 1924's, as Python's
    out = []
    for i in range(0, len(data), _LINE_BYTES):
        chunk = data[i:i + _LINE_BYTES]
        n = len(chunk)
        out.append(bytes((n + 64 if n <= 26 else n + 70,)) + b85encode(chunk, pad=True) + b"\n")
    return b"".join(out)


def decode_lines(lines: list[bytes]) -> bytes:
    """The bytes held by base85 lines as encode_lines writes them (without their
    line endings)."""
    from base64 import b85decode
    out = []
    for line in lines:
        letter = line[:1]
        n = (letter[0] - 64 if b"A" <= letter <= b"Z" else letter[0] - 70
             if b"a" <= letter <= b"z" else 0)
        if n <= 0 or len(line) - 1 != (n + 3) // 4 * 5:
            raise ValueError(f"bad base85 line {line[:20]!r}")
        out.append(b85decode(line[1:])[:n])
    return b"".join(out)


# --------------------------------------------------------------------------- deltas

def _size(n: int) -> bytes:
    """A size as the delta header writes it: 7 bits a byte, least significant first."""
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _common(x: memoryview, y: memoryview, at_end: bool = False) -> int:
    """How many bytes x and y share at their start (or end): a bisection on slice
    comparisons, each a memcmp, not a loop over bytes."""
    lo, hi = 0, min(len(x), len(y))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        same = x[len(x) - mid:] == y[len(y) - mid:] if at_end else x[:mid] == y[:mid]
        lo, hi = (mid, hi) if same else (lo, mid - 1)
    return lo


def _segments(source: bytes, target: bytes) -> list[tuple[int, int, int]]:
    """The target as (start, end, source offset or -1) pieces, in order: each either
    copied from the source or inserted as is."""
    a, b = delta.split_lines(source), delta.split_lines(target)
    a_at, b_at = [0], [0]
    for line in a:
        a_at.append(a_at[-1] + len(line))
    for line in b:
        b_at.append(b_at[-1] + len(line))
    src, tgt = memoryview(source), memoryview(target)
    pieces: list[tuple[int, int, int]] = []
    a_end = b_end = 0
    for a1, a2, b1, b2 in delta.diff(a, b) + [(len(a), len(a), len(b), len(b))]:
        sa, ea, sb, eb = a_at[a1], a_at[a2], b_at[b1], b_at[b2]
        pieces.append((b_at[b_end], sb, a_at[a_end]))  # the lines both sides share
        head = _common(src[sa:ea], tgt[sb:eb])
        tail = _common(src[sa + head:ea], tgt[sb + head:eb], at_end=True)
        pieces.append((sb, sb + head, sa))
        pieces.append((sb + head, eb - tail, -1))
        pieces.append((eb - tail, eb, ea - tail))
        a_end, b_end = a2, b2
    return _merged(pieces)


def _merged(pieces: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Pieces without empty ones, short copies turned into inserts, and neighbours of
    one kind (copies from consecutive source bytes) joined."""
    out: list[tuple[int, int, int]] = []
    for start, end, offset in pieces:
        if end == start:
            continue
        if end - start < _MIN_COPY:
            offset = -1
        if out:
            s, e, o = out[-1]
            if (o == -1 and offset == -1) or (o != -1 and offset == o + e - s):
                out[-1] = (s, end, o)
                continue
        out.append((start, end, offset))
    return out


def _copy(offset: int, size: int) -> bytes:
    op = 0x80
    args = bytearray()
    for i in range(4):
        if offset >> 8 * i & 0xFF:
            op |= 1 << i
            args.append(offset >> 8 * i & 0xFF)
    for i in range(3):
        if size >> 8 * i & 0xFF:
            op |= 0x10 << i
            args.append(size >> 8 * i & 0xFF)
    return bytes((op,)) + args


def make_delta(source: bytes, target: bytes) -> bytes:
    """A git delta that turns source into target. Offsets are 32 bits: a source of
    4 GiB or more is not supported (nor are such files anywhere in vcs)."""
    if len(source) >= _MAX_SOURCE:
        raise ValueError("a delta source must be under 4 GiB")
    out = [_size(len(source)), _size(len(target))]
    for start, end, offset in _segments(source, target):
        if offset == -1:
            for i in range(start, end, _MAX_INSERT):
                chunk = target[i:min(i + _MAX_INSERT, end)]
                out.append(bytes((len(chunk),)) + chunk)
        else:
            for i in range(0, end - start, _MAX_COPY):
                out.append(_copy(offset + i, min(_MAX_COPY, end - start - i)))
    return b"".join(out)


def _read_size(data: bytes, at: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        if at >= len(data):
            raise ValueError("delta header truncated")
        byte = data[at]
        at += 1
        n |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return n, at


def apply_delta(source: bytes, data: bytes) -> bytes:
    """The target a git delta makes of source; like git's patch_delta, it refuses a
    source of the wrong size and any opcode that reaches past its data."""
    size, at = _read_size(data, 0)
    if size != len(source):
        raise ValueError(f"delta is against {size} bytes, the source has {len(source)}")
    size, at = _read_size(data, at)
    out = []
    made = 0
    while at < len(data):
        op = data[at]
        at += 1
        if op & 0x80:
            offset = length = 0
            for i in range(7):
                if op & 1 << i:
                    if at >= len(data):
                        raise ValueError("delta copy opcode truncated")
                    value = data[at] << 8 * (i if i < 4 else i - 4)
                    at += 1
                    if i < 4:
                        offset |= value
                    else:
                        length |= value
            length = length or 0x10000
            if offset + length > len(source):
                raise ValueError("delta copies past the end of its source")
            out.append(source[offset:offset + length])
        elif op:
            if at + op > len(data):
                raise ValueError("delta insert truncated")
            out.append(data[at:at + op])
            at += op
            length = op
        else:
            raise ValueError("delta opcode 0 is reserved")
        made += length
        if made > size:
            raise ValueError("delta makes more than its declared size")
    if made != size:
        raise ValueError(f"delta makes {made} bytes, declared {size}")
    return b"".join(out)
