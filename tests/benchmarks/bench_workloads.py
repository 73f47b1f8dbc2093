"""The data the benchmark commits: histories of one file, a tree of files, a big file.

Everything synthetic is generated from a fixed seed, so every tool and every run sees
the same bytes. A history is a `Workload`: a name, a file name and a function that
yields the versions oldest first (generated again for each tool, so a 1,000-version
history of a 1 MB file never sits in memory), with a digest of each version to check
what the tools print back.
"""
from __future__ import annotations

import datetime
import hashlib
import random
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

WORDS = ("self value name return if else for in not None def class import from with as try "
         "except raise lambda yield True False and or is ctx param option command args kwargs "
         "result items key data path file line index count error type list dict str int bytes "
         "len range print format join split strip update append").split()


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass
class Workload:
    name: str            # what --only selects and the tables show
    title: str           # one line for the report
    filename: str        # the file's name inside each repository
    binary: bool
    make: Callable[[], Iterator[bytes]]  # yields every version, oldest first
    digests: list[bytes] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)

    def __post_init__(self):
        for data in self.make():
            self.digests.append(digest(data))
            self.sizes.append(len(data))

    @property
    def count(self) -> int:
        return len(self.digests)

    def describe(self) -> dict:
        return {"name": self.name, "title": self.title, "file": self.filename, "versions": self.count,
                "first_bytes": self.sizes[0], "last_bytes": self.sizes[-1], "binary": self.binary}


def text_line(rng: random.Random) -> str:
    """A line of code-like text, 30 to 70 characters with its indent."""
    target = rng.randint(30, 70)
    line = "    " * rng.randint(0, 2)
    while len(line) < target:
        line += rng.choice(WORDS) + " "
    return line[:target].rstrip() + "\n"


def click_core(bundle: Path, limit: int | None, scratch: Path) -> Workload | None:
    """Every version of click's src/click/core.py (earlier click/core.py, click.py), oldest first."""
    if not bundle.exists() or shutil.which("git") is None:
        return None
    bare = Path(tempfile.mkdtemp(prefix="click-", dir=scratch)) / "click.git"
    git = ["git", "--git-dir", str(bare)]
    subprocess.run(["git", "clone", "-q", "--bare", str(bundle), str(bare)], check=True)
    # `--follow --reverse` lists only one commit (git 2.39), so list newest first and reverse.
    out = subprocess.run(git + ["log", "--follow", "--name-only", "--format=%H", "--",
                                "src/click/core.py"], capture_output=True, check=True).stdout
    words = out.decode().split()
    history = list(zip(words[0::2], words[1::2]))[::-1]
    versions: list[bytes] = []
    for commit, path in history:
        data = subprocess.run(git + ["show", f"{commit}:{path}"], capture_output=True, check=True).stdout
        if not versions or data != versions[-1]:  # a commit that left the file as it was
            versions.append(data)
    shutil.rmtree(bare.parent, ignore_errors=True)
    used = versions[:limit] if limit else versions
    return Workload("click-core", f"click's src/click/core.py after each of the {len(history)} commits that "
                    f"changed it: {len(versions)} versions" + (f", the first {len(used)} used" if limit else ""),
                    "core.py", False, lambda: iter(used))


def small_edits(count: int, lines: int = 5000, seed: int = 1) -> Workload:
    """A text file of `lines` lines; each version makes 1-5 random single-line edits."""

    def make():
        rng = random.Random(f"small-edits:{seed}")
        text = [text_line(rng) for _ in range(lines)]
        data = "".join(text).encode()
        yield data
        for _ in range(count - 1):
            previous = data
            while data == previous:  # edits can cancel out, and a commit needs a change
                for _edit in range(rng.randint(1, 5)):
                    at = rng.randrange(len(text))
                    kind = rng.random()
                    if kind < 0.5:
                        text[at] = text_line(rng)
                    elif kind < 0.75 or len(text) < 100:
                        text.insert(at, text_line(rng))
                    else:
                        del text[at]
                data = "".join(text).encode()
            yield data

    return Workload("small-edits", f"{lines}-line text file, {count} versions of 1-5 line edits "
                    "(replace 50%, insert 25%, delete 25%)", "data.txt", False, make)


def log_line(rng: random.Random, when: datetime.datetime) -> str:
    level = rng.choice(["INFO"] * 8 + ["DEBUG", "WARN", "ERROR"])
    return (f"{when:%Y-%m-%dT%H:%M:%S}.{when.microsecond // 1000:03d}Z {level:5} "
            f"worker-{rng.randint(1, 16)} req={rng.getrandbits(48):012x} "
            f"{rng.choice(['GET', 'POST', 'PUT'])} /api/{rng.choice(WORDS)}/{rng.randint(1, 9999)} "
            f"status={rng.choice([200, 200, 200, 201, 204, 304, 404, 500])} took={rng.randint(1, 2500)}ms\n")


def growing_log(count: int, start: int = 100, per: int = 20, seed: int = 1) -> Workload:
    """A log file of `start` lines that grows by `per` lines per version."""

    def make():
        rng = random.Random(f"log:{seed}")
        when = datetime.datetime(2026, 1, 1)
        lines = []
        for i in range(start + (count - 1) * per):
            when += datetime.timedelta(milliseconds=rng.randint(1, 5000))
            lines.append(log_line(rng, when).encode())
        data = b""
        at = 0
        for end in range(start, start + count * per, per):
            data += b"".join(lines[at:end])
            at = end
            yield data

    return Workload("growing-log", f"log file of {start} lines growing by {per} lines per version, "
                    f"{count} versions", "app.log", False, make)


def binary_edits(count: int, size: int = 1 << 20, seed: int = 1) -> Workload:
    """`size` random bytes; each version overwrites 1-4 runs of 1-64 bytes in place."""

    def make():
        rng = random.Random(f"binary:{seed}")
        data = bytearray(rng.randbytes(size))
        yield bytes(data)
        for _ in range(count - 1):
            previous = bytes(data)
            while data == previous:  # random bytes can equal the ones they overwrite
                for _edit in range(rng.randint(1, 4)):
                    length = rng.randint(1, 64)
                    at = rng.randrange(size - length)
                    data[at:at + length] = rng.randbytes(length)
            yield bytes(data)

    return Workload("binary", f"{size // 1024} KiB of random bytes, {count} versions of 1-4 "
                    "in-place overwrites of 1-64 bytes", "blob.bin", True, make)


def one_line_changes(count: int, lines: int = 200, seed: int = 1) -> Workload:
    """A 200-line file; each version replaces one random line."""

    def make():
        rng = random.Random(f"one-line:{seed}")
        text = [text_line(rng) for _ in range(lines)]
        yield "".join(text).encode()
        for k in range(1, count):
            text[rng.randrange(lines)] = f"# change {k}: " + text_line(rng)
            yield "".join(text).encode()

    return Workload("scale-commits", f"{lines}-line file, {count} commits of one changed line",
                    "file.txt", False, make)


def tree_files(count: int, folders: int = 100, seed: int = 1) -> dict[str, bytes]:
    """`count` small text files (3-30 lines) spread over `folders` folders."""
    rng = random.Random(f"tree:{count}:{seed}")
    files = {}
    for i in range(count):
        body = "".join(text_line(rng) for _ in range(rng.randint(3, 30)))
        files[f"pkg{i % folders:03d}/mod{i // folders:04d}.py"] = body.encode()
    return files


def big_text(size: int, seed: int = 1) -> bytes:
    """About `size` bytes of text lines (a block of 4,096 random lines repeated with a counter)."""
    rng = random.Random(f"big:{seed}")
    block = [text_line(rng)[:-1] for _ in range(4096)]
    out, total, i = [], 0, 0
    while total < size:
        line = f"{i:09d} {block[i % len(block)]}\n".encode()
        out.append(line)
        total += len(line)
        i += 1
    return b"".join(out)


def edit_lines(data: bytes, edits: int = 5, seed: int = 1) -> bytes:
    """`data` with `edits` lines, spread over the file, replaced by new text."""
    rng = random.Random(f"edit:{seed}")
    lines = data.split(b"\n")
    for j in range(edits):
        at = (j * 2 + 1) * len(lines) // (edits * 2)
        lines[at] = f"edited line {j}: {text_line(rng).strip()}".encode()
    return b"\n".join(lines)
