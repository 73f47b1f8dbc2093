"""Long-running checks for `make stress` (skipped by `make test`): huge files within a
bounded memory, and the delta decoder fuzzed for a fixed budget."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcs.diff import delta
from vcs.errors import DeltaError

pytestmark = pytest.mark.skipif(not os.environ.get("VCS_STRESS"), reason="run by `make stress`")

MEMORY = """
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], capture_output=True)
sys.stderr.buffer.write(r.stderr)
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def measured(root, *args):
    """(exit code, peak RSS in bytes) of one vcs process."""
    p = subprocess.run([sys.executable, "-c", MEMORY, sys.executable, "-P", "-m", "vcs", *args], cwd=root,
                       capture_output=True, text=True)
    code, rss = p.stdout.split()
    return int(code), int(rss)


def huge_text(size: int) -> bytes:
    block = b"".join(b"%08x %s\n" % (i, os.urandom(24).hex().encode()) for i in range(4096))
    return (block * (size // len(block) + 1))[:size]


CASES = {
    "200MB text file": lambda: huge_text(200 << 20),
    "one 50MB line": lambda: os.urandom(50 << 20).replace(b"\n", b"x"),
    "5 million short lines": lambda: b"".join(b"%d\n" % i for i in range(5_000_000)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_huge_input_in_bounded_memory(tmp_path, case):
    root = tmp_path / "w"
    root.mkdir()
    subprocess.run([sys.executable, "-P", "-m", "vcs", "init"], cwd=root, check=True, capture_output=True)
    first = CASES[case]()
    (root / "big").write_bytes(first)
    code, rss = measured(root, "commit", "-A", "-m", "first")
    assert code == 0
    peaks = [rss]
    second = first[:1000] + b"an edit\n" + first[1000:]
    (root / "big").write_bytes(second)
    code, rss = measured(root, "commit", "-m", "second")
    assert code == 0
    peaks.append(rss)
    code, rss = measured(root, "checkout", "0")
    assert code == 0
    peaks.append(rss)
    assert hashlib.sha256((root / "big").read_bytes()).digest() == hashlib.sha256(first).digest()
    del first
    code, rss = measured(root, "checkout", "1")
    assert code == 0 and (root / "big").read_bytes() == second
    peaks.append(rss)
    size = len(second)
    print(f"{case}: {size >> 20} MiB, peak RSS {[p >> 20 for p in peaks]} MiB")
    assert max(peaks) <= 3 * size + (64 << 20), (case, peaks)  # the README's bound
    assert subprocess.run([sys.executable, "-P", "-m", "vcs", "verify"], cwd=root).returncode == 0


@given(st.binary(max_size=400), st.lists(st.binary(max_size=30), max_size=20))
@settings(max_examples=int(os.environ.get("VCS_STRESS_FUZZ", "20000")), deadline=None,
          suppress_health_check=list(HealthCheck))
def test_fuzz_the_delta_decoder(data, base):
    base = [line + b"\n" for line in base]
    size = sum(map(len, base))
    for candidate in (data, bytes([2]) + data, bytes([3]) + data):
        try:
            lines = delta.apply_checked(list(base), candidate, size)
        except DeltaError:
            continue
        assert delta.split_lines(b"".join(lines)) == lines
