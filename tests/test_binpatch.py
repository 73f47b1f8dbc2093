"""Tests of vcs.diff.binpatch: git's delta format and base85 lines, both ways, and git's own
binary patches read back by our decoder."""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcs.diff import binpatch

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@st.composite
def source_and_edit(draw):
    """A source and a target made of pieces of it and new bytes (what deltas are for)."""
    source = draw(st.binary(max_size=600) | st.sampled_from([b"", b"\n" * 50, bytes(300)]))
    target = b""
    for _ in range(draw(st.integers(0, 6))):
        if source and draw(st.booleans()):
            i = draw(st.integers(0, len(source) - 1))
            target += source[i:i + draw(st.integers(1, 200))]
        else:
            target += draw(st.binary(max_size=150))
    return source, target


@given(source_and_edit())
@settings(max_examples=400, deadline=None)
def test_delta_round_trips(case):
    source, target = case
    assert binpatch.apply_delta(source, binpatch.make_delta(source, target)) == target


@given(st.binary(max_size=400))
@settings(max_examples=200)
def test_base85_lines_round_trip(data):
    lines = binpatch.encode_lines(data)
    assert all(len(line) <= 66 for line in lines.split(b"\n"))
    assert binpatch.decode_lines(lines.split(b"\n")[:-1]) == data


def test_length_letters():
    assert binpatch.encode_lines(b"x")[:1] == b"A"
    assert binpatch.encode_lines(b"x" * 26)[:1] == b"Z"
    assert binpatch.encode_lines(b"x" * 27)[:1] == b"a"
    assert [line[:1] for line in binpatch.encode_lines(b"x" * 105).split(b"\n")[:-1]] == [b"z", b"z", b"A"]
    with pytest.raises(ValueError):
        binpatch.decode_lines([b"B00"])  # two bytes need one group of five characters


def test_a_small_change_to_a_large_binary_is_a_small_delta():
    rng = random.Random(7)
    big = rng.randbytes(1 << 20)
    changed = big[:500_000] + b"three" + big[500_010:] + b"end"
    d = binpatch.make_delta(big, changed)
    assert len(d) < 200
    assert binpatch.apply_delta(big, d) == changed
    body = binpatch.binary_patch(big, changed)
    assert body.startswith(b"GIT binary patch\ndelta ") and len(body) < 1000


def test_literal_when_a_side_is_empty_or_nothing_is_shared():
    body = binpatch.binary_patch(b"", b"\0x")
    assert _hunks(body) == [(b"literal", 2, b"\0x"), (b"literal", 0, b"")]
    assert body.endswith(b"\nliteral 0\nHcmV?d00001\n\n")  # as git writes it
    unrelated = binpatch.binary_patch(os.urandom(500), os.urandom(500))
    assert [h[:2] for h in _hunks(unrelated)] == [(b"literal", 500)] * 2


@pytest.mark.parametrize("delta, error", [
    (b"\x05\x01\x01x", "against 5 bytes"),                  # the source has 4
    (b"\x04\x05\x91\x02\x03", "past the end"),              # copy 3 bytes from offset 2
    (b"\x04\x01\x00", "reserved"),
    (b"\x04\x02\x02x", "insert truncated"),
    (b"\x04\x02\x01x", "makes 1 bytes, declared 2"),
    (b"\x04\x01\x90", "copy opcode truncated"),
    (b"\x04\x01\x02xy", "more than its declared size"),
    (b"\x84", "header truncated"),
])
def test_malformed_deltas_are_refused(delta, error):
    with pytest.raises(ValueError, match=error):
        binpatch.apply_delta(b"abcd", delta)


def _hunks(body: bytes) -> list[tuple[bytes, int, bytes]]:
    """(kind, size, inflated data) of each hunk of a "GIT binary patch" body."""
    lines = body.split(b"\n")
    assert lines[0] == b"GIT binary patch"
    out, i = [], 1
    while i < len(lines) and lines[i]:
        kind, size = lines[i].split(b" ")
        end = lines.index(b"", i)
        out.append((kind, int(size), zlib.decompress(binpatch.decode_lines(lines[i + 1:end]))))
        i = end + 1
    return out


def _apply_hunk(source: bytes, hunk) -> bytes:
    kind, size, data = hunk
    assert len(data) == size
    return data if kind == b"literal" else binpatch.apply_delta(source, data)


@needs_git
def test_gits_own_binary_patches_decode_with_ours(tmp_path):
    rng = random.Random(3)
    cases = {"big.bin": (rng.randbytes(100_000), None), "small.bin": (b"\0" + bytes(range(1, 200)), None),
             "grown.bin": (bytes(5000), None)}
    cases["big.bin"] = (cases["big.bin"][0], cases["big.bin"][0][:40_000] + b"new" + cases["big.bin"][0][40_100:])
    cases["small.bin"] = (cases["small.bin"][0], cases["small.bin"][0].replace(b"\x10", b"\xff"))
    cases["grown.bin"] = (cases["grown.bin"][0], b"head" + cases["grown.bin"][0] + rng.randbytes(300))
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, HOME=str(tmp_path))

    def git(*args):
        return subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True).stdout
    git("init", "-q")
    for name, (old, _) in cases.items():
        (tmp_path / name).write_bytes(old)
    git("add", "-A")
    for name, (_, new) in cases.items():
        (tmp_path / name).write_bytes(new)
    kinds = set()
    for name, (old, new) in cases.items():
        out = git("diff", "--binary", name)
        hunks = _hunks(out[out.index(b"GIT binary patch"):])
        kinds.update(h[0] for h in hunks)
        assert _apply_hunk(old, hunks[0]) == new
        assert _apply_hunk(new, hunks[1]) == old
    assert b"delta" in kinds
