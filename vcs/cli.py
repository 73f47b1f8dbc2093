"""The command line: the `vcs` entry point and the body of every command.

Each command is parse -> one api call -> one render call. Parsing, help and
usage errors are click's (vcs/clickapp.py, the only module that imports click).
But importing click costs about 20 ms, more than vcs's own work for most
commands, so `main` parses the plain forms of the everyday commands itself and
hands anything else (help, an unknown option, an unusual form) to click.
tests/test_fastpath.py checks that both read every form the same way.
"""
from __future__ import annotations

import os
import sys

from vcs.errors import Exit, UsageError, VcsError


def __getattr__(name: str):
    if name == "cli":  # the click group, for tests and tools: vcs.cli.cli
        from vcs.clickapp import cli
        return cli
    raise AttributeError(name)


# -- the command bodies: parsed arguments in, an exit code out ---------------------------

def _repo():
    from vcs import render
    from vcs.repo import Repository
    return Repository.find(warn=render.warn)


def _check_revs(values) -> None:
    """Revision arguments may be negative numbers; any other dash-word is a mistyped option."""
    for v in values:
        if v.startswith("-") and v != "-" and not v[1:].isdigit():
            raise UsageError(f"no such option: {v}", hint="see `vcs COMMAND --help`")


def init(directory: str, storage: str) -> None:
    from vcs import api, render
    repo = api.init(directory, storage)
    render.Out().line(f"initialized an empty vcs repository in {os.fsdecode(repo.root)}/.vcs "
                      f"(storage: {storage})")


def add(paths) -> None:
    from vcs import api, render
    render.paths(render.Out(), "adding", api.add(_repo(), list(paths)))


def rm(paths, cached: bool) -> None:
    from vcs import api, render
    render.paths(render.Out(), "removing", api.rm(_repo(), list(paths), cached))


def commit(paths, message: str | None, addremove: bool) -> None:
    from vcs import api, render
    repo = _repo()
    result = api.commit(repo, message if message is not None else _edit_message,
                        addremove=addremove, paths=list(paths) or None)
    render.committed(render.Out(), result.rev, result.id, result.message, len(result.changed),
                     len(result.removed))


def _edit_message(scan) -> str:
    """The message from $VISUAL or $EDITOR, as git asks for it; comment lines dropped."""
    import click

    from vcs import render
    lines = ["", "# Write the commit message. Lines starting with '#' are ignored;",
             "# an empty message aborts the commit.", "#"]
    for code, paths in (("modified", scan.modified), ("added", scan.added), ("removed", scan.removed)):
        lines += [f"#   {code}: {render.show(p)}" for p in paths]
    edited = click.edit("\n".join(lines) + "\n", require_save=False)
    if edited is None:
        return ""
    return "\n".join(line for line in edited.splitlines() if not line.startswith("#")).strip() + "\n"


def status(paths) -> None:
    from vcs import api, render
    repo = _repo()
    target = api.interrupted_checkout(repo)
    if target is not None:
        render.warn(f"a checkout of revision {target} was interrupted; run `vcs checkout {target}` to finish it")
    render.status(render.Out(), api.status(repo, list(paths) or None))


def log(paths, limit: int | None, oneline: bool, stat: bool, patch: bool) -> None:
    from vcs import render, report
    entries = report.log(_repo(), limit, list(paths) or None, with_diffs=stat or patch)
    render.log(render.Out(), entries, oneline, stat, patch)


def checkout(rev: str, force: bool) -> None:
    from vcs import api, render
    _check_revs([rev])
    render.checked_out(render.Out(), api.checkout(_repo(), rev, force))


def restore(paths, rev: str | None) -> None:
    from vcs import api, render
    _check_revs(paths)
    restored = api.restore(_repo(), list(paths), rev)
    render.Out().line(f"restored {render.plural(len(restored), 'file')}")


def diff(args, stat: bool, context: int, name_only: bool, exit_code: bool) -> int:
    from vcs import render, report
    repo = _repo()
    revs, paths = _split_revs(repo, args)
    changes = report.diff(repo, revs, paths or None, load=not name_only)
    out = render.Out()
    if name_only:
        render.name_only(out, changes)
    elif stat:
        render.diffstat(out, changes)
    else:
        render.diffs(out, changes, context)
    return Exit.NOTHING if exit_code and changes else Exit.OK


def _split_revs(repo, args) -> tuple[list[str], list[str]]:
    """Leading arguments that name revisions (at most two), then paths.

    An argument that names an existing file is a path unless it is a negative
    number; after `--` everything is a path.
    """
    args = list(args)
    if "--" in args:
        i = args.index("--")
        _check_revs(args[:i])
        return args[:i], args[i + 1:]
    _check_revs(args)
    from vcs.revisions import resolve
    revs: list[str] = []
    for a in args[:2]:
        is_number = a[1:].isdigit() and a[:1] == "-"
        if os.path.lexists(a) and not is_number:
            break
        try:
            resolve(repo, a)
        except VcsError:
            if os.path.lexists(a):
                break
            raise
        revs.append(a)
    return revs, args[len(revs):]


def cat(rev: str, path: str) -> None:
    from vcs import render, report
    _check_revs([rev])
    render.Out(color=False).raw(report.cat(_repo(), rev, path))


def show(rev: str, stat: bool, context: int) -> None:
    from vcs import render, report
    _check_revs([rev])
    render.log(render.Out(), [report.show_rev(_repo(), rev)], stat=stat, patch=not stat, context=context)


def tag(name: str, rev: str | None, force: bool) -> None:
    from vcs import api, render
    if rev is not None:
        _check_revs([rev])
    name, n = api.tag(_repo(), name, rev, force)
    render.Out().line(f"tagged revision {n} as {render.text(name)}")


def tags() -> None:
    from vcs import render, report
    render.tags(render.Out(), report.tags(_repo()))


def stats(paths, as_json: bool) -> None:
    from vcs import render, report
    render.stats(render.Out(), report.stats(_repo(), list(paths) or None), as_json)


def verify() -> int:
    from vcs import render
    from vcs.verify import verify as run_verify
    result = run_verify(_repo())
    render.verify(render.Out(), result)
    return Exit.OK if result.ok else Exit.CORRUPT


def run(body, params: dict) -> int:
    """Run a command body; our errors become `error:`/`hint:` lines and their exit code."""
    try:
        return int(body(**params) or 0)
    except VcsError as e:
        from vcs import render
        render.error(e.message, e.hint)
        return int(e.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return int(Exit.INTERRUPTED)


# -- the fast path: plain forms of the everyday commands, without click -----------------

# command: (flags, options with a value, positional arguments); a positional with
# nargs -1 takes the rest. Every name and default matches vcs/clickapp.py.
_FAST: dict[str, tuple[dict, dict, list, dict]] = {
    "commit": ({"-A": "addremove", "--addremove": "addremove"},
               {"-m": ("message", str), "--message": ("message", str)},
               [("paths", -1)], {"message": None, "addremove": False}),
    "status": ({}, {}, [("paths", -1)], {}),
    "add": ({}, {}, [("paths", -1)], {}),
    "cat": ({}, {}, [("rev", 1), ("path", 1)], {}),
    "checkout": ({"-f": "force", "--force": "force"}, {}, [("rev", 1)], {"force": False}),
    "diff": ({"--stat": "stat", "--name-only": "name_only", "--exit-code": "exit_code"},
             {"-U": ("context", int), "--unified": ("context", int)}, [("args", -1)],
             {"stat": False, "name_only": False, "exit_code": False, "context": 3}),
    "log": ({"--oneline": "oneline", "--stat": "stat", "-p": "patch", "--patch": "patch"},
            {"-n": ("limit", int), "--limit": ("limit", int)}, [("paths", -1)],
            {"limit": None, "oneline": False, "stat": False, "patch": False}),
}
_TAKES_REVS = {"cat", "checkout", "diff"}


def fast_parse(argv: list[str]) -> tuple[str | None, str, dict] | None:
    """(directory for -C, command, params) for a plain command line, or None for click."""
    directory = None
    if len(argv) >= 2 and argv[0] == "-C":
        directory, argv = argv[1], argv[2:]
    if not argv or argv[0] not in _FAST:
        return None
    name, words = argv[0], argv[1:]
    flags, options, positionals, defaults = _FAST[name]
    params = dict(defaults)
    rest: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        i += 1
        if w in flags:
            params[flags[w]] = True
            continue
        value = None
        if w in options:
            if i >= len(words):
                return None
            value, i = words[i], i + 1
            key = w
        elif w.startswith("--") and "=" in w and w.split("=", 1)[0] in options:
            key, value = w.split("=", 1)
        elif w[:1] == "-" and w[:2] in options and len(w) > 2 and not w.startswith("--"):
            key, value = w[:2], w[2:]
        if value is not None:
            param, kind = options[key]
            if kind is int:
                if not value.isdigit():
                    return None  # click says what is wrong with it
                params[param] = int(value)
            else:
                params[param] = value
            continue
        if w.startswith("-") and w != "-":
            if name in _TAKES_REVS and w[1:].isdigit():
                rest.append(w)  # a revision counted back from the newest
                continue
            return None
        rest.append(w)
    for param, nargs in positionals:
        if nargs == -1:
            params[param] = tuple(rest)
            rest = []
        elif rest:
            params[param] = rest.pop(0)
        else:
            return None
    if rest or (name == "add" and not params["paths"]):
        return None
    return directory, name, params


def main() -> None:
    argv = sys.argv[1:]
    try:
        parsed = fast_parse(argv)
        if parsed is None:
            from vcs.clickapp import cli
            cli.main(args=argv, prog_name="vcs")
            return
        directory, name, params = parsed
        if directory:
            change_dir(directory)
        code = run(globals()[name], params)
        sys.stdout.flush()
        sys.exit(code)
    except UsageError as e:
        from vcs import render
        render.error(e.message, e.hint)
        sys.exit(e.exit_code)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except OSError as e:
        # An I/O failure we did not turn into a VcsError (a full disk, say): no traceback.
        from vcs import render
        name = f" {e.filename!r}" if e.filename else ""
        render.error(f"{e.strerror or e}{name}", "the operation did not complete; the repository "
                     "is as it was before it")
        sys.exit(Exit.ERROR)


def change_dir(directory: str) -> None:
    try:
        os.chdir(directory)
    except OSError as e:
        raise UsageError(f"cannot change to {directory}: {e.strerror}") from None


def _quiet_broken_pipe() -> None:
    # The reader went away (a pager closed, `| head`): stop quietly.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)
