"""Git-style unified patches: pure formatting of one file's change, as bytes.

The output is what `git diff` writes for the file, so that `git apply` and `patch -p1`
turn the old file into the new one byte for byte: the same headers, "index" line (git's
own blob ids, so `git apply` can parse every stanza and check what it patches), path
quoting, hunk grouping, hunk headers (with git's default function-name context) and
"\\ No newline at end of file" markers. Binary files (git's rule: a NUL byte in the
first 8000 bytes) get "Binary files ... differ" and no hunks, or with binary=True git's
binary patch (vcs.diff.binpatch) and full 40-digit ids, which `git apply` needs to apply it.

    is_binary(data)                                   -> bool
    file_patch(old_path, new_path, old, new, old_mode, new_mode, context=3, regions=None,
               binary=False)
    format_hunks(a_lines, b_lines, regions, context=3) -> the @@ hunks alone
    line_counts(old, new, regions=None)               -> (added, removed) lines
"""
from __future__ import annotations

from vcs.diff import delta

_NO_NEWLINE = b"\n\\ No newline at end of file\n"
_DEV_NULL = b"/dev/null"
_BINARY_PROBE = 8000  # git's FIRST_FEW_BYTES
_ABBREV = 7  # git's default abbreviation of the ids in an "index" line
_FULL = 40


def is_binary(data: bytes) -> bool:
    """git's rule: a NUL byte in the first 8000 bytes."""
    return data.find(b"\0", 0, _BINARY_PROBE) != -1


def line_counts(old: bytes, new: bytes,
                regions: list[delta.Region] | None = None) -> tuple[int, int]:
    """(added, removed) line counts of the change from old to new, as in a diffstat.

    Pass the regions of diff(split_lines(old), split_lines(new)) if already computed.
    """
    if regions is None:
        regions = delta.diff(delta.split_lines(old), delta.split_lines(new))
    added = removed = 0
    for a1, a2, b1, b2 in regions:
        removed += a2 - a1
        added += b2 - b1
    return added, removed


# --------------------------------------------------------------------------- paths

def _quote_table() -> list[bytes]:
    # git's quote_c_style with core.quotePath on: control characters, DEL, '"', '\'
    # and every byte >= 0x80 are escaped, the common controls by letter.
    table = [bytes((c,)) for c in range(256)]
    for c in list(range(0x20)) + list(range(0x7F, 0x100)):
        table[c] = b"\\%03o" % c
    for c, letter in zip(b"\a\b\t\n\v\f\r\"\\", b"abtnvfr\"\\"):
        table[c] = b"\\" + bytes((letter,))
    return table


_QUOTED = _quote_table()
_PLAIN = bytes(c for c in range(256) if len(_QUOTED[c]) == 1)


def quote_path(name: bytes) -> bytes:
    """name as git writes it in a patch header: as is, or C-quoted in double quotes."""
    if not name.translate(None, _PLAIN):  # every byte plain (deleting them leaves nothing): in C
        return name
    return b'"' + b"".join(_QUOTED[c] for c in name) + b'"'


def _label(prefix: bytes, path: bytes) -> bytes:
    return quote_path(prefix + path)


# --------------------------------------------------------------------------- patches

def blob_id(data: bytes | None) -> str:
    """git's id of a blob holding data (its sha1 of b"blob SIZE\\0" + data); the null id
    for an absent side."""
    if data is None:
        return "0" * 40
    try:
        from _sha1 import sha1  # CPython's own: hashlib would load OpenSSL (2-10 ms) for it
    except ImportError:
        from hashlib import sha1
    h = sha1(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def _index_line(old: bytes | None, new: bytes | None, old_mode: str, new_mode: str,
                digits: int = _ABBREV) -> bytes:
    """git's "index OLD..NEW [MODE]" line, or b"" when both sides are the same blob;
    the mode only when neither side is absent and the modes agree, as git writes it."""
    a, b = blob_id(old), blob_id(new)
    if a == b:
        return b""
    mode = " " + old_mode if old is not None and new is not None and old_mode == new_mode else ""
    return f"index {a[:digits]}..{b[:digits]}{mode}\n".encode()


def _file_kind(mode: str) -> str:
    # Regular files (either permission), symlinks and gitlinks differ in their type bits;
    # git shows a change of type as a deletion followed by an addition.
    return mode[:-4] if len(mode) > 4 else mode


def file_patch(old_path: bytes | None, new_path: bytes | None,
               old: bytes | None, new: bytes | None,
               old_mode: str | None, new_mode: str | None,
               context: int = 3, regions: list[delta.Region] | None = None,
               binary: bool = False, similarity: int | None = None, copy: bool = False) -> bytes:
    """The patch for one file, as `git diff` writes it.

    A side whose data is None is absent (the file is added or deleted); its path may be
    None too. Paths are repository-relative bytes with '/' separators; modes are git's
    ("100644", "100755", "120000"), None meaning "100644" for a present file. Different
    old and new paths make a rename ("rename from"/"rename to", after git's
    "similarity index N%" line when `similarity` is given), or with `copy` a copy
    ("copy from"/"copy to"); a rename or copy of equal content has no index line. regions, if given, are diff(split_lines(old),
    split_lines(new)). binary=True writes a binary file's change as git's binary patch
    (`git diff --binary`) instead of "Binary files ... differ". Returns b"" when nothing
    differs.
    """
    if old is None and new is None:
        return b""
    old_path = old_path if old_path is not None else new_path
    new_path = new_path if new_path is not None else old_path
    if old_path is None or new_path is None:
        raise ValueError("file_patch needs a path")
    old_mode = old_mode or "100644"
    new_mode = new_mode or "100644"
    if old is not None and new is not None and _file_kind(old_mode) != _file_kind(new_mode):
        return (file_patch(old_path, None, old, None, old_mode, None, context, binary=binary)
                + file_patch(None, new_path, None, new, None, new_mode, context, binary=binary))

    a_path = old_path if old is not None else new_path
    b_path = new_path if new is not None else old_path
    header = [b"diff --git " + _label(b"a/", a_path) + b" " + _label(b"b/", b_path) + b"\n"]
    if old is None:
        header.append(b"new file mode %s\n" % new_mode.encode())
    elif new is None:
        header.append(b"deleted file mode %s\n" % old_mode.encode())
    else:
        if old_mode != new_mode:
            header.append(b"old mode %s\nnew mode %s\n" % (old_mode.encode(), new_mode.encode()))
        if old_path != new_path:
            if similarity is not None:
                header.append(b"similarity index %d%%\n" % similarity)
            word = b"copy" if copy else b"rename"
            header.append(word + b" from " + quote_path(old_path) + b"\n"
                          + word + b" to " + quote_path(new_path) + b"\n")
            if old == new:
                return b"".join(header)
        if len(header) == 1 and old == new:
            return b""

    old_data = old if old is not None else b""
    new_data = new if new is not None else b""
    binary_file = is_binary(old_data) or is_binary(new_data)
    # As git: --binary writes full ids where a side is binary, abbreviated ones elsewhere.
    header.append(_index_line(old, new, old_mode, new_mode,
                              _FULL if binary and binary_file else _ABBREV))
    old_label = _label(b"a/", a_path) if old is not None else _DEV_NULL
    new_label = _label(b"b/", b_path) if new is not None else _DEV_NULL
    if old_data == new_data:
        pass
    elif binary_file and binary:
        from vcs.diff.binpatch import binary_patch
        header.append(binary_patch(old_data, new_data))
    elif binary_file:
        header.append(b"Binary files %s and %s differ\n" % (old_label, new_label))
    else:
        a = delta.split_lines(old_data)
        b = delta.split_lines(new_data)
        if regions is None:
            regions = delta.diff(a, b)
        # git ends a real path containing a space with a tab, for GNU patch's sake.
        old_tab = b"\t" if old is not None and b" " in a_path else b""
        new_tab = b"\t" if new is not None and b" " in b_path else b""
        header.append(b"--- %s%s\n+++ %s%s\n" % (old_label, old_tab, new_label, new_tab))
        header.append(format_hunks(a, b, regions, context))
    return b"".join(header)


# git's default funcname rule: a line starting with an ASCII letter, '_' or '$'.
_FUNCTION_START = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$")


def _range(start: int, count: int) -> bytes:
    # git writes "l" for one line, "l,s" otherwise, and the line before for none.
    if count == 1:
        return b"%d" % (start + 1)
    return b"%d,%d" % (start + 1 if count else start, count)


def _emit(out: list[bytes], prefix: bytes, lines: list[bytes]) -> None:
    if lines:
        out.append(prefix + prefix.join(lines))
        if not lines[-1].endswith(b"\n"):
            out.append(_NO_NEWLINE)


def format_hunks(a: list[bytes], b: list[bytes], regions: list[delta.Region],
                 context: int = 3) -> bytes:
    """The @@ hunks turning lines a into lines b, as git groups and writes them."""
    out: list[bytes] = []
    function = b""
    searched_to = -1
    count = len(regions)
    first = 0
    while first < count:
        # Changes whose contexts would touch or overlap share a hunk.
        last = first
        while last + 1 < count and regions[last + 1][0] - regions[last][1] <= 2 * context:
            last += 1
        a1, _, b1, _ = regions[first]
        _, a2, _, b2 = regions[last]
        s1, s2 = max(a1 - context, 0), max(b1 - context, 0)
        after = min(context, len(a) - a2, len(b) - b2)
        e1, e2 = a2 + after, b2 + after

        # git names the nearest function line above the hunk in the old file, looking
        # back only to where the previous hunk's search started, and otherwise keeps
        # the previous hunk's name.
        for k in range(s1 - 1, searched_to, -1):
            if a[k][0] in _FUNCTION_START:
                function = a[k][:80].rstrip(b" \t\n\r")
                break
        searched_to = s1 - 1
        out.append(b"@@ -%s +%s @@%s\n" % (_range(s1, e1 - s1), _range(s2, e2 - s2),
                                             b" " + function if function else b""))
        position = s2
        for r1, r2, r3, r4 in regions[first:last + 1]:
            _emit(out, b" ", b[position:r3])
            _emit(out, b"-", a[r1:r2])
            _emit(out, b"+", b[r3:r4])
            position = r4
        _emit(out, b" ", b[position:e2])
        first = last + 1
    return b"".join(out)
