"""The `vcs` entry point: aliases, `-C`, and the fast path past click.

Importing click costs about 20 ms, more than vcs's own work for most commands, so
`main` parses plain command lines itself, from the one spec of every command
(vcs/cli/spec.py), and runs the command's body (vcs/cli/commands.py). Anything
the fast path does not read exactly as click would (help, a mistyped option, a
cluster of short flags, an unusual form) goes to the click app
(vcs/cli/clickapp.py), which is built from the same spec: tests/test_fastpath.py
checks that both read every form of every command alike. Errors that end a
command, on either path, are reported by vcs/cli/errors.py.
"""
from __future__ import annotations

import os
import sys

from vcs.cli import commands
from vcs.cli.errors import CAUGHT, report, run
from vcs.cli.spec import NAMES, ROOT, count, find, required
from vcs.errors import UsageError

_PARSED = ("flag", "str", "count", "choice", "multiple", "optional")  # the option kinds the fast path reads
_GLOBAL_WITH_VALUE = {n for o in ROOT.options if o.kind not in ("flag", "version") for n in o.names}


def main() -> None:
    """Run the command line in sys.argv and exit with its code."""
    try:
        argv = expand_alias(sys.argv[1:])
        parsed = None if os.environ.get("_VCS_COMPLETE") else fast_parse(argv)
        if parsed is None:
            from vcs.cli.clickapp import cli
            cli.main(args=argv, prog_name="vcs")  # exits
            return
        options, path, params = parsed
        code = _run(options, path, params)
        sys.stdout.flush()
    except CAUGHT as e:  # outside a command's body: a bad alias, a broken config file
        code = report(e)
    sys.exit(code)


def _run(options: dict, path: list[str], params: dict) -> int:
    """Run a parsed command line as the click app would: -C, then the body."""
    from vcs.cli.terminal import UI
    if options["directory"]:
        code = run(commands.change_dir, {"directory": options["directory"]})
        if code:
            return code
    command, _ = find(path)
    body = getattr(commands, command.body or command.name)
    return run(body, params, UI(options["color"], not options["no_pager"]), "vcs " + " ".join(path))


def fast_parse(argv: list[str]) -> tuple[dict, list[str], dict] | None:
    """(global options, the command's words, its params) for a command line read
    exactly as click reads it, or None where click must decide."""
    options = _defaults(ROOT)
    i = 0
    while i < len(argv) and argv[i].startswith("-"):  # a group's options come before its command
        i = _option(ROOT, argv, i, options)
        if i is None:
            return None
    command, words = find(argv[i:])
    if command is None or command.subcommands or not command.fast:
        return None
    path = argv[i:len(argv) - len(words)]
    params = _defaults(command)
    rest: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w == "--":
            if not command.dashdash:
                return None
            rest += words[i:]  # the command tells revisions from paths itself: it sees the `--`
            break
        if w.startswith("-") and w != "-":
            if command.revs and w[1:].isascii() and w[1:].isdigit():
                rest.append(w)  # a revision counted back from the newest
                i += 1
                continue
            i = _option(command, words, i, params)
            if i is None:
                return None
            continue
        rest.append(w)
        i += 1
    if not _arguments(command, rest, params):
        return None
    return options, path, params


def _defaults(command) -> dict:
    """Every param's value when the command line does not give it, as click's."""
    params = {}
    for o in command.options:
        if o.kind in _PARSED:
            params[o.dest] = False if o.kind == "flag" else () if o.kind == "multiple" else o.default
    for a in command.arguments:
        params[a.name] = () if a.nargs == -1 else a.default
    return params


def _option(command, words: list[str], i: int, params: dict) -> int | None:
    """Read the option at words[i] (`-x`, `-x V`, `-xV`, `--xx V`, `--xx=V`) into params;
    the index after it, or None for anything else (click says what is wrong)."""
    w = words[i]
    by_name = {n: o for o in command.options if o.kind in _PARSED for n in o.names}
    if w in by_name:
        o = by_name[w]
        if o.kind == "flag":
            params[o.dest] = True
            return i + 1
        if o.kind == "optional":
            params[o.dest] = ""
            return i + 1
        if i + 1 >= len(words):
            return None
        value, after = words[i + 1], i + 2
    elif w.startswith("--") and w.split("=", 1)[0] in by_name and "=" in w:
        o, value, after = by_name[w.split("=", 1)[0]], w.split("=", 1)[1], i + 1
    elif not w.startswith("--") and w[:2] in by_name and len(w) > 2 and by_name[w[:2]].kind != "optional":
        o, value, after = by_name[w[:2]], w[2:], i + 1
    else:
        return None
    if o.kind == "flag":
        return None  # `--json=x`, `-Am`: click's error, or its cluster of flags
    if o.kind == "count":
        if not (value.isascii() and value.isdigit()):
            return None
        params[o.dest] = count(value)
    elif o.kind == "multiple":
        params[o.dest] += (value,)
    elif o.kind in ("choice", "optional") and value not in o.choices:
        return None
    else:
        params[o.dest] = value
    return after


def _arguments(command, words: list[str], params: dict) -> bool:
    """Hand the positional words to the arguments, in order, as click does; False if
    they do not fit (too many, too few, not one of the choices)."""
    args = command.arguments
    for n, a in enumerate(args):
        if a.nargs == -1:
            after = len(args) - n - 1  # arguments after it take one word each
            taken, words = words[:max(0, len(words) - after)], words[max(0, len(words) - after):]
            if required(a) and not taken:
                return False
            params[a.name] = tuple(taken)
        elif words:
            if a.choices and words[0] not in a.choices:
                return False
            params[a.name], words = words[0], words[1:]
        elif required(a):
            return False
    return not words


def expand_alias(argv: list[str]) -> list[str]:
    """`[alias] st = "status -s"` in the config: the first word that is not a global
    option, if it names an alias and no command, is replaced by the alias's words."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in _GLOBAL_WITH_VALUE else 1
    if i >= len(argv) or not argv[i] or argv[i] in NAMES:  # "": no alias is named so
        return argv
    from vcs.repo import config
    from vcs.repo.repository import find_root
    root = find_root(os.fsencode(argv[argv.index("-C") + 1]) if "-C" in argv[:i] else os.getcwdb())
    value = config.get([config.load(c) for c in config.files(root)], f"alias.{argv[i]}")
    if not isinstance(value, str) or not value.strip():
        return argv
    import shlex
    try:
        words = shlex.split(value)
    except ValueError as e:
        raise UsageError(f"alias {argv[i]!r} cannot be read: {e}", hint=f"fix it: vcs config set alias.{argv[i]} ...") \
            from None
    if words[0] not in NAMES:
        raise UsageError(f"alias {argv[i]!r} runs {words[0]!r}, which is not a vcs command")
    return argv[:i] + words + argv[i + 1:]
