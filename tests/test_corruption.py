"""A flipped byte anywhere in the store is found by verify and refused by checkout."""
from __future__ import annotations

import json
import os
import random

import pytest

from vcs.repo.repository import Repository
from vcs.storage.log import ENTRY_SIZE


def _build(repo, policy):
    repo.vcs("init", "--storage", policy)
    lines = [b"line %d of a text file\n" % i for i in range(200)]
    for v in range(8):
        lines[v * 11] = b"edited in version %d\n" % v
        repo.write("text.txt", b"".join(lines))
        repo.write("bin.dat", bytes(range(256)) * 8 + bytes([v]) * 64)
        if v == 3:
            repo.write("late.txt", "added at 3\n")
        repo.vcs("commit", "-A", "-m", f"v{v}")


def _flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x10]))


@pytest.mark.parametrize("policy", ["auto", "delta", "full"])
def test_every_record_flip_is_detected(empty_dir, policy):
    repo = empty_dir
    _build(repo, policy)
    stats = json.loads(repo.vcs("stats", "--json").out)
    assert stats["policy"] == policy
    repo.vcs("verify")
    r = Repository.find(bytes(repo.root))
    log = r.objects.log
    infos = [log.info(n) for n in range(len(log))]
    dat = repo.root / ".vcs/store/objects.dat"
    rng = random.Random(1)
    for info in infos:
        offset = info.offset + rng.randrange(info.stored)
        _flip(dat, offset)
        v = repo.vcs("verify", ok=4)
        assert info.id.hex()[:12] in v.text, v.text
        # every checkout that needs this version refuses, naming it, and writes nothing
        before = repo.tree()
        failed = 0
        for rev in range(8):
            res = repo.vcs("checkout", str(rev), "--force", ok=False)
            if res.code != 0:
                assert res.code == 4 and "error:" in res.err
                assert repo.tree() == before
                failed += 1
            else:
                before = repo.tree()
        assert failed > 0
        _flip(dat, offset)  # undo
        repo.vcs("checkout", "-1", "--force")
    repo.vcs("verify")


def test_index_and_commit_flips_are_detected(empty_dir):
    repo = empty_dir
    _build(repo, "auto")
    store = repo.root / ".vcs/store"
    rng = random.Random(2)
    for name in ("objects.idx", "changelog.idx", "changelog.dat", "filelog", "oplog", "origins.idx", "origins.dat"):
        path = store / name
        size = path.stat().st_size
        step = ENTRY_SIZE if name.endswith(".idx") else 36 if name == "filelog" else max(1, size // 20)
        for start in range(0, size, step):
            offset = min(size - 1, start + rng.randrange(step))
            _flip(path, offset)
            v = repo.vcs("verify", ok=4)
            assert "problem" in v.text
            _flip(path, offset)
    repo.vcs("verify")


@pytest.mark.parametrize("name", ["state", "format"])
def test_small_file_flips_are_detected(repo, name):
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    repo.vcs("tag", "v1")
    path = repo.root / ".vcs" / name
    for offset in range(path.stat().st_size):
        _flip(path, offset)
        r = repo.vcs("verify", ok=False)
        assert r.code == 4, (name, offset, r.text, r.err)
        _flip(path, offset)
    repo.vcs("verify")


def test_corrupt_base_fails_its_dependents_and_no_other(empty_dir):
    repo = empty_dir
    repo.vcs("init", "--storage", "delta")
    for v in range(10):
        repo.write("chain.txt", "".join(f"line {i} v{v if i == v else 0}\n" for i in range(50)))
        repo.write("other.txt", f"other {v}\n" * 30)
        repo.vcs("commit", "-A", "-m", f"v{v}")
    r = Repository.find(bytes(repo.root))
    ids = {}
    for rev in range(10):
        m = r.manifest(rev)
        ids[rev] = m[b"chain.txt"].id
    fifth = r.objects.info(ids[5])
    assert fifth.is_delta and fifth.depth == 5
    _flip(repo.root / ".vcs/store/objects.dat", fifth.offset + fifth.stored // 2)
    for rev in range(10):
        res = repo.vcs("cat", str(rev), "chain.txt", ok=False)
        assert (res.code == 4) == (rev >= 5), (rev, res.err)
        assert repo.vcs("cat", str(rev), "other.txt").out == f"other {rev}\n".encode() * 30
    v = repo.vcs("verify", ok=4).text
    for rev in range(10):
        assert (ids[rev].hex()[:12] in v) == (rev >= 5)


def test_corrupt_dirstate_is_rebuilt_with_a_warning(repo):
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    repo.vcs("status")
    path = repo.root / ".vcs/dirstate"
    _flip(path, 20)
    assert repo.vcs("verify", ok=4)
    r = repo.vcs("status")
    assert "dirstate" in r.err and r.out == b""


TRIALS = int(os.environ.get("VCS_STRESS_CORRUPTIONS", "300"))


def test_random_flips_and_truncations_are_always_caught(empty_dir):
    """Flip any bit or cut any stored file short: verify fails, and every read either
    gives the committed bytes or refuses; never wrong bytes."""
    from vcs.porcelain.diff import cat
    from vcs.errors import VcsError
    from vcs.repo.repository import Repository
    from vcs.repo.verify import verify

    repo = empty_dir
    _build(repo, "auto")
    r = Repository.find(bytes(repo.root))
    expected = {}
    for rev in range(len(r)):
        for path in r.manifest(rev):
            expected[(rev, path)] = cat(r, str(rev), str(repo.root / os.fsdecode(path)))
    vcsdir = repo.root / ".vcs"
    files = [vcsdir / "store" / f"{log}.{ext}" for log in ("objects", "changelog", "origins") for ext in ("dat", "idx")]
    files += [vcsdir / "store" / name for name in ("filelog", "oplog")]
    files += [vcsdir / n for n in ("state", "format", "dirstate")]
    repo.vcs("status")  # a dirstate to corrupt
    rng = random.Random(11)
    caught = wrong = 0
    for trial in range(TRIALS):
        path = rng.choice(files)
        original = path.read_bytes()
        if rng.random() < 0.25 and path.parent.name == "store":
            path.write_bytes(original[:rng.randrange(len(original))])
        else:
            data = bytearray(original)
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            path.write_bytes(bytes(data))
        try:
            try:
                ok = verify(Repository.find(bytes(repo.root))).ok
            except VcsError:
                ok = False
            assert not ok, (trial, path.name)
            caught += 1
            for (rev, p), want in rng.sample(sorted(expected.items()), 6):
                try:
                    got = cat(Repository.find(bytes(repo.root)), str(rev), str(repo.root / os.fsdecode(p)))
                except VcsError:
                    continue
                if got != want:
                    wrong += 1
        finally:
            path.write_bytes(original)
    assert wrong == 0 and caught == TRIALS
    print(f"\ncorruption: {caught} of {TRIALS} random flips and truncations detected by verify; "
          f"{wrong} wrong reads")
    repo.vcs("verify")
