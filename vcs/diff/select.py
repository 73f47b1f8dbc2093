"""Choosing hunks: which of a file's changes `commit -p` commits. Pure: lines in, lines out.

A file's change is the line diff's regions (a1, a2, b1, b2): old lines a1:a2 became new
lines b1:b2. A hunk shown to a person is the regions whose context would touch, as a
unified diff groups them (vcs.diff.patch.format_hunks); splitting it shows each region
alone. `apply` is the old text with the chosen regions' new lines, the rest as it was:
what is committed, while the working file keeps everything.

`Chooser` is the conversation of `git add -p` and `hg commit -i`, without the terminal:
for each file, for each hunk, an answer
    y  this hunk          n  not this hunk       s  split it into smaller hunks
    a  this and the rest of the file             d  none of the rest of the file
    q  none of this and of the files after       ?  help
A new, deleted or binary file, or one whose mode alone changed, is one choice: all of
it or none.
"""
from __future__ import annotations

from vcs.records import record

# kind: "modified", "added", "removed", "binary" (or a mode change): the last three are
# one choice; regions: the line diff of a and b for "modified".
FileChange = record("FileChange", "path kind a b regions", defaults=((), (), ()))

HELP = """y - commit this hunk
n - do not commit this hunk
s - split the current hunk into smaller hunks
a - commit this hunk and all later hunks in the file
d - do not commit this hunk or any of the later hunks in the file
q - quit; do not commit this hunk or any of the remaining ones
? - print help"""


def groups(regions, context: int = 3) -> list[list[int]]:
    """The regions (by index) of each hunk a unified diff with `context` lines shows."""
    out: list[list[int]] = []
    for i, r in enumerate(regions):
        if out and r[0] - regions[out[-1][-1]][1] <= 2 * context:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def apply(a: list[bytes], b: list[bytes], regions, chosen) -> list[bytes]:
    """The lines of `a` with the chosen regions (indices) changed as in `b`."""
    out: list[bytes] = []
    at = 0
    for i, (a1, a2, b1, b2) in enumerate(regions):
        out += a[at:a1]
        out += b[b1:b2] if i in chosen else a[a1:a2]
        at = a2
    out += a[at:]
    return out


class Chooser:
    """The answers to the questions, file by file and hunk by hunk. `question()` is the
    one to ask now, as (file index, the regions of the hunk, or None for a whole-file
    choice), or None when all are answered; `answer(key)` takes a key and returns what
    to say back (help, or why the key is not one), or None. `chosen` maps each file's
    index to the regions chosen (a set), or to True/False for a whole-file choice."""

    def __init__(self, files: list[FileChange], context: int = 3):
        self.files = files
        self.context = context
        self.chosen: dict[int, object] = {}
        self.file = 0
        self._queue: list[list[int]] = []
        self._enter()

    def _enter(self) -> None:
        while self.file < len(self.files):
            f = self.files[self.file]
            if f.kind != "modified":
                self.chosen[self.file] = False
                self._queue = [[]]
                return
            self.chosen[self.file] = set()
            self._queue = groups(f.regions, self.context)
            if self._queue:
                return
            self.file += 1
        self._queue = []

    def question(self):
        if self.file >= len(self.files):
            return None
        f = self.files[self.file]
        return self.file, None if f.kind != "modified" else [f.regions[i] for i in self._queue[0]]

    def keys(self) -> str:
        """The keys that make sense now, as git lists them."""
        split = self.file < len(self.files) and self.files[self.file].kind == "modified" and len(self._queue[0]) > 1
        return "y,n," + ("s," if split else "") + "q,a,d,?"

    def answer(self, key: str) -> str | None:
        key = key.strip().lower()[:1]
        if self.question() is None:
            return None
        whole = self.files[self.file].kind != "modified"
        if key == "?":
            return HELP
        if key == "s":
            if whole or len(self._queue[0]) < 2:
                return "this hunk cannot be split"
            first = self._queue.pop(0)
            self._queue[:0] = [[i] for i in first]
            return None
        if key not in ("y", "n", "a", "d", "q"):
            return f"{key or 'nothing'} is not one of the answers ({self.keys()}; ? for help)"
        if key in ("y", "a"):
            take = self._queue if key == "a" else self._queue[:1]
            if whole:
                self.chosen[self.file] = True
            else:
                for hunk in take:
                    self.chosen[self.file].update(hunk)
        if key == "q":
            self.file = len(self.files)
            return None
        if key in ("a", "d"):
            self._queue = []
        else:
            self._queue.pop(0)
        if not self._queue:
            self.file += 1
            self._enter()
        return None
