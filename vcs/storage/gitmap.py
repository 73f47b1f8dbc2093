"""The map between vcs commit ids and git commit ids: `.vcs/git/map`.

A commit that came from a git remote keeps its git id, and a commit made here gets one
at its first push and keeps it: the git transport (vcs.interop.git.remote) appends a
pair for each, and reads the map to send a commit back as the very git commit it was
(a signature, an encoding, a time zone vcs does not store exactly go back as they came)
and to know which commits git has already. `vcs show 2c8cd3ac` looks git ids up here
(vcs.repo.revisions).

    vcs-git-map 1\\n          the header (14 bytes)
    VCSID GITID CHECK        40-byte records: 16 bytes of vcs id, 20 of git id (SHA-1),
    ...                      the xxh32 of those 36

Append-only and written outside the repository's state: pairs are appended and fsynced
before the transaction that stores their commits commits, so a pair may name a vcs
commit that a killed or failed fetch never stored. Readers therefore trust a pair only
for a commit the store has (`pairs(known)`); such a leftover is harmless, and the next
fetch brings the commit again. The map is optional: a repository without one (older, or
one that never met git) has no git ids. A record whose checksum fails is corruption,
except the last when it is a torn write (a crash mid-append): it is ignored, and the
next writer cuts it off.
"""
from __future__ import annotations

import os

import xxhash

from vcs import faults
from vcs.errors import CorruptError
from vcs.storage.log import _named, _pwrite_all, fsync_dir, make_folder, owner_can_use

HEADER = b"vcs-git-map 1\n"
RECORD = 40
VCS_ID, GIT_ID = 16, 20


def _record(vcs_id: bytes, git_id: bytes) -> bytes:
    body = vcs_id + git_id
    return body + xxhash.xxh32_intdigest(body).to_bytes(4, "big")


class GitMap:
    """The pairs of one read of the map. `to_git` keeps the first git id a vcs commit got
    (two git commits can import as one vcs commit when they differ only in what vcs does
    not keep, a signature); `to_vcs` every git id."""

    def __init__(self, pairs: list[tuple[bytes, bytes]], problems: list[str] | None = None):
        self.to_git: dict[bytes, bytes] = {}
        self.to_vcs: dict[bytes, bytes] = {}
        for vcs_id, git_id in pairs:
            self.to_git.setdefault(vcs_id, git_id)
            self.to_vcs[git_id] = vcs_id
        self.problems = problems or []

    def __len__(self) -> int:
        return len(self.to_vcs)

    def known(self, has_commit) -> GitMap:
        """The pairs whose vcs commit the store has (`has_commit(vcs_id)`)."""
        return GitMap([(v, g) for g, v in self.to_vcs.items() if has_commit(v)])


def parse(data: bytes, path: str) -> tuple[list[tuple[bytes, bytes]], int, list[str]]:
    """(the pairs, the length of the good part, problems) of a map file's bytes.

    Raises CorruptError for a file that is no map at all (a wrong header)."""
    if not data:
        return [], 0, []
    if not data.startswith(HEADER):
        if HEADER.startswith(data):  # a crash while the header was written
            return [], 0, []
        raise CorruptError(f"{path} is not a git id map (its header is wrong)",
                           hint="run `vcs verify`; remove the file to forget the git ids (the next fetch "
                                "maps the commits that came from git again)")
    pairs, problems = [], []
    body = data[len(HEADER):]
    whole = len(body) - len(body) % RECORD
    good = len(HEADER)
    for at in range(0, whole, RECORD):
        rec = body[at:at + RECORD]
        if xxhash.xxh32_intdigest(rec[:36]).to_bytes(4, "big") != rec[36:]:
            if at + RECORD == whole:
                break  # the last record, torn by a crash
            problems.append(f"{path}: record {at // RECORD} fails its checksum")
            continue
        pairs.append((rec[:VCS_ID], rec[VCS_ID:36]))
        good = len(HEADER) + at + RECORD
    return pairs, good, problems


def read(path: str) -> GitMap:
    """The map at `path` (empty if there is none). A damaged record is an error."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return GitMap([])
    pairs, _, problems = parse(data, path)
    if problems:
        raise CorruptError(problems[0], hint="run `vcs verify`; remove the file to forget the git ids (the next "
                                             "fetch maps the commits that came from git again)")
    return GitMap(pairs)


def check(path: str) -> list[str]:
    """Every problem of the map at `path`, for `vcs verify`."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    try:
        return parse(data, path)[2]
    except CorruptError as e:
        return [e.message]


def append(path: str, pairs: list[tuple[bytes, bytes]]) -> None:
    """Append pairs (vcs id, git id) and fsync them. A torn tail is cut off first."""
    if not pairs:
        return
    for vcs_id, git_id in pairs:
        if len(vcs_id) != VCS_ID or len(git_id) != GIT_ID:
            raise ValueError("internal: a git map pair has ids of the wrong size")
    folder = os.path.dirname(path)
    make_folder(folder)
    created = not os.path.exists(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        owner_can_use(fd)
        size = os.fstat(fd).st_size
        data = os.pread(fd, size, 0) if size else b""
        _, good, problems = parse(data, path)
        if problems:
            raise CorruptError(problems[0], hint="run `vcs verify`; nothing was written")
        out = b"" if good else HEADER
        out += b"".join(_record(v, g) for v, g in pairs)
        faults.io("write", path)
        _named(path, _pwrite_all, fd, out, good)
        if good + len(out) < size:
            os.ftruncate(fd, good + len(out))
        faults.step("gitmap:written")
        faults.io("fsync", path)
        _named(path, os.fsync, fd)
        faults.step("gitmap:synced")
    finally:
        os.close(fd)
    if created:
        fsync_dir(folder)
