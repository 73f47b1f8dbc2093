"""vcs's sync protocol on the wire: frames, and the few messages made of them.

Version 1. Everything is a frame: one type byte, a 4-byte big-endian length, then
that many bytes. A length over MAX_FRAME is refused before anything is read, and a
frame is read in pieces as its bytes arrive, so a forged length allocates nothing.

    H  hello            b"vcs-sync 1" (the server adds its capabilities: b" push")
    Q  request          a command line, then lines: `refs`, `getbundle` (`have ID`...),
                        `unbundle` (`update OLD NEW BRANCH`..., `force 0|1`)
    R  refs             `HEAD branch NAME` or `HEAD none`, `branch ID NAME`, `tag ID NAME`,
                        `head ID` (every visible head: what a pusher may assume is there)
    C  commit           id (16), deflated (1: the record is raw deflate), the record's
                        length (4), then the record (deflated as stored, or as it is)
    V  file version     id (16), base id (16, zeros: whole), size (8), length (8), flags (1),
                        then the payload as stored (vcs.repo.exchange.Version)
    E  end of bundle    commits (8) and versions (8) sent: a cut stream cannot look whole
    S  push statuses    `BRANCH\\tSTATUS` lines
    X  error            the server's message (and `\\nhint` line), for the client to show

A fetch is one round trip: the client sends what it has (its heads and refs, and a
sample of their ancestors), the server answers with its refs and every commit those
reach that none of the client's does (as Mercurial's getbundle). A push asks for the
refs, then sends the bundle and the branch updates in one frame sequence; the server
applies it under its lock in one transaction and answers the statuses.
"""
from __future__ import annotations

import struct

from vcs.errors import StateError
from vcs.repo.exchange import Version

PROTOCOL = b"vcs-sync 1"
MAX_FRAME = (1 << 30) + 64
MAX_LINES = 16 << 20  # a request, refs or statuses frame
_HEAD = struct.Struct(">cI")
_VERSION = struct.Struct(">16s16sQQB")
_END = struct.Struct(">QQ")
_COMMIT = struct.Struct(">16s?I")
MAX_RECORD = 64 << 20
NO_ID = bytes(16)
CHUNK = 1 << 20


class Cut(StateError):
    """The stream ended in the middle (a dropped connection, a killed peer)."""


class Malformed(StateError):
    """The peer sent something this protocol does not have."""


class Wire:
    """Frames over a pair of binary files (pipes, a socket's files)."""

    def __init__(self, rfile, wfile, peer: str = "the remote"):
        self.r, self.w = rfile, wfile
        self.peer = peer
        self._first = b""  # a byte at_end read ahead
        self.sent = 0      # bytes written
        self.received = 0  # bytes read
        self.last_header = b""  # the last frame header read (what a peer that is no vcs sent)

    # -- writing
    def send(self, kind: bytes, payload: bytes = b"") -> None:
        data = _HEAD.pack(kind, len(payload))
        self.w.write(data)
        self.w.write(payload)
        self.sent += len(data) + len(payload)

    def send_lines(self, kind: bytes, lines) -> None:
        self.send(kind, b"".join(line + b"\n" for line in lines))

    def flush(self) -> None:
        self.w.flush()

    def send_items(self, items) -> tuple[int, int]:
        """Write a bundle (vcs.repo.exchange.items) and its end frame."""
        commits = versions = 0
        for item in items:
            if item[0] == "commit":
                _, cid, record, deflated = item
                body = deflated if deflated is not None else record
                self.send(b"C", _COMMIT.pack(cid, deflated is not None, len(record)) + body)
                commits += 1
            else:
                v = item[1]
                self.send(b"V", _VERSION.pack(v.oid, v.base or NO_ID, v.size, v.length, v.flags) + v.stored)
                versions += 1
        self.send(b"E", _END.pack(commits, versions))
        return commits, versions

    # -- reading
    def _read(self, n: int) -> bytes:
        parts, left = [], n
        while left:
            chunk = self.r.read(min(left, CHUNK))
            if not chunk:
                raise Cut(f"the connection to {self.peer} was cut (after {self.received} bytes)",
                          hint="nothing was changed by the part that was cut; try again")
            parts.append(chunk)
            left -= len(chunk)
            self.received += len(chunk)
        return b"".join(parts)

    def at_end(self) -> bool:
        """Whether the peer hung up cleanly, between frames."""
        first = self.r.read(1)
        if not first:
            return True
        self._first = first
        self.received += 1
        return False

    def recv(self, expect: bytes | None = None) -> tuple[bytes, bytes]:
        first, self._first = self._first, b""
        self.last_header = first + self._read(_HEAD.size - len(first))
        kind, length = _HEAD.unpack(self.last_header)
        if expect is not None and kind not in expect and kind != b"X":
            raise Malformed(f"{self.peer} sent a {kind!r} frame where {expect!r} was expected",
                            hint="it is not a vcs server of this version, or it is hostile")
        if length > MAX_FRAME:
            raise Malformed(f"{self.peer} sent a frame of {length} bytes (at most {MAX_FRAME})",
                            hint="it is not a vcs server of this version, or it is hostile")
        payload = self._read(length)
        if kind == b"X":
            message, _, hint = payload.decode("utf-8", "replace").partition("\n")
            raise StateError(f"{self.peer}: {message}", hint=hint or None)
        if expect is not None and kind not in expect:
            raise Malformed(f"{self.peer} sent a {kind!r} frame where {expect!r} was expected",
                            hint="it is not a vcs server of this version, or it is hostile")
        return kind, payload

    def recv_lines(self, expect: bytes) -> list[bytes]:
        _, payload = self.recv(expect)
        if len(payload) > MAX_LINES or (payload and not payload.endswith(b"\n")):
            raise Malformed(f"{self.peer} sent a malformed {expect!r} frame")
        return payload.split(b"\n")[:-1] if payload else []

    def recv_items(self, receiver) -> tuple[int, int]:
        """Read a bundle into a vcs.repo.exchange.Receiver, up to its end frame, which
        must count what arrived."""
        commits = versions = 0
        while True:
            kind, payload = self.recv(b"CVE")
            if kind == b"C":
                if len(payload) < _COMMIT.size:
                    raise Malformed(f"{self.peer} sent a truncated commit frame")
                cid, deflated, length = _COMMIT.unpack_from(payload)
                body = payload[_COMMIT.size:]
                if deflated:
                    receiver.commit(cid, _inflate(body, length, self.peer), body)
                else:
                    receiver.commit(cid, body)
                commits += 1
            elif kind == b"V":
                if len(payload) < _VERSION.size:
                    raise Malformed(f"{self.peer} sent a truncated version frame")
                oid, base, size, length, flags = _VERSION.unpack_from(payload)
                receiver.version(Version(oid, None if base == NO_ID else base, size, flags, length,
                                         payload[_VERSION.size:]))
                versions += 1
            else:
                if len(payload) != _END.size or _END.unpack(payload) != (commits, versions):
                    raise Malformed(f"{self.peer} sent a bundle whose end does not count what came",
                                    hint="nothing was received; try again")
                receiver.end()
                return commits, versions


def _inflate(body: bytes, length: int, peer: str) -> bytes:
    """A commit record sent deflated, inflated to at most the length it declares."""
    import zlib
    if length > MAX_RECORD:
        raise Malformed(f"{peer} sent a commit record of {length} bytes (at most {MAX_RECORD})")
    d = zlib.decompressobj(-15)
    try:
        data = d.decompress(body, length + 1)
    except zlib.error:
        raise Malformed(f"{peer} sent a commit record that does not inflate") from None
    if not d.eof or d.unused_data or len(data) != length:
        raise Malformed(f"{peer} sent a commit record that does not inflate to its length")
    return data


def hex_id(text: bytes, what: str = "id") -> bytes:
    """A 32-hex-digit id from the wire (refused otherwise)."""
    if len(text) != 32:
        raise Malformed(f"malformed {what} {text[:40]!r} in the stream")
    try:
        return bytes.fromhex(text.decode("ascii"))
    except ValueError:
        raise Malformed(f"malformed {what} {text[:40]!r} in the stream") from None


def refs_lines(view) -> list[bytes]:
    """A view's refs as the R frame sends them."""
    def name(n: str) -> bytes:
        return n.encode("utf-8", "surrogateescape")
    out = [b"HEAD branch " + name(view.head_branch) if view.head_branch is not None else b"HEAD none"]
    out += [b"branch %s %s" % (oid.hex().encode(), name(n)) for n, oid in sorted(view.branches.items())]
    out += [b"tag %s %s" % (oid.hex().encode(), name(n)) for n, oid in sorted(view.tags.items())]
    out += [b"head %s" % h.hex().encode() for h in sorted(view.heads)]
    return out


def parse_refs(lines: list[bytes], peer: str):
    """(head branch or None, branches, tags, heads) from an R frame. Names are checked by
    the caller (vcs.porcelain.remote) with the refname rules."""
    head, branches, tags, heads = None, {}, {}, []
    for i, line in enumerate(lines):
        word, _, rest = line.partition(b" ")
        if i == 0:
            if line == b"HEAD none":
                continue
            if not line.startswith(b"HEAD branch "):
                raise Malformed(f"{peer} sent refs that do not start with HEAD")
            head = line[12:].decode("utf-8", "surrogateescape")
        elif word in (b"branch", b"tag"):
            oid, sp, ref = rest.partition(b" ")
            table = branches if word == b"branch" else tags
            name = ref.decode("utf-8", "surrogateescape")
            if not sp or name in table:
                raise Malformed(f"{peer} sent a malformed or repeated {word.decode()} line")
            table[name] = hex_id(oid)
        elif word == b"head":
            heads.append(hex_id(rest))
        else:
            raise Malformed(f"{peer} sent an unknown refs line {line[:40]!r}")
    return head, branches, tags, heads
