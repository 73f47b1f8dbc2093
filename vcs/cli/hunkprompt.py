"""`vcs commit -p`: the questions asked in the terminal, one line of answer each, as
`git add -p` asks them. The choosing itself is vcs.diff.select.Chooser (pure, tested
alone); this only shows each hunk and reads the answers from stdin (end of input: q).
"""
from __future__ import annotations

import sys

from vcs.cli.render import text
from vcs.diff.patch import format_hunks
from vcs.model.objects import show

_WHAT = {"added": "this new file", "removed": "this deletion", "binary": "this binary change",
         "mode": "this change of mode"}


def choose_hunks(files, stdin=None, stdout=None) -> dict:
    from vcs.diff.select import Chooser
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    chooser = Chooser(files)
    shown = None
    while True:
        q = chooser.question()
        if q is None:
            return chooser.chosen
        i, regions = q
        f = files[i]
        if shown != i:
            shown = i
            stdout.write(f"{'diff' if f.kind == 'modified' else f.kind} {text(show(f.path))}\n")
        if regions is None:
            stdout.write(f"Commit {_WHAT[f.kind]} [{chooser.keys()}]? ")
        else:
            hunk = format_hunks(f.a, f.b, regions).decode("utf-8", "surrogateescape")
            stdout.write(text(hunk) if hunk.endswith("\n") else text(hunk) + "\n")
            stdout.write(f"Commit this hunk [{chooser.keys()}]? ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            line = "q"
        said = chooser.answer(line)
        if said:
            stdout.write(said + "\n")
