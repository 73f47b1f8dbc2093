"""The fast path reads every command line it takes exactly as click would, and
hands everything else to click; hot commands start without importing click or rich."""
from __future__ import annotations

import subprocess
import sys

import pytest

from vcs.cli.main import fast_parse
from vcs.cli.spec import COMMANDS

FORMS = [
    ["commit", "-m", "msg"], ["commit", "-A", "-m", "msg"], ["commit", "--message", "m", "-A"],
    ["commit", "--message=x y"], ["commit", "-mfoo"], ["commit", "a", "b", "-m", "x"],
    ["commit", "-m", "-x"], ["commit", "-m", ""], ["commit"], ["commit", "--addremove", "--", "a"],
    ["commit", "-Am", "x"], ["commit", "-m"], ["commit", "--bogus"], ["commit", "-m", "a", "-m", "b"],
    ["commit", "-ma", "--message=b", "-A", "--message", "c"], ["commit", "-m", "a", "-m"],
    ["commit", "-F", "-"], ["commit", "--file=msg.txt", "a"], ["commit", "-F", "f", "-m", "x"], ["commit", "-Ff"],
    ["status"], ["status", "a", "b/c"], ["status", "-x"], ["status", "-u", "all"], ["status", "-uno"],
    ["status", "--untracked-files=normal", "a"], ["status", "--untracked-files", "all"], ["status", "-u", "x"],
    ["status", "-u"], ["status", "--untracked-files=bogus"],
    ["add", "a"], ["add"], ["add", "a", "-"],
    ["cat", "0", "f"], ["cat", "-1", "f"], ["cat", "HEAD~2", "dir/f"], ["cat", "0"], ["cat", "0", "f", "g"],
    ["cat", "-x", "f"], ["cat", "--help"],
    ["checkout", "3"], ["checkout", "-1"], ["checkout", "-1", "--force"], ["checkout", "-f", "v1"],
    ["checkout"], ["checkout", "a", "b"],
    ["diff"], ["diff", "0", "-1"], ["diff", "--stat"], ["diff", "-U", "5", "0"], ["diff", "-U5"],
    ["diff", "--unified=0", "a"], ["diff", "--name-only", "--exit-code"], ["diff", "-U", "-1"],
    ["diff", "-U", "x"], ["diff", "--", "a"], ["diff", "-1", "-2", "--stat", "path"],
    ["log"], ["log", "-n", "3"], ["log", "-n3", "--oneline"], ["log", "--limit=2", "-p", "--stat", "a"],
    ["log", "--patch"], ["log", "-n", "-1"], ["log", "-n"], ["log", "HEAD~1"], ["log", "-r", "2", "a"],
    ["log", "--rev=v1", "-r", "-1", "--oneline"], ["log", "-r"], ["log", "--", "a"], ["log", "2", "--", "-p"],
    ["log", "-1"], ["log", "-n", "9" * 30],
    ["diff", "-U", "9" * 5000],
    ["-C", "dir", "status"], ["-C", "dir", "log", "--oneline"], ["-C"],
    ["--color=always", "diff"], ["--color", "never", "log"], ["--no-pager", "log", "-p"], ["--color=pink", "log"],
    ["--no-pager", "-C", "d", "--color", "auto", "status", "--ignored"], ["status", "--json"],
    ["log", "--json", "-n", "2"], ["diff", "--json", "0", "-1"],
    ["diff", "--binary", "0", "-1"], ["log", "-p", "--binary"], ["log", "--binary", "-n", "1", "a"],
    ["--version"], ["--help"], ["verify"], ["tags"], [],
    ["branch"], ["branch", "-v"], ["branch", "x", "-1"], ["branch", "-d", "a", "b"], ["branch", "-D", "x"],
    ["branch", "-m", "a", "b"], ["branch", "-vd"], ["branch", "-f", "x", "HEAD^2"], ["branch", "--json"], ["heads"],
    ["checkout", "-b", "x"], ["checkout", "-b", "x", "-1"], ["checkout", "-bx", "HEAD~1"], ["checkout", "-b"],
    ["init", "-b", "trunk", "d"], ["init", "--initial-branch=t"],
    ["log", "--graph", "--first-parent", "--author", "a", "--grep=b", "--since", "2.weeks", "--until=now"],
    ["log", "--after=x", "--before", "y", "main..side"], ["log", "--grep"], ["log", "^a", "b", "--", "p"],
]


def click_parse(argv):
    """What click makes of argv: (global options, the command's words, params), or None
    if it refuses."""
    import warnings

    import click

    from vcs.cli import cli
    try:
        ctx = cli.make_context("vcs", list(argv), resilient_parsing=False)
        options, command, path = dict(ctx.params), cli, []
        while isinstance(command, click.Group):
            with warnings.catch_warnings():  # click 8.2 moves the command name from protected_args to args
                warnings.simplefilter("ignore", DeprecationWarning)
                words = list(getattr(ctx, "protected_args", [])) + list(ctx.args)
            name, rest = words[0], words[1:]
            command = command.get_command(ctx, name)
            ctx = command.make_context(name, rest, parent=ctx)
            path.append(name)
    except BaseException:  # click's usage errors, --help and --version exit
        return None
    params = {k: (tuple(v) if isinstance(v, (list, tuple)) else v) for k, v in ctx.params.items()}
    return options, path, params


@pytest.mark.parametrize("argv", FORMS, ids=lambda a: " ".join(a) or "(none)")
def test_fast_path_agrees_with_click(argv):
    fast = fast_parse(list(argv))
    if fast is None:
        return  # click handles it, whatever it makes of it
    assert fast == click_parse(argv)


def test_most_forms_are_compared():
    compared = [a for a in FORMS if fast_parse(list(a)) is not None]
    assert len(compared) >= 35 and all(click_parse(a) is not None for a in compared)


def test_the_everyday_forms_take_the_fast_path():
    for argv in (["commit", "-A", "-m", "x"], ["status"], ["status", "-uall"], ["cat", "-1", "f"], ["checkout", "-1"],
                 ["diff", "0", "-1"], ["log", "--oneline"], ["add", "f"], ["tag"], ["tag", "v1", "-1"], ["show"],
                 ["config", "get", "user.name"], ["rm", "--cached", "f"], ["verify"], ["branch"], ["heads"],
                 ["checkout", "-b", "x"], ["branch", "-d", "x"]):
        assert fast_parse(argv) is not None, argv


def _sample(argument) -> str:
    return argument.choices[0] if argument.choices else "-1" if argument.complete == "revs" else "a"


def _value(option) -> str:
    return option.choices[-1] if option.choices else "2" if option.kind == "count" else "v"


def spec_forms():
    """Many forms of every command in the spec: each option in each of its spellings, in
    each place, with good and bad values; too few and too many arguments; `--`; global
    options before the command."""
    commands = [([c.name], c) for c in COMMANDS if not c.subcommands]
    commands += [([c.name, sub.name], sub) for c in COMMANDS for sub in c.subcommands]
    for path, c in commands:
        args = [_sample(a) for a in c.arguments]
        yield path + args
        yield path
        yield path + args + ["extra"]
        yield path + args[:1]
        yield path + ["-"] + args[1:]
        yield path + ["--bogus"] + args
        yield path + ["-h"]
        yield path + ["--"] + args
        yield path + args + ["--", "-p"]
        yield path + ["-x"] + args
        yield path + ["-2"] + args[1:]
        yield ["-C", "d"] + path + args
        yield ["-Cd", "--no-pager", "--color", "never"] + path + args
        yield ["--color=always"] + path + args
        for o in c.options:
            for name in o.names:
                if o.kind == "flag":
                    yield path + [name] + args
                    yield path + args + [name, name]
                    yield path + [name + "=1"] + args
                    continue
                value = _value(o)
                yield path + [name, value] + args
                yield path + args + [name, value]
                yield path + args + [name]
                yield path + [name + "=" + value if name.startswith("--") else name + value] + args
                yield path + [name, "-1"] + args
                if o.kind == "count":
                    yield path + [name, "x"] + args
                    yield path + [name, "9" * 30] + args
                if o.kind == "choice":
                    yield path + [name, "bogus"] + args
                if o.kind == "multiple":
                    yield path + [name, "a", name, ""] + args


SPEC_FORMS = list(spec_forms())


def test_every_command_in_the_spec_parses_alike():
    """Where the fast path reads a form, it reads it as click does; and it reads the plain
    form of every command it may parse."""
    for argv in SPEC_FORMS:
        fast = fast_parse(list(argv))
        if fast is not None:
            assert fast == click_parse(argv), argv
    for c in COMMANDS:
        for path, command in ([[c.name, s.name], s] for s in c.subcommands) if c.subcommands else [([c.name], c)]:
            plain = path + [_sample(a) for a in command.arguments]
            assert (fast_parse(plain) is not None) == command.fast, plain
    assert sum(fast_parse(list(a)) is not None for a in SPEC_FORMS) > len(SPEC_FORMS) // 3


PROBE = """
import sys
sys.argv = ["vcs"] + sys.argv[1:]
from vcs.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\nMODULES", "click" in sys.modules, "rich" in sys.modules, file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["status"], ["log", "--oneline"], ["cat", "0", "a"], ["diff"],
                                  ["commit", "-m", "x"], ["tag"], ["show"], ["config", "get", "user.name"],
                                  ["branch", "-v"], ["heads"], ["log", "--graph", "--oneline"]])
def test_hot_commands_import_neither_click_nor_rich(repo, argv):
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    repo.write("a", "b\n")
    p = subprocess.run([sys.executable, "-P", "-c", PROBE, *argv], cwd=repo.root, capture_output=True, text=True)
    assert "MODULES False False" in p.stderr, p.stderr


def test_version_imports_click_but_not_rich(repo):
    p = subprocess.run([sys.executable, "-P", "-c", PROBE, "--version"], cwd=repo.root, capture_output=True,
                       text=True)
    assert p.stdout.startswith("vcs ") and "MODULES True False" in p.stderr, p.stderr
