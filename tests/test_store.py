"""The store's contract, run against the log on disk and its in-memory twin; the
records' serialization; the storage policy."""
from __future__ import annotations

import os

import pytest

from vcs.storage import objects as history
from vcs.errors import CorruptError
from vcs.storage.objects import Objects, store_whole
from vcs.model.objects import (Change, Commit, Entry, commit_id, content_id, parse_commit, parse_manifest,
                         path_problem, serialize_commit, serialize_manifest)
from vcs.storage.log import ENTRY_SIZE, NO_BASE, Info, Log, MemoryLog


@pytest.fixture(params=["memory", "disk"])
def make_log(request, tmp_path):
    """A factory of logs; `reopen(log)` gives the same log as a new process would see it."""
    if request.param == "memory":
        return lambda: MemoryLog("objects"), lambda log: log
    d = str(tmp_path)

    def new():
        return Log(d, "objects", 0, 0, writable=True)

    def reopen(log):
        n, size = log.flush()
        log.close()
        return Log(d, "objects", n, size, writable=False)
    return new, reopen


def test_append_and_read_back(make_log):
    new, reopen = make_log
    log = new()
    payloads = [b"", b"x", b"hello world\n" * 100, bytes(range(256)) * 10]
    infos = [log.append(content_id(p), p) for p in payloads]
    log = reopen(log)
    assert len(log) == len(payloads)
    for info, p in zip(infos, payloads):
        got = log.info(info.n)
        assert got == info and got.id == content_id(p) and got.size == len(p)
        assert log.payload(got) == p
    assert [log.payload(i) for i in infos] == log.payloads(infos) == payloads
    assert log.find(content_id(b"x")) == 1 and log.find(b"\0" * 16) is None
    assert log.ids()[content_id(b"")] == 0


def test_compression_only_where_it_helps(make_log):
    new, reopen = make_log
    log = new()
    small = log.append(content_id(b"ab"), b"ab")
    big = log.append(content_id(b"a" * 10000), b"a" * 10000)
    assert small.stored == 2 and big.stored < 100
    log = reopen(log)
    assert log.payload(log.info(1)) == b"a" * 10000


def test_chain_fields_and_bounds(make_log):
    new, _ = make_log
    log = new()
    a = log.append(b"a" * 16, b"whole")
    b = log.append(b"b" * 16, b"delta", base=a.n, depth=1, chain=a.chain, delta=True, size=99)
    assert (b.base, b.depth, b.chain, b.size, b.is_delta) == (0, 1, a.stored + b.stored, 99, True)
    assert not a.is_delta and a.base == NO_BASE
    with pytest.raises(CorruptError, match="does not exist"):
        log.info(2)


def test_rollback_forgets_pending_and_flushed(tmp_path):
    d = str(tmp_path)
    log = Log(d, "objects", 0, 0, writable=True)
    log.append(b"a" * 16, b"first")
    n, size = log.flush()
    log.append(b"b" * 16, b"second")
    log.flush()
    log.rollback(n, size)
    log.close()
    assert os.path.getsize(os.path.join(d, "objects.idx")) == ENTRY_SIZE
    again = Log(d, "objects", n, size, writable=True)
    assert len(again) == 1 and again.payload(again.info(0)) == b"first"


def test_bytes_past_the_committed_end_are_ignored_then_truncated(tmp_path):
    d = str(tmp_path)
    log = Log(d, "objects", 0, 0, writable=True)
    log.append(b"a" * 16, b"committed")
    n, size = log.flush()
    log.append(b"b" * 16, b"a crashed writer's record")
    log.flush()
    log.close()
    reader = Log(d, "objects", n, size)
    assert len(reader) == 1 and reader.find(b"b" * 16) is None
    Log(d, "objects", n, size, writable=True)  # a writer truncates the tail
    assert os.path.getsize(os.path.join(d, "objects.dat")) == size


def test_every_flipped_bit_of_an_entry_or_payload_is_caught(tmp_path):
    d = str(tmp_path)
    log = Log(d, "objects", 0, 0, writable=True)
    log.append(content_id(b"payload " * 20), b"payload " * 20)
    n, size = log.flush()
    log.close()
    for name, length in (("objects.idx", ENTRY_SIZE), ("objects.dat", size)):
        path = os.path.join(d, name)
        for byte in range(length):
            for bit in (0, 3, 7):
                data = bytearray(open(path, "rb").read())
                data[byte] ^= 1 << bit
                open(path, "wb").write(data)
                with pytest.raises(CorruptError):
                    r = Log(d, "objects", n, size)
                    r.payload(r.info(0))
                data[byte] ^= 1 << bit
                open(path, "wb").write(data)


def test_objects_content_addressed_with_collision_check(make_log):
    new, _ = make_log
    objects = Objects(new(), "auto")
    a, added = objects.put(b"line\n" * 100)
    assert added
    again, added = objects.put(b"line\n" * 100)
    assert again == a and not added
    b, _ = objects.put(b"line\n" * 99 + b"changed\n", a)
    assert objects.info(b).is_delta and objects.read(b) == b"line\n" * 99 + b"changed\n"
    # a forced collision: content whose (patched) id is already taken by other bytes
    real = history.content_id
    history.content_id = lambda data: a if data == b"impostor" else real(data)
    try:
        from vcs.errors import StateError
        with pytest.raises(StateError, match="collision"):
            objects.put(b"impostor")
    finally:
        history.content_id = real


def _info(depth=0, chain=100, size=10_000):
    return Info(0, b"x" * 16, 0, 100, 100, size, NO_BASE, depth, chain, 0, 0)


def test_policy_rules():
    assert store_whole("full", 10_000, _info())
    assert store_whole("auto", 10_000, None) and store_whole("delta", 10_000, None)
    assert not store_whole("delta", 10_000, _info(depth=10_000), 9_999)   # however long
    assert not store_whole("auto", 10_000, _info(), 100)
    assert store_whole("auto", 10_000, _info(), 5_000)                   # not clearly smaller
    assert store_whole("auto", 10_000, _info(chain=19_950), 100)         # reads > 2x the text
    cap = history.max_chain(10_000)
    assert not store_whole("auto", 10_000, _info(depth=cap - 1))        # before the diff: depth alone
    assert store_whole("auto", 10_000, _info(depth=cap))                # replay too long
    assert not store_whole("auto", 10_000, _info(depth=cap // 2), 100)
    budget = history.REPLAY_RATIO * history.whole_us(10_000)
    heavy = int((budget - (cap // 2 + 1) * history.DELTA_US) * 1000 / history.DELTA_NS_PER_BYTE) + 1
    assert store_whole("auto", 10_000, _info(depth=cap // 2, chain=heavy), 1)  # replay too heavy
    assert store_whole("auto", history.LARGE_TEXT + 1, _info(), 100)
    assert history.max_chain(0) >= 1 and history.max_chain(10**9) == history.MAX_CHAIN
    assert history.max_chain(200_000) > history.max_chain(20_000)


def test_manifest_round_trip_and_refusals():
    files = {b"a.txt": Entry("f", b"1" * 16), b"dir/run.sh": Entry("x", b"2" * 16),
             b"link": Entry("l", b"3" * 16), "caf\u00e9 and space".encode(): Entry("f", b"4" * 16)}
    data = serialize_manifest(files)
    assert parse_manifest(data) == files
    for bad in (b"../x\0" + b"00" * 16 + b"f\n", b"/abs\0" + b"00" * 16 + b"f\n",
                b".VCS/x\0" + b"00" * 16 + b"f\n", b"a//b\0" + b"00" * 16 + b"f\n",
                b"b\0" + b"00" * 16 + b"f\na\0" + b"00" * 16 + b"f\n",       # unsorted
                b"a\0" + b"00" * 16 + b"f\na/b\0" + b"00" * 16 + b"f\n",     # file and folder
                b"a\0" + b"00" * 16 + b"q\n", b"a\0" + b"zz" * 16 + b"f\n", b"a\0" + b"00" * 16 + b"f"):
        with pytest.raises(CorruptError):
            parse_manifest(bad)


def test_commit_round_trip():
    c = Commit(parents=(b"p" * 16,), tree=b"t" * 16, author="Ada <ada@x>", date=1_700_000_000, tz=-330,
               message="subject\n\nbody [bold] \u00e9", changes=(Change(b"a", Entry("x", b"1" * 16)),
                                                               Change(b"gone file", None)))
    record = serialize_commit(c)
    assert parse_commit(record) == c
    assert commit_id(record) != commit_id(serialize_commit(c._replace(parents=(b"q" * 16,))))
    for bad in (record[:20], record.replace(b"tree ", b"tre "), record.replace(b"date ", b"date x"),
                record.replace(b" gone file", b" ../x"), record.replace(b"parent 7070", b"parent 70")):
        with pytest.raises(CorruptError):
            parse_commit(bad)


def test_a_merge_and_a_committer_round_trip_and_every_parent_is_hashed():
    one = Commit(parents=(b"p" * 16,), tree=b"t" * 16, author="Ada <ada@x>", date=1_700_000_000, tz=60,
                 message="m", changes=())
    merge = one._replace(parents=(b"p" * 16, b"q" * 16), committer=("Bob <b@y>", 1_700_000_100, -420),
                         extra=((b"encoding", b"ISO-8859-1"),))
    for c in (one, merge, one._replace(parents=())):
        assert parse_commit(serialize_commit(c)) == c
    ids = {commit_id(serialize_commit(c)) for c in
           (merge, merge._replace(parents=(b"p" * 16, b"r" * 16)), merge._replace(parents=(b"q" * 16, b"p" * 16)),
            merge._replace(committer=None), one)}
    assert len(ids) == 5


def test_a_one_parent_commit_hashes_as_in_format_1():
    """Format 1 kept the parent out of the record and hashed it in front of it: ids
    people quoted must not change when the record gains its parent line."""
    c = Commit(parents=(b"p" * 16,), tree=b"t" * 16, author="Ada <ada@x>", date=1, tz=0, message="m",
               changes=(Change(b"a", Entry("f", b"1" * 16)),))
    record = serialize_commit(c)
    format1 = record.replace(b"parent " + (b"p" * 16).hex().encode() + b"\n", b"")
    assert commit_id(record) == content_id(b"p" * 16 + format1)
    assert parse_commit(format1, b"p" * 16) == c
    root = c._replace(parents=())
    assert commit_id(serialize_commit(root)) == content_id(bytes(16) + serialize_commit(root))


@pytest.mark.parametrize("path, ok", [
    (b"a", True), (b"dir/file.txt", True), (b"with space", True), (b"esc\x1bape", True),
    (b"", False), (b"/abs", False), (b"a/../b", False), (b"./a", False), (b".vcs/x", False),
    (b".Vcs/x", False), (b"a/.vcs/x", False), (b"a/.VCS", False), (b"a/.vcsx", True), (b"a//b", False), (b"a\0b", False), (b"a\nb", False),
    (b"a\rb", False), (b"a/", False),
])
def test_path_rules(path, ok):
    assert (path_problem(path) is None) == ok


@pytest.mark.parametrize("seed", range(6))
def test_append_fast_path_gives_the_same_bytes(seed):
    """Replaying appends on bytes (the fast path) and on lines give the same texts,
    including when appends and edits mix, a version lacks a final newline, or is empty."""
    import random
    rng = random.Random(seed)
    objects = Objects(MemoryLog(), "delta")
    text = b"" if seed % 2 else b"first line\n"
    versions = []
    base = None
    for v in range(60):
        r = rng.random()
        if r < 0.7:
            text += b"".join(b"log %d %d %s\n" % (v, i, rng.randbytes(6).hex().encode()) for i in range(rng.randint(1, 5)))
        elif r < 0.8 and text:
            text = text[:-1] if text.endswith(b"\n") else text + b"\n"   # final newline comes and goes
        elif r < 0.9:
            lines = text.split(b"\n")
            lines[rng.randrange(len(lines))] = b"edited %d" % v
            text = b"\n".join(lines)
        else:
            text = b""
        oid, _ = objects.put(text, base)
        versions.append((oid, text))
        base = oid
    for oid, want in versions:
        fresh = Objects(objects.log, "delta")
        assert fresh.read(oid) == want
        assert b"".join(fresh.read_lines(oid)) == want


def test_tree_cache_is_only_a_cache(repo, monkeypatch):
    """HEAD's listing cache: used when it matches HEAD, ignored when stale or corrupt."""
    from vcs.repo.repository import Repository
    monkeypatch.setattr(Repository, "TREE_CACHE_MIN", 2)
    for i in range(5):
        repo.write(f"f{i}.txt", f"{i}\n")
    repo.vcs("commit", "-A", "-m", "five")
    cache = repo.root / ".vcs" / "tree-cache"
    assert cache.exists()
    r = Repository.find(bytes(repo.root))
    assert r._load_tree_cache(0) == r.manifest(0) and len(r.manifest(0)) == 5
    repo.write("f0.txt", "changed\n")
    repo.vcs("commit", "-m", "one")
    stale = cache.read_bytes()
    r = Repository.find(bytes(repo.root))
    assert r._load_tree_cache(0) is None and r._load_tree_cache(1) is not None
    data = bytearray(stale)
    data[len(data) // 2] ^= 0x20
    cache.write_bytes(bytes(data))
    r = Repository.find(bytes(repo.root))
    assert r._load_tree_cache(1) is None
    assert r.manifest(1)[b"f0.txt"] == Repository.find(bytes(repo.root)).manifest(1)[b"f0.txt"]
    assert repo.vcs("cat", "-1", "f0.txt").out == b"changed\n"
    repo.vcs("verify")
