"""Records and their exact byte serialization: content ids, tree listings, commits.

Everything here is pure: bytes in, records out, and back. A record's id is the
xxh3-128 hash of its bytes. Parsing never trusts its input: a malformed record
raises `CorruptError`, and a path that could escape the working tree (absolute,
`..`, into `.vcs/`) is refused on the way in and on the way out.
"""
from __future__ import annotations

import binascii
from binascii import unhexlify

import xxhash

from vcs.errors import CorruptError, UsageError
from vcs.records import record

ObjectId = bytes  # 16 bytes: xxh3-128 of the content
ID_SIZE = 16

# File kinds as stored in a tree listing, and their git modes (for patches and export).
REGULAR, EXECUTABLE, SYMLINK = "f", "x", "l"
GIT_MODES = {REGULAR: "100644", EXECUTABLE: "100755", SYMLINK: "120000"}


def content_id(data: bytes) -> ObjectId:
    return ObjectId(xxhash.xxh3_128_digest(data))


def short(oid: bytes, n: int = 12) -> str:
    return oid.hex()[:n]


# -- paths -------------------------------------------------------------------------

NAME_MAX = 255   # bytes in one path component (ext4, xfs, btrfs, APFS, tmpfs...)
PATH_MAX = 4095  # bytes in a whole path, without its terminating NUL (Linux)


def path_problem(path: bytes) -> str | None:
    """Why `path` may not be stored or written, or None when it is fine.

    Paths are relative to the working tree's root, separated by `/`. Newline and
    carriage return are refused because they would break every line-based listing
    (and every terminal that prints them).
    """
    # The common case in C: nothing suspicious at all (a listing checks every path).
    if path and len(path) <= NAME_MAX and path[:1] not in b"/." and b"/." not in path and b"//" not in path and \
            not path.endswith(b"/") and b"\0" not in path and b"\n" not in path and b"\r" not in path:
        return None
    if not path:
        return "empty path"
    if path.startswith(b"/"):
        return "absolute path"
    for bad, what in ((b"\0", "NUL"), (b"\n", "newline"), (b"\r", "carriage return")):
        if bad in path:
            return f"path contains a {what}"
    parts = path.split(b"/")
    if any(p == b"" for p in parts):
        return "empty path component"
    if any(p in (b".", b"..") for p in parts):
        return "'.' or '..' component"
    if any(p.lower() == b".vcs" for p in parts):
        return "a .vcs component (vcs's own folder, or a repository inside this one)"
    # What no file system vcs writes to can hold: checkout could never write it.
    if len(path) > PATH_MAX:
        return f"the path is {len(path):,} bytes long; the system allows at most {PATH_MAX:,} bytes"
    longest = max(parts, key=len)
    if len(longest) > NAME_MAX:
        return f"a name in it is {len(longest):,} bytes long; file systems allow at most {NAME_MAX} bytes"
    return None


def paths_problem(paths: list[bytes]) -> tuple[bytes, str] | None:
    """The first of many paths that path_problem refuses, with why, or None. For a
    listing read back from a cache: joined by `/`, the common case is checked in a
    few C calls; only a tree with a suspicious name (a dotfile will do) checks each."""
    joined = b"/".join(paths)
    if joined and joined[:1] not in b"/." and b"/." not in joined and b"//" not in joined and \
            not joined.endswith(b"/") and b"\0" not in joined and b"\n" not in joined and b"\r" not in joined \
            and max(map(len, paths)) <= PATH_MAX and max(map(len, joined.split(b"/"))) <= NAME_MAX:
        return None
    for path in paths:
        problem = path_problem(path)
        if problem:
            return path, problem
    return None


def check_path(path: bytes) -> bytes:
    """Refuse a path from the user (on the way in)."""
    problem = path_problem(path)
    if problem:
        raise UsageError(f"cannot track {path!r}: {problem}",
                         hint="rename the file, or leave it untracked")
    return path


def show(path: bytes) -> str:
    """A path as text for messages: undecodable bytes and control characters escaped."""
    text = path.decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def relative(path: bytes, base: bytes) -> bytes:
    """A repository path as seen from the folder `base` (b"" is the root), as git's
    status prints it: `f.txt` for `base/f.txt`, `../top.txt` above it, `.` for `base`."""
    if not base:
        return path
    if path.startswith(base + b"/"):
        return path[len(base) + 1:]
    if path == base:
        return b"."
    up, here = base.split(b"/"), path.split(b"/")
    same = 0
    while same < min(len(up), len(here)) and up[same] == here[same]:
        same += 1
    return b"/".join([b".."] * (len(up) - same) + here[same:])


def _escape(c: str) -> str:
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# -- tree listings (manifests) -------------------------------------------------------

_KIND_BYTES = {b"f": "f", b"x": "x", b"l": "l"}

# A file in a tree listing: kind (REGULAR, EXECUTABLE or SYMLINK) and content id.
Entry = record("Entry", "kind id")


Manifest = dict[bytes, Entry]  # path -> entry


def serialize_manifest(files: Manifest) -> bytes:
    """One line per file, sorted by path: `path NUL hexid kind LF`.

    Sorted lines keep consecutive listings similar, so the listing of a commit
    that changes one file is stored as a one-line delta against its parent's.
    """
    return b"".join(
        b"%s\0%s%s\n" % (path, files[path].id.hex().encode(), files[path].kind.encode())
        for path in sorted(files))


def parse_manifest(data: bytes, name: str = "tree listing") -> Manifest:
    """The listing's files, every line checked: a big tree's listing has tens of
    thousands, so the loop does in C what it can."""
    files: Manifest = {}
    if not data:
        return files
    if not data.endswith(b"\n"):
        raise CorruptError(f"{name} is truncated")
    previous = b""
    new_entry = tuple.__new__
    kinds = _KIND_BYTES
    for line in data[:-1].split(b"\n"):
        path, sep, rest = line.partition(b"\0")
        kind = kinds.get(rest[-1:])
        if not sep or len(rest) != 2 * ID_SIZE + 1 or kind is None:
            raise CorruptError(f"{name} has a malformed line: {line[:80]!r}")
        problem = path_problem(path)
        if problem:
            raise CorruptError(f"{name} names a forbidden path {path!r}: {problem}",
                               hint="the repository was tampered with; do not check it out")
        if path <= previous:
            raise CorruptError(f"{name} is not sorted at {path!r}")
        try:
            oid = unhexlify(rest[:-1])
        except (ValueError, binascii.Error):
            raise CorruptError(f"{name} has a malformed id for {path!r}") from None
        files[path] = new_entry(Entry, (kind, oid))
        previous = path
    # No path may run through a file (`a` and `a/b`): look each folder up.
    for path in files:
        folder = file_on_path(path, files)
        if folder is not None:
            raise CorruptError(f"{name} lists {folder!r} as both a file and a folder",
                               hint="the repository was tampered with; do not check it out")
    return files


def listing_entry(data: bytes, path: bytes, name: str = "tree listing") -> Entry | None:
    """One path's entry in a listing's bytes, found by a search in C instead of parsing
    every line (`cat` of one file in a big tree); its line checked as parse_manifest
    checks each line. None if the listing has no such file."""
    if path_problem(path):
        return None  # no listing holds it (and no search may run across lines)
    key = path + b"\0"
    at = 0 if data.startswith(key) else data.find(b"\n" + key) + 1
    if at == 0 and not data.startswith(key):
        return None
    end = data.find(b"\n", at)
    if end < 0:
        raise CorruptError(f"{name} is truncated")
    rest = data[at + len(key):end]
    kind = _KIND_BYTES.get(rest[-1:])
    if len(rest) != 2 * ID_SIZE + 1 or kind is None:
        raise CorruptError(f"{name} has a malformed line: {data[at:end][:80]!r}")
    try:
        return Entry(kind, ObjectId(unhexlify(rest[:-1])))
    except (ValueError, binascii.Error):
        raise CorruptError(f"{name} has a malformed id for {path!r}") from None


def folders(paths) -> set[bytes]:
    """Every folder above any of `paths` (`a` and `a/b` for `a/b/c`): a path runs
    through a file when one of them is also a path."""
    out: set[bytes] = set()
    for path in paths:
        at = path.rfind(b"/")
        while at > 0 and path[:at] not in out:
            out.add(path[:at])
            at = path.rfind(b"/", 0, at)
    return out


def file_on_path(path: bytes, files) -> bytes | None:
    """The first of path's folders (`a` for `a/b/c`, then `a/b`) that is a file in
    `files` (any container of paths), or None: no path may run through a file."""
    at = path.find(b"/")
    while at != -1:
        if path[:at] in files:
            return path[:at]
        at = path.find(b"/", at + 1)
    return None


# -- commits -----------------------------------------------------------------------

# A file a commit changed: its path and new Entry, or None when the commit removed it.
Change = record("Change", "path entry")

# A commit: its parents' ids (none, one, or two for a merge), the id of its full tree
# listing, the author ("Name <email>"), the author's date (seconds since the epoch) and
# time zone (minutes east of UTC), the message, the files it changed against its first
# parent (a tuple of Change), the committer as (ident, date, tz) when it is not the
# author at the author's date (None for every commit vcs itself makes), and any further
# header lines (name, value) as bytes, kept exactly so that the record hashes the same.
class Commit(record("Commit", "parents tree author date tz message changes committer extra",
                    defaults=((), None, ()))):
    __slots__ = ()

    @property
    def parent(self) -> ObjectId | None:
        """The first parent: the one whose tree the changes apply to."""
        return self.parents[0] if self.parents else None


# Renames and copies a commit records, as further header lines (optional: a commit
# without them reads as before, and an older vcs keeps them as unknown headers):
# `rename SRC<NUL>DST` or `copy SRC<NUL>DST`, one per file, in the order of DST. A
# path holds no NUL, so the pair is unambiguous; the commit's id covers them.
MOVES = (b"rename", b"copy")


def moves(c: Commit) -> dict[bytes, tuple[str, bytes]]:
    """DST -> ("rename" or "copy", SRC) for each move the commit records."""
    out: dict[bytes, tuple[str, bytes]] = {}
    for key, value in c.extra:
        if key in MOVES:
            src, sep, dst = value.partition(b"\0")
            if not sep or path_problem(src) or path_problem(dst) or dst in out or src == dst:
                raise CorruptError(f"a commit's {key.decode()} header is malformed: {value[:60]!r}",
                                   hint="run `vcs verify`")
            out[dst] = (key.decode(), src)
    return out


def move_headers(found: dict[bytes, tuple[str, bytes]]) -> tuple:
    """The header lines (name, value) for `moves`' mapping."""
    return tuple((kind.encode(), src + b"\0" + dst) for dst, (kind, src) in sorted(found.items()))


NO_PARENT = bytes(ID_SIZE)
_PARENT = b"parent "
_PARENT_LINE = len(_PARENT) + 2 * ID_SIZE + 1

# The dates and time zones a commit may hold: what git fast-import accepts (a date of
# at most 64 bits, an offset of at most 14 hours either way) and what `+HHMM` in
# minutes says exactly (minutes under 60), so every one is shown and exported as it
# came in. A date may still be past what a calendar shows (render shows its seconds).
MAX_DATE = (1 << 64) - 1
MAX_TZ = 14 * 60


def parse_date(text: bytes) -> int | None:
    """Seconds since the epoch (`-` allowed), or None when `text` is not a number or
    is out of range; checked by length first, as int() refuses 4,300 digits."""
    digits = text[1:] if text[:1] == b"-" else text
    if not (0 < len(digits) <= 20 and digits.isdigit()):
        return None
    date = int(text)
    return date if -MAX_DATE <= date <= MAX_DATE else None


def parse_tz(text: bytes) -> int | None:
    """Minutes east of UTC from `+HHMM` or `-HHMM`, or None for any other text, minutes
    past 59 or an offset past 14 hours. (`-0000` reads as 0: it is written `+0000`.)"""
    if len(text) != 5 or text[:1] not in (b"+", b"-") or not text[1:].isdigit():
        return None
    minutes = int(text[1:3]) * 60 + int(text[3:5])
    if int(text[3:5]) >= 60 or minutes > MAX_TZ:
        return None
    return -minutes if text[:1] == b"-" else minutes


def local_tz(ts: int) -> int:
    """The local UTC offset at `ts`, in minutes. No real time zone is more than 14 hours
    from UTC, but TZ=X-20 is allowed: git and vcs would not accept such an offset back,
    so it is UTC (+0000) instead (the time itself is exact either way)."""
    import time
    tz = int(time.localtime(ts).tm_gmtoff // 60)
    return tz if abs(tz) <= MAX_TZ else 0


def format_tz(tz: int) -> bytes:
    """`+HHMM` for minutes east of UTC, as git writes a time zone: +0100, -0530."""
    return b"%s%02d%02d" % (b"-" if tz < 0 else b"+", abs(tz) // 60, abs(tz) % 60)


def commit_id(record: bytes) -> ObjectId:
    """A commit's id: the hash of its first parent's id followed by its record without
    that parent's line.

    So a commit with one parent hashes exactly as in format 1, where the parent was
    not in the record (people quote ids; an upgrade must not change one), and every
    parent is covered by the hash: the first as the prefix, any other in the record.
    """
    at = record.find(b"\n") + 1
    if at and record.startswith(_PARENT, at) and record[at + _PARENT_LINE - 1:at + _PARENT_LINE] == b"\n":
        try:
            first = unhexlify(record[at + len(_PARENT):at + _PARENT_LINE - 1])
        except (ValueError, binascii.Error):
            first = b""
        if len(first) == ID_SIZE:
            return content_id(first + record[:at] + record[at + _PARENT_LINE:])
    return content_id(NO_PARENT + record)


def serialize_commit(c: Commit) -> bytes:
    """Header lines, the changed files, a blank line, then the message.

    The changed files, with their new ids, are the tree listing's delta against
    the first parent's: the listing is rebuilt by replaying them from the nearest
    commit whose listing is stored whole. `log PATH` and `stats` read commits only.

        tree HEXID
        parent HEXID       (one line per parent, the first parent first)
        author NAME <EMAIL>
        date SECONDS +HHMM
        committer NAME <EMAIL> SECONDS +HHMM    (only when it is not the author then)
        NAME VALUE         (further headers, kept as they are)
        fHEXID path        (x: executable, l: symlink)
        - path             (removed)

        message
    """
    out = [b"tree %s\n" % c.tree.hex().encode()]
    out += [b"parent %s\n" % p.hex().encode() for p in c.parents]
    out.append(b"author %s\ndate %d %s\n" % (_one_line(c.author), c.date, format_tz(c.tz)))
    if c.committer is not None:
        ident, date, tz = c.committer
        out.append(b"committer %s %d %s\n" % (_one_line(ident), date, format_tz(tz)))
    for name, value in c.extra:
        out.append(b"%s %s\n" % (name, value))
    for ch in c.changes:
        if ch.entry is None:
            out.append(b"- %s\n" % ch.path)
        else:
            out.append(b"%s%s %s\n" % (ch.entry.kind.encode(), ch.entry.id.hex().encode(), ch.path))
    out.append(b"\n")
    out.append(c.message.encode("utf-8", "surrogateescape"))
    return b"".join(out)


def _one_line(text: str) -> bytes:
    return text.replace("\n", " ").replace("\r", " ").encode("utf-8", "surrogateescape")


def _parse_when(text: bytes, name: str = "commit") -> tuple[int, int]:
    """(seconds, minutes east of UTC) from `SECONDS +HHMM`; anything vcs never writes is
    corruption, never a crash later (a date past what a calendar shows is kept)."""
    secs, sep, tz = text.rpartition(b" ")
    when, zone = parse_date(secs), parse_tz(tz)
    if not sep or when is None or zone is None:
        shown = text[:40].decode("ascii", "backslashreplace") + ("..." if len(text) > 40 else "")
        raise CorruptError(f"{name} has a date vcs never writes: {shown}",
                           hint="the repository was tampered with; run `vcs verify`")
    return when, zone


def _is_change(line: bytes) -> bool:
    return line[:2] == b"- " or (len(line) > 2 * ID_SIZE + 1 and line[2 * ID_SIZE + 1:2 * ID_SIZE + 2] == b" "
                                 and line[:1] in b"fxl")


def parse_author(data: bytes, name: str = "commit") -> tuple[str, int, int]:
    """(author, date, minutes east of UTC) of a commit's record, read from its first
    lines only (annotate names hundreds of commits: their changes are not parsed); a
    record this does not read plainly is parsed whole, which says what is wrong."""
    pos = 0
    for _ in range(66):  # the tree, at most 64 parents, the author
        end = data.find(b"\n", pos)
        if end < 0:
            break
        if data.startswith(b"author ", pos):
            stop = data.find(b"\n", end + 1)
            if stop > 0 and data.startswith(b"date ", end + 1):
                when, tz = _parse_when(data[end + 6:stop], name)
                return data[pos + 7:end].decode("utf-8", "surrogateescape"), when, tz
            break
        pos = end + 1
    c = parse_commit(data, name=name)
    return c.author, c.date, c.tz


def parse_commit(data: bytes, parent: ObjectId | None = None, name: str = "commit") -> Commit:
    """A commit from its record. A record of format 1 names no parent: its parent, from
    that format's index, is passed in (and must be None for a record that names its own)."""
    head, sep, message = data.partition(b"\n\n")
    if not sep:
        raise CorruptError(f"{name} is truncated")
    try:
        lines = head.split(b"\n")
        if not lines[0].startswith(b"tree "):
            raise ValueError("the first line is not the tree")
        tree = ObjectId(unhexlify(lines[0][5:]))
        at = 1
        parents = []
        while at < len(lines) and lines[at].startswith(_PARENT):
            parents.append(ObjectId(unhexlify(lines[at][len(_PARENT):])))
            at += 1
        if parent is not None:
            if parents:
                raise ValueError("a record of format 1 names a parent")
            parents = [parent]
        if any(len(p) != ID_SIZE for p in parents) or len(tree) != ID_SIZE:
            raise ValueError("an id of the wrong length")
        author, date = lines[at], lines[at + 1]
        if not (author.startswith(b"author ") and date.startswith(b"date ")):
            raise ValueError("header lines out of order")
        when, tz = _parse_when(date[5:], name)
        at += 2
        committer = None
        extra = []
        while at < len(lines) and not _is_change(lines[at]):
            key, sp, value = lines[at].partition(b" ")
            if not sp or not key or not key.islower() or not key.replace(b"-", b"").isalnum():
                raise ValueError(f"malformed header line {lines[at][:60]!r}")
            if key == b"committer" and committer is None and not extra:
                ident, sp, moment = value.rpartition(b" ")[0].rpartition(b" ")
                if not sp:
                    raise ValueError(f"malformed committer {value[:60]!r}")
                committer = (ident.decode("utf-8", "surrogateescape"),) + _parse_when(value[len(ident) + 1:], name)
            else:
                extra.append((key, value))
            at += 1
        changes = []
        for line in lines[at:]:
            ref, sp, path = line.partition(b" ")
            problem = path_problem(path)
            if problem or not sp:
                raise CorruptError(f"{name} names a forbidden path {path!r}: {problem or 'no path'}")
            if ref == b"-":
                changes.append(Change(path, None))
            elif len(ref) == 2 * ID_SIZE + 1:
                changes.append(Change(path, Entry(_kind(ref[:1]), ObjectId(unhexlify(ref[1:])))))
            else:
                raise ValueError(f"malformed change line {line[:60]!r}")
        return Commit(
            parents=tuple(parents), tree=tree,
            author=author[7:].decode("utf-8", "surrogateescape"),
            date=when, tz=tz,
            message=message.decode("utf-8", "surrogateescape"),
            changes=tuple(changes), committer=committer, extra=tuple(extra))
    except (ValueError, IndexError, UnicodeDecodeError, binascii.Error) as e:
        raise CorruptError(f"{name} is malformed ({type(e).__name__}: {e})") from None


def changed_versions(data: bytes) -> list[tuple[bytes, ObjectId]]:
    """(path, version id) of each file a commit record sets, without parsing the rest:
    what a sync sends with a commit it read from its own store (the receiver parses
    and checks the whole record). The change lines are found as parse_commit finds them:
    the header lines end at the first line that reads as a change."""
    head = data[:data.find(b"\n\n")]
    out = []
    changes = False
    for line in head.split(b"\n")[1:]:
        if changes or _is_change(line):
            changes = True
            if line[:2] != b"- ":
                out.append((line[2 * ID_SIZE + 2:], ObjectId(unhexlify(line[1:2 * ID_SIZE + 1]))))
    return out


def apply_changes(files: Manifest, changes: tuple[Change, ...]) -> None:
    """Replay a commit's changes on its parent's listing (in place).

    A path may not run through a file (`a` and `a/b` at once): a checkout would have to
    write through it, and if `a` were a symlink, outside the tree.
    """
    for ch in changes:
        if ch.entry is None:
            files.pop(ch.path, None)
            continue
        if ch.path not in files:
            folder = file_on_path(ch.path, files)
            if folder is not None:
                raise CorruptError(f"a commit lists {folder!r} as both a file and a folder",
                                   hint="the repository was tampered with; do not check it out")
        files[ch.path] = ch.entry


def replay_listing(files: Manifest, commits, name: str) -> None:
    """Rebuild a tree listing: replay each commit's changes on its first parent's listing
    (in place), then check the result against the last commit's tree id. The one place
    a listing is rebuilt (for any revision, and by verify)."""
    for c in commits:
        apply_changes(files, c.changes)
    if content_id(serialize_manifest(files)) != c.tree:
        raise CorruptError(f"{name} rebuilds to the wrong content", hint="run `vcs verify`")


def _kind(b: bytes) -> str:
    kind = b.decode("ascii")
    if kind not in GIT_MODES:
        raise ValueError(f"unknown file kind {kind!r}")
    return kind
