"""git's fast-import stream format: its commands, a reader that parses them, and path quoting.

`vcs import` (vcs.interop.git.importer) reads such a stream and `vcs export`
(vcs.interop.git.exporter) writes one. The format (git-fast-import(1)) is a
sequence of commands, each a line, some followed by a block of raw bytes.

    feature done                      the stream ends with `done` (a cut stream is refused)
    blob                              a file's content, named by a mark
    mark :1
    data 6                            exactly 6 bytes follow (an LF after them is optional)
    hello
    commit refs/heads/main            a commit on a branch
    mark :2
    author A U Thor <a@example.com> 1700000000 +0100
    committer C O Mitter <c@example.com> 1700000000 +0100
    data 12
    the message
    from :1                           its first parent: a mark (or a branch name)
    merge :7                          further parents
    M 100644 :1 path/to/file          set a file: mode, content (a mark, or `inline` then
                                      a data block), path
    D path                            delete a file, or a folder and all under it
    R old new                         rename (a file or a folder); C old new: copy
    deleteall                         start the commit's tree from empty
    reset refs/tags/v1                point a ref at a commit (without `from`: a branch that
    from :2                           starts anew)
    tag v2                            an annotated tag
    from :2
    tagger A U Thor <a@example.com> 1700000000 +0100
    data 4
    v2!
    done

Paths are bytes. A path that starts with `"` is C-quoted (`\\"`, `\\\\`, `\\n`, `\\t`,
... and octal `\\303`), which is how a path holding a newline or a quote, or (git's
default, core.quotePath) any non-ASCII byte, is written. `data <<END` (lines up to
END) is read too, though git never writes it.

Reading (`Importer`): commands are applied in stream order. Each commit's tree is
its first parent's tree with the file commands applied in order, with fast-import's
rules (setting `a/b` where a file `a` is replaces it, setting `a` where a folder `a`
is replaces the folder), so each commit's tree is exactly what git had, merges
included (vcs keeps every parent, in git's order). Modes
100644, 100755 and 120000 become vcs's file, executable and symlink; 160000
(a submodule) is skipped with a warning, and the path left without a file. A
path that could escape the working tree (see `objects.path_problem`) stops the
import with an error naming it. A date git fast-import refuses (past 64 bits) stops
it too; a time zone fast-import refuses or `+HHMM` cannot say exactly (`+051800`,
`+0099`, `-0000`) keeps its commit, in +0000 (see `parse_ident`). Marks, branch
tips and tags live only in memory; file contents are held from their `blob`
command until the commit that first stores them.
"""
from __future__ import annotations

import re

from vcs.errors import UsageError
from vcs.model.objects import EXECUTABLE, REGULAR, SYMLINK, parse_date, parse_tz
from vcs.records import record

# Modes fast-import accepts for files (the short forms are legacy), and their vcs kinds.
MODES = {b"100644": REGULAR, b"644": REGULAR, b"100755": EXECUTABLE, b"755": EXECUTABLE, b"120000": SYMLINK}
GITLINK = b"160000"
MAX_DATA = 4 << 30  # vcs stores files up to 4 GiB
MARK_DIGITS = 20  # a mark is a 64-bit number

# A file a commit sets to new content, not yet in the store (an Entry is one that is).
NewFile = record("NewFile", "kind data")

# name and email as bytes; date in seconds since the epoch; tz in minutes east of UTC;
# zone: the time zone as the stream wrote it (not `format_tz(tz)` when vcs changed it).
Ident = record("Ident", "name email date tz zone")

BlobCmd = record("BlobCmd", "mark data line")
# parent: the `from` commit-ish or None; merges: the `merge` ones; ops: file commands.
CommitCmd = record("CommitCmd", "ref mark author committer encoding message parent merges ops line")
TagCmd = record("TagCmd", "name mark target line")
ResetCmd = record("ResetCmd", "ref target line")
AliasCmd = record("AliasCmd", "mark target line")

NOTHING_IMPORTED = "nothing was imported; the repository is as it was"


# -- reading the stream -------------------------------------------------------------

class Reader:
    """The stream's lines and data blocks, with one line of look-back and the line number."""

    def __init__(self, f):
        self.f = f
        self.lineno = 0
        self._back: bytes | None = None
        self._carry = b""  # a byte read after a data block to see whether it was its optional LF

    def line(self) -> bytes | None:
        if self._back is not None:
            line, self._back = self._back, None
            return line
        raw = self._carry + self.f.readline() if self._carry != b"\n" else self.f.readline()
        self._carry = b""
        if not raw:
            return None
        self.lineno += 1
        return raw[:-1] if raw.endswith(b"\n") else raw

    def unread(self, line: bytes) -> None:
        self._back = line

    def need(self) -> bytes:
        """The next line, which the command being read cannot do without."""
        line = self.line()
        if line is None:
            raise self.error("the stream is cut short in the middle of a command")
        return line

    def next_data(self) -> bytes:
        return self.data(self.need())

    def data(self, header: bytes) -> bytes:
        """The bytes of a `data N` or `data <<END` block whose header line was just read."""
        arg = header[5:]
        if header[:5] != b"data " or not arg:
            raise self.error(f"expected a data block, found {_clip(header)}")
        if arg.startswith(b"<<"):
            end, lines = arg[2:], []
            while True:
                line = self.line()
                if line is None:
                    raise self.error(f"the stream ends inside a data block (no line {_clip(end)})")
                if line == end:
                    return b"".join(lines)
                lines.append(line + b"\n")
        if not arg.isdigit():
            raise self.error(f"malformed data length {_clip(arg)}")
        if len(arg) > len(str(MAX_DATA)) or int(arg) > MAX_DATA:  # (int() refuses 4,300 digits)
            raise self.error(f"a data block of {_clip(arg)} bytes is too large", hint="vcs stores files up to 4 GiB")
        n = int(arg)
        data = self.f.read(n)  # (line() has just taken any carried byte: it read the header)
        if len(data) != n:
            raise self.error(f"the stream ends inside a data block ({len(data)} of {n} bytes)")
        self.lineno += data.count(b"\n")
        self._carry = self.f.read(1)  # LF after a block is optional: keep any other byte for line()
        if self._carry == b"\n":
            self.lineno += 1
        return data

    def error(self, what: str, hint: str | None = None) -> UsageError:
        return UsageError(f"line {self.lineno} of the stream: {what}", hint=hint or NOTHING_IMPORTED)


def commands(r: Reader):
    """The stream's commands, one record at a time (blob, commit, tag, reset, alias).

    Commands that need no action here (progress, checkpoint, option, comments) are
    skipped; ones that need an answer from the importer (ls, cat-blob, get-mark)
    are refused. Ends at `done` or at the end of the stream.
    """
    need_done = False
    while True:
        line = r.line()
        if line is None:
            if need_done:
                raise r.error("the stream ends without `done`: it was cut short")
            return
        if not line or line.startswith(b"#"):
            continue
        word, _, arg = line.partition(b" ")
        if word == b"blob":
            mark = _mark(r)
            _skip(r, b"original-oid ")
            yield BlobCmd(mark, r.next_data(), r.lineno)
        elif word == b"commit":
            yield _commit(r, arg)
        elif word == b"tag":
            yield _tag(r, arg)
        elif word == b"reset":
            at = r.lineno
            target = _optional(r, b"from ")
            yield ResetCmd(arg, target, at)
        elif word == b"alias":
            at = r.lineno
            mark = _mark(r)
            target = _optional(r, b"to ")
            if mark is None or target is None:
                raise r.error("`alias` needs a mark and a `to`")
            yield AliasCmd(mark, target, at)
        elif word == b"feature":
            name, _, value = arg.partition(b"=")
            if name == b"done":
                need_done = True
            elif name == b"date-format" and value not in (b"raw", b"raw-permissive"):
                raise r.error(f"unsupported date format {_clip(value)}", hint="export with git's raw dates")
            elif name not in (b"date-format", b"force", b"notes", b"relative-marks", b"no-relative-marks"):
                raise r.error(f"unsupported feature {_clip(arg)}")
        elif word == b"done":
            return
        elif word in (b"progress", b"checkpoint", b"option"):
            continue
        elif word in (b"ls", b"cat-blob", b"get-mark"):
            raise r.error(f"`{word.decode()}` asks the importer for an answer; vcs import cannot give one")
        else:
            raise r.error(f"unknown command {_clip(line)}")


def _commit(r: Reader, ref: bytes) -> CommitCmd:
    at = r.lineno
    mark = _mark(r)
    _skip(r, b"original-oid ")
    author = committer = None
    line = r.need()
    if line.startswith(b"author "):
        author = parse_ident(r, line[7:])
        line = r.need()
    if not line.startswith(b"committer "):
        raise r.error(f"commit {_clip(ref)} has no committer line")
    committer = parse_ident(r, line[10:])
    line = r.need()
    while line.startswith(b"gpgsig "):  # a signature cannot survive the rewrite: drop it
        r.next_data()
        line = r.need()
    encoding = None
    if line.startswith(b"encoding "):
        encoding = line[9:]
        line = r.need()
    message = r.data(line)
    parent = _optional(r, b"from ")
    merges = []
    while (m := _optional(r, b"merge ")) is not None:
        merges.append(m)
    ops = []
    while True:
        line = r.line()
        if not line:  # the end of the stream, or the optional blank line after a commit
            break
        op = _file_op(r, line)
        if op is None:
            r.unread(line)
            break
        ops.append(op)
    return CommitCmd(ref, mark, author, committer, encoding, message, parent, merges, ops, at)


def _file_op(r: Reader, line: bytes):
    """One file command of a commit as a tuple (its code first), or None if `line` is not one."""
    code, _, rest = line.partition(b" ")
    if code == b"M":
        mode, _, rest = rest.partition(b" ")
        ref, _, rest = rest.partition(b" ")
        path = parse_path(r, rest)
        at = r.lineno
        data = r.next_data() if ref == b"inline" else None
        return (b"M", mode, ref, data, path, at)
    if code == b"D":
        return (b"D", parse_path(r, rest), r.lineno)
    if code in (b"R", b"C"):
        src, dst = parse_two_paths(r, rest)
        return (code, src, dst, r.lineno)
    if line == b"deleteall":
        return (b"deleteall", r.lineno)
    if code == b"N":  # a git note: vcs has none
        ref, _, _target = rest.partition(b" ")
        if ref == b"inline":
            r.next_data()
        return (b"N", r.lineno)
    if code == b"ls":
        raise r.error("`ls` asks the importer for an answer; vcs import cannot give one")
    return None


def _tag(r: Reader, name: bytes) -> TagCmd:
    at = r.lineno
    mark = _mark(r)
    target = _optional(r, b"from ")
    if target is None:
        raise r.error(f"tag {_clip(name)} has no `from`")
    _skip(r, b"original-oid ")
    line = r.need()
    if line.startswith(b"tagger "):
        line = r.need()
    r.data(line)  # an annotated tag's message: vcs tags are names only
    return TagCmd(name, mark, target, at)


def _mark(r: Reader) -> int | None:
    line = r.line()
    if line is None or not line.startswith(b"mark "):
        if line is not None:
            r.unread(line)
        return None
    return parse_mark(r, line[5:])


def parse_mark(r: Reader, text: bytes) -> int:
    mark = mark_number(text)
    if not mark:
        raise r.error(f"malformed mark {_clip(text)}")
    return mark


def mark_number(ref: bytes) -> int | None:
    """The number of a mark `:N`, or None if `ref` is none. fast-import's marks are
    64-bit: a longer number is not a mark (nor does it reach int(), which refuses
    numbers of more than 4,300 digits)."""
    digits = ref[1:]
    if ref[:1] != b":" or not 0 < len(digits) <= MARK_DIGITS or not digits.isdigit():
        return None
    return int(digits)


def _optional(r: Reader, prefix: bytes) -> bytes | None:
    """The rest of the next line if it starts with `prefix`, else None (the line is kept)."""
    line = r.line()
    if line is not None and line.startswith(prefix):
        return line[len(prefix):]
    if line is not None:
        r.unread(line)
    return None


def _skip(r: Reader, prefix: bytes) -> None:
    _optional(r, prefix)


def parse_ident(r: Reader, text: bytes) -> Ident:
    """`NAME <EMAIL> SECONDS +HHMM` (the name may be empty) as an Ident.

    A date git fast-import refuses (past 64 bits) is an error: it is the moment
    itself. A time zone is only how it was shown: git stores any digits after a sign
    (a real history has `+051800`), fast-import refuses some and vcs's `+HHMM` cannot
    say others exactly, so such an Ident gets +0000 and keeps the original in `zone`
    (the importer warns).
    """
    lt = text.find(b"<")
    gt = text.find(b">", lt + 1)
    when = text[gt + 1:].split() if gt > 0 else []
    if lt < 0 or len(when) != 2 or not when[0].lstrip(b"-").isdigit():
        raise r.error(f"malformed identity {_clip(text)}", hint="export with git's raw dates")
    date, zone = parse_date(when[0]), when[1]
    if date is None:
        raise r.error(f"the date {_clip(when[0])} is out of range (git fast-import refuses it too)")
    if zone[:1] not in (b"+", b"-") or not zone[1:].isdigit():
        raise r.error(f"malformed time zone {_clip(zone)}")
    return Ident(text[:lt].strip(b" "), text[lt + 1:gt], date, parse_tz(zone) or 0, zone)


# -- paths ------------------------------------------------------------------------------

_UNESCAPE = {ord("a"): 7, ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("v"): 11, ord("f"): 12, ord("r"): 13,
             ord('"'): ord('"'), ord("\\"): ord("\\")}
_ESCAPE = {v: b"\\" + bytes([k]) for k, v in _UNESCAPE.items()}
_NEEDS_QUOTES = re.compile(rb'[\x00-\x1f\x7f"\\]|^ | $')


def unquote(r: Reader, text: bytes) -> tuple[bytes, bytes]:
    """A C-quoted path at the start of `text`: (the path, what follows the closing quote)."""
    out = bytearray()
    i, n = 1, len(text)
    while i < n:
        c = text[i]
        if c == 0x22:  # the closing quote
            return bytes(out), text[i + 1:]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        e = text[i + 1] if i + 1 < n else -1
        if e in _UNESCAPE:
            out.append(_UNESCAPE[e])
            i += 2
        elif 0x30 <= e <= 0x33 and re.fullmatch(rb"[0-3][0-7][0-7]", text[i + 1:i + 4]):
            out.append(int(text[i + 1:i + 4], 8))
            i += 4
        else:
            raise r.error(f"bad escape in the quoted path {_clip(text)}")
    raise r.error(f"unterminated quoted path {_clip(text)}")


def parse_path(r: Reader, text: bytes) -> bytes:
    """The path that is the rest of a line: C-quoted if it starts with `"`, else as is."""
    if text[:1] != b'"':
        return text
    path, rest = unquote(r, text)
    if rest:
        raise r.error(f"unexpected text after the quoted path {_clip(text)}")
    return path


def parse_two_paths(r: Reader, text: bytes) -> tuple[bytes, bytes]:
    """`SOURCE DEST` of R and C: an unquoted source ends at the first space."""
    if text[:1] == b'"':
        src, rest = unquote(r, text)
        if rest[:1] != b" ":
            raise r.error(f"expected a space after the quoted path in {_clip(text)}")
        return src, parse_path(r, rest[1:])
    src, sp, rest = text.partition(b" ")
    if not sp:
        raise r.error(f"expected two paths, found {_clip(text)}")
    return src, parse_path(r, rest)


def quote(path: bytes) -> bytes:
    """A path as fast-import reads it: C-quoted when it holds a control byte, a quote or
    a backslash, or starts or ends with a space; as is otherwise (UTF-8 stays raw)."""
    if not _NEEDS_QUOTES.search(path):
        return path
    out = bytearray(b'"')
    for c in path:
        if c in _ESCAPE:
            out += _ESCAPE[c]
        elif c < 0x20 or c == 0x7F:
            out += b"\\%03o" % c
        else:
            out.append(c)
    out += b'"'
    return bytes(out)


def _clip(text: bytes, n: int = 60) -> str:
    return repr(text[:n])[1:] + ("..." if len(text) > n else "")
