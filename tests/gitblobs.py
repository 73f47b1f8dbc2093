"""Reading a git repository's blobs through one `git cat-file --batch` process (for the
corpus tests and benchmarks)."""
from __future__ import annotations

import subprocess


class Blobs:
    def __init__(self, gd):
        self.p = subprocess.Popen(["git", "--git-dir", str(gd), "cat-file", "--batch"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.cache: dict[str, bytes] = {}

    def get(self, blob: str) -> bytes:
        if blob not in self.cache:
            self.p.stdin.write(blob.encode() + b"\n")
            self.p.stdin.flush()
            size = int(self.p.stdout.readline().split()[2])
            self.cache[blob] = self.p.stdout.read(size)
            self.p.stdout.read(1)
        return self.cache[blob]

    def close(self):
        self.p.stdin.close()
        self.p.wait()
