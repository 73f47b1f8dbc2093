"""Bytes are sacred: every kind of file comes back exactly as committed."""
from __future__ import annotations

import os
import stat

import pytest

EDGE_CASES = {
    "empty.txt": b"",
    "no-final-newline.txt": b"first\nsecond",
    "crlf.txt": b"one\r\ntwo\r\nthree\r\n",
    "mixed.txt": b"unix\nwindows\r\nold mac\rend",
    "invalid-utf8.txt": b"caf\xe9 \xff\xfe\n\xc3\x28\n",
    "binary.bin": bytes(range(256)) * 40 + b"\0\0\n\0",
    "name with spaces.txt": b"spaces\n",
    "na\u00efve-\u65e5\u672c.txt".encode(): b"non-ascii name\n",
    "only-newlines.txt": b"\n\n\n",
    "deep/nested/folder/file.txt": b"deep\n",
}


def _edits(data: bytes) -> bytes:
    return data[: len(data) // 2] + b"inserted line\n" + data[len(data) // 2:]


def test_edge_cases_round_trip_through_every_revision(repo):
    for name, data in EDGE_CASES.items():
        repo.write(os.fsdecode(name), data)
    repo.vcs("commit", "-A", "-m", "edge cases")
    for name, data in EDGE_CASES.items():
        repo.write(os.fsdecode(name), _edits(data))
    repo.vcs("commit", "-m", "edited")
    expected_0 = {os.fsdecode(k): v for k, v in EDGE_CASES.items()}
    expected_1 = {k: _edits(v) for k, v in expected_0.items()}

    repo.vcs("checkout", "0")
    assert repo.tree() == expected_0
    for name, data in expected_0.items():
        assert repo.vcs("cat", "0", name).out == data
        assert repo.vcs("cat", "-1", name).out == expected_1[name]
    repo.vcs("checkout", "-1")
    assert repo.tree() == expected_1
    assert repo.vcs("status").out == b""
    repo.vcs("verify")


def test_file_becomes_empty_then_deleted_then_readded(repo):
    repo.write("f.txt", b"some\ncontent\n")
    repo.vcs("commit", "-A", "-m", "0")
    repo.write("f.txt", b"")
    repo.vcs("commit", "-m", "1: empty")
    os.unlink(repo.root / "f.txt")
    repo.vcs("commit", "-A", "-m", "2: deleted")
    repo.write("f.txt", b"back\n")
    repo.vcs("commit", "-A", "-m", "3: re-added")
    for rev, want in ((0, b"some\ncontent\n"), (1, b""), (3, b"back\n")):
        repo.vcs("checkout", str(rev))
        assert repo.read("f.txt") == want
    repo.vcs("checkout", "2")
    assert not (repo.root / "f.txt").exists()
    assert repo.vcs("cat", "2", "f.txt", ok=2).err.startswith("error: f.txt is not in revision 2")


def test_executable_bit_is_recorded_and_restored(repo):
    repo.write("run.sh", b"#!/bin/sh\necho hi\n", mode=0o755)
    repo.write("plain.txt", b"x\n", mode=0o644)
    repo.vcs("commit", "-A", "-m", "exec")
    (repo.root / "run.sh").chmod(0o644)
    assert repo.vcs("status").out == b"M run.sh\n"
    repo.vcs("commit", "-m", "not exec")
    repo.vcs("checkout", "0")
    assert os.stat(repo.root / "run.sh").st_mode & stat.S_IXUSR
    assert not os.stat(repo.root / "plain.txt").st_mode & stat.S_IXUSR
    repo.vcs("checkout", "1")
    assert not os.stat(repo.root / "run.sh").st_mode & stat.S_IXUSR
    diff = repo.vcs("diff", "0", "1").out
    assert b"old mode 100755\nnew mode 100644\n" in diff


def test_symlink_is_stored_as_a_link(repo, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"secret\n")
    os.symlink(str(outside), repo.root / "link")
    repo.vcs("commit", "-A", "-m", "link")
    assert repo.vcs("cat", "0", "link").out == str(outside).encode()
    os.unlink(repo.root / "link")
    repo.vcs("checkout", "0", "--force")
    assert os.path.islink(repo.root / "link")
    assert os.readlink(repo.root / "link") == str(outside)
    assert outside.read_bytes() == b"secret\n"


@pytest.mark.parametrize("policy", ["auto", "delta", "full"])
def test_many_versions_round_trip_under_each_policy(empty_dir, policy):
    repo = empty_dir
    repo.vcs("init", "--storage", policy)
    versions = []
    lines = [b"line %d\n" % i for i in range(300)]
    for v in range(25):
        lines[(v * 37) % len(lines)] = b"changed in version %d\n" % v
        if v % 5 == 0:
            lines.insert(v, b"inserted %d\n" % v)
        if v % 7 == 0:
            del lines[-1]
        data = b"".join(lines) + (b"tail" if v % 2 else b"")
        versions.append(data)
        repo.write("f.txt", data)
        repo.vcs("commit", "-A", "-m", f"v{v}")
    for v, data in enumerate(versions):
        assert repo.vcs("cat", str(v), "f.txt").out == data
    import json
    s = json.loads(repo.vcs("stats", "--json").out)
    f = s["files"][0]
    assert f["versions"] == 25 and s["policy"] == policy
    if policy == "full":
        assert f["deltas"] == 0 and f["whole"] == 25
    elif policy == "delta":
        assert f["whole"] == 1 and f["deltas"] == 24 and f["longest_chain"] == 24
    else:
        assert f["deltas"] > 0 and f["stored_bytes"] < f["raw_bytes"] / 3
    repo.vcs("verify")


def test_a_big_file_that_grows_at_its_end_is_stored_as_deltas(repo):
    """Over the line-diff limit, a file that only grows (a log) still gets deltas: they
    are made without splitting it into lines. Other edits to it are stored whole."""
    import json
    from vcs.storage import objects as history
    line = b"2026-11-27T12:00:00.000Z INFO worker-3 req=0123456789ab GET /api/items status=200\n"
    text = line * (history.LARGE_TEXT // len(line) + 1000)
    repo.write("app.log", text)
    repo.vcs("commit", "-A", "-m", "big log")
    for i in range(3):
        text += b"".join(b"appended %d.%d\n" % (i, j) for j in range(20))
        repo.write("app.log", text)
        repo.vcs("commit", "-m", f"append {i}")
    f = json.loads(repo.vcs("stats", "--json").text)["files"][0]
    assert (f["whole"], f["deltas"]) == (1, 3)
    repo.write("app.log", b"edited at the top\n" + text)
    repo.vcs("commit", "-m", "not an append")
    f = json.loads(repo.vcs("stats", "--json").text)["files"][0]
    assert (f["whole"], f["deltas"]) == (2, 3)
    assert repo.vcs("cat", "3", "app.log").out == text
    repo.vcs("verify")
