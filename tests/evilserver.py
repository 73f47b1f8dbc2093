#!/usr/bin/env python3
"""A hostile vcs server for the tests: run as the ssh command (`VCS_SSH="python
evilserver.py MODE"`), it ignores the host and command ssh would get and answers a
fetch with a forged stream of the kind MODE names (see FORGERIES)."""
import struct
import sys

from vcs.interop.vcs.wire import PROTOCOL, Wire
from vcs.model.objects import Change, Commit, Entry, commit_id, content_id, serialize_commit, serialize_manifest

_VERSION = struct.Struct(">16s16sQQB")
_COMMIT = struct.Struct(">16s?I")


def commit_frame(cid: bytes, record: bytes) -> bytes:
    return _COMMIT.pack(cid, False, len(record)) + record


def commit(files: dict[bytes, bytes], paths=None) -> tuple[bytes, bytes, dict]:
    """A root commit of these files, with its record and its id computed as a real one's."""
    manifest = {p: Entry("f", content_id(d)) for p, d in files.items()}
    changes = tuple(Change(p, manifest[p]) for p in sorted(paths or manifest))
    record = serialize_commit(Commit(parents=(), tree=content_id(serialize_manifest(manifest)), author="Evil <e@x>",
                                     date=0, tz=0, message="evil\n", changes=changes))
    return commit_id(record), record, manifest


def version(oid: bytes, data: bytes, size: int | None = None) -> bytes:
    return _VERSION.pack(oid, bytes(16), len(data) if size is None else size, len(data), 0) + data


def main() -> None:
    mode = sys.argv[1]
    w = Wire(sys.stdin.buffer, sys.stdout.buffer, "client")
    w.recv(b"H")
    w.send(b"H", PROTOCOL + b" push")
    w.flush()
    w.recv(b"Q")
    good = {b"a.txt": b"hello\n"}
    if mode == "dotdot":
        files = {b"../evil.txt": b"owned\n"}
    elif mode == "vcsdir":
        files = {b".VCS/state": b"owned\n"}
    else:
        files = good
    cid, record, manifest = commit(files)
    branch = b"main"
    if mode == "badref":
        branch = b"../../etc/x"
    elif mode == "dashref":
        branch = b"-rf"
    ref = cid if mode != "unsent" else bytes(range(16))
    w.send_lines(b"R", [b"HEAD branch main", b"branch %s %s" % (ref.hex().encode(), branch)])
    frames = [(b"C", commit_frame(cid, record))]
    data = next(iter(files.values()))
    oid = manifest[next(iter(files))].id
    if mode == "badhash":
        frames = [(b"C", commit_frame(cid, record.replace(b"evil", b"good")))]
        frames.append((b"V", version(oid, data)))
    elif mode == "badversion":
        frames.append((b"V", version(oid, b"not what the id says\n")))
    elif mode == "hugesize":
        frames.append((b"V", version(oid, data, size=1 << 60)))
    elif mode == "missing":
        pass  # the commit names a version that never comes
    elif mode != "hugeframe":
        frames.append((b"V", version(oid, data)))
    for kind, payload in frames:
        w.send(kind, payload)
    if mode == "hugeframe":
        sys.stdout.buffer.write(struct.pack(">cI", b"V", 0xFFFFFFF0))
        sys.stdout.buffer.write(b"\0" * 1000)
        sys.stdout.buffer.flush()
        return
    count = sum(1 for k, _ in frames if k == b"C"), sum(1 for k, _ in frames if k == b"V")
    w.send(b"E", struct.pack(">QQ", *count))
    w.flush()
    sys.stdin.buffer.read()


FORGERIES = ("badhash", "badversion", "dotdot", "vcsdir", "hugesize", "hugeframe", "badref", "dashref",
             "missing", "unsent")

if __name__ == "__main__":
    main()
