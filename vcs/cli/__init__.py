"""The command line: parsing, the command bodies, errors, rendering, the terminal.

    spec.py      every command's options and arguments, declared once
    main.py      the entry point: aliases, -C, the fast path that parses without click
    clickapp.py  the click app, built from the spec: help, usage errors, completion
    commands.py  the command bodies: parse -> one porcelain call -> one render call
    errors.py    the one place that turns errors into `error:` lines and exit codes
    render.py    results into text (the only module that imports rich)
    terminal.py  colour, the pager, where output goes

`vcs.cli.main` is the entry point (pyproject's `vcs.cli:main`, `python -m vcs`):
the function, bound here over the module's name (`from vcs.cli.main import X`
still reads the module). `vcs.cli.cli` is the click group, imported only when
asked for, since importing click costs what most commands cost.
"""
from __future__ import annotations

from vcs.cli.main import main

__all__ = ["main"]


def __getattr__(name: str):
    if name == "cli":  # the click group, for tests and tools
        from vcs.cli.clickapp import cli
        return cli
    raise AttributeError(name)
