"""The command line: the `vcs` entry point and the body of every command.

Each command is parse -> one porcelain call -> one render call. Parsing, help and
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
        from vcs.cli.clickapp import cli
        return cli
    raise AttributeError(name)


# -- the command bodies: parsed arguments in, an exit code out ---------------------------

def _repo(note: bool = True):
    """The repository; with `note`, a warning first if a checkout (or an import's) was
    interrupted, saying what to run: commands that refuse or finish it pass False."""
    from vcs.cli import render
    from vcs.repo.repository import Repository
    repo = Repository.find(warn=render.warn)
    if note and os.path.exists(repo.path("checkout")):
        from vcs.repo.journal import interrupted
        try:
            told = interrupted(repo)
        except VcsError as e:
            told = (e.message, e.hint)
        if told is not None:
            render.warn(f"{told[0]}; {told[1]}" if told[1] else told[0])
    return repo


def _check_revs(values) -> None:
    """Revision arguments may be negative numbers; any other dash-word is a mistyped option."""
    for v in values:
        if v.startswith("-") and v != "-" and not v[1:].isdigit():
            raise UsageError(f"no such option {v!r}")  # run's hint names the command's help


def init(ui, directory: str, storage: str) -> None:
    from vcs.porcelain import init as porcelain
    repo = porcelain.init(directory, storage)
    ui.out().line(f"initialized an empty vcs repository in {os.fsdecode(repo.root)}/.vcs (storage: {storage})")


def add(ui, paths) -> None:
    from vcs.porcelain import track as porcelain
    from vcs.cli import render
    repo = _repo()
    render.paths(ui.out(repo), "adding", porcelain.add(repo, list(paths)))


def rm(ui, paths, cached: bool, force: bool = False) -> None:
    from vcs.porcelain import track as porcelain
    from vcs.cli import render
    repo = _repo()
    render.paths(ui.out(repo), "removing", porcelain.rm(repo, list(paths), cached, force))


def commit(ui, paths, messages: tuple[str, ...], addremove: bool, file: str | None = None) -> None:
    from vcs.porcelain import commit as porcelain
    from vcs.cli import render
    if messages and file is not None:
        raise UsageError("-m and -F cannot be used together", hint="give the message one way")
    repo = _repo(note=False)
    message = _paragraphs(messages) if messages else _read_message(file) if file is not None else None
    editor = _MessageEditor(repo) if message is None else None
    try:
        result = porcelain.commit(repo, message if message is not None else editor.ask,
                            addremove=addremove, paths=list(paths) or None)
    except VcsError as e:
        if editor is not None and editor.kept and not editor.failed:
            e.hint = "; ".join(filter(None, [e.hint, editor.reuse()]))
        raise
    render.committed(ui.out(repo), result.rev, result.id, result.message, len(result.changed),
                     len(result.removed))


def _paragraphs(messages: tuple[str, ...]) -> str:
    """Several -m are paragraphs, as git joins them: a blank line between, empty ones
    dropped. One -m is kept as typed."""
    if len(messages) == 1:
        return messages[0]
    return "\n\n".join(m.rstrip("\n") for m in messages if m.strip())


def _read_message(file: str) -> str:
    """-F FILE: the message as the file holds it (`-` reads stdin), as git's -F."""
    try:
        if file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(file, "rb") as f:
                data = f.read()
    except OSError as e:
        raise UsageError(f"cannot read {file}: {e.strerror}") from None
    return data.decode("utf-8", "surrogateescape")


class _MessageEditor:
    """The message from $VISUAL or $EDITOR, edited in .vcs/COMMIT_EDITMSG as git's.

    What the editor saved, comment lines dropped, stays in that file (`kept`), so a
    failing editor or a commit that fails after it loses nothing: `reuse` says how
    to commit it with -F.
    """

    def __init__(self, repo):
        self.path = repo.path("COMMIT_EDITMSG")
        self.kept = self.failed = False

    def reuse(self) -> str:
        shown = os.path.relpath(self.path)
        return f"your message is kept in {shown}: `vcs commit -F {shown}` commits it"

    def ask(self, scan) -> str:
        import click

        from vcs.cli import render
        from vcs.errors import StateError
        from vcs.storage.log import atomic_write
        lines = ["", "# Write the commit message. Lines starting with '#' are ignored;",
                 "# an empty message aborts the commit.", "#"]
        for code, paths in (("modified", scan.modified), ("added", scan.added), ("removed", scan.removed)):
            lines += [f"#   {code}: {render.show(p)}" for p in paths]
        try:
            atomic_write(self.path, ("\n".join(lines) + "\n").encode(), durable=False)
        except OSError as e:
            raise StateError(f"cannot write {self.path}: {e.strerror}; nothing was committed") from None
        try:
            click.edit(filename=self.path)
        except click.ClickException as e:
            self.failed = True
            self._keep()
            if self.kept:
                shown = os.path.relpath(self.path)
                raise StateError(f"the editor failed: {e.message}; your message is kept in {shown}",
                                 hint=f"commit it with `vcs commit -F {shown}`, or set $VISUAL or $EDITOR "
                                      "to an editor that works") from None
            raise StateError(f"the editor failed: {e.message}",
                             hint="set $VISUAL or $EDITOR to an editor that works, or give the message "
                                  "with -m") from None
        return self._keep()

    def _keep(self) -> str:
        """The message the file holds, comment lines dropped; written back without them."""
        from vcs.storage.log import atomic_write
        try:
            with open(self.path, "rb") as f:
                edited = f.read().decode("utf-8", "surrogateescape")
        except OSError:
            return ""
        message = "\n".join(line for line in edited.splitlines() if not line.startswith("#")).strip()
        if not message:
            return ""
        try:
            atomic_write(self.path, (message + "\n").encode("utf-8", "surrogateescape"), durable=False)
            self.kept = True
        except OSError:
            pass  # the file still holds the message, with the template's comments
        return message + "\n"


def status(ui, paths, ignored: bool = False, as_json: bool = False, untracked: str = "normal") -> None:
    from vcs.porcelain import status as porcelain
    from vcs.cli import render
    repo = _repo()
    render.status(ui.out(repo), porcelain.status(repo, list(paths) or None, ignored=ignored, untracked=untracked),
                  as_json)


def log(ui, args, limit: int | None, oneline: bool, stat: bool, patch: bool, as_json: bool = False,
        revs=(), binary: bool = False) -> None:
    from vcs.cli import render
    from vcs.porcelain import log as porcelain
    patch = patch or binary  # as git's: --binary asks for patches
    repo = _repo()
    starts, paths = porcelain.log_args(repo, list(args), list(revs))
    entries = porcelain.log(repo, limit, paths or None, with_diffs=stat or patch or as_json, starts=starts)
    render.log(ui.out(repo, page=not as_json), entries, oneline, stat, patch, as_json=as_json, binary=binary)


def checkout(ui, rev: str, force: bool) -> None:
    from vcs.porcelain import checkout as porcelain
    from vcs.cli import render
    _check_revs([rev])
    repo = _repo(note=False)
    with render.progress("checking out") as progress:
        result = porcelain.checkout(repo, rev, force, progress=progress)
    render.checked_out(ui.out(repo), result)


def restore(ui, paths, rev: str | None) -> None:
    from vcs.porcelain import checkout as porcelain
    from vcs.cli import render
    _check_revs(paths)
    repo = _repo(note=False)
    restored = porcelain.restore(repo, list(paths), rev)
    ui.out(repo).line(f"restored {render.plural(len(restored), 'file')}")


def diff(ui, args, stat: bool, context: int, name_only: bool, exit_code: bool, as_json: bool = False,
         binary: bool = False) -> int:
    from vcs.cli import render
    from vcs.porcelain import diff as porcelain
    repo = _repo()
    revs, paths = _split_revs(repo, args)
    changes = porcelain.diff(repo, revs, paths or None, load=not name_only)
    out = ui.out(repo, page=not (as_json or exit_code and not (stat or name_only)))
    if as_json:
        render.diffstat_json(out, changes)
    elif name_only:
        render.name_only(out, changes)
    elif stat:
        render.diffstat(out, changes)
    else:
        render.diffs(out, changes, context, binary)
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
    from vcs.repo.revisions import resolve
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
    paths = args[len(revs):]
    for a in paths:
        if not os.path.lexists(a) and (a[1:] if a.startswith("-") else a).isdigit():
            raise UsageError(f"diff takes at most two revisions, and {a!r} is not a path",
                             hint="put -- before paths that look like revisions")
    return revs, paths


def cat(ui, rev: str, path: str) -> None:
    from vcs.porcelain import diff as porcelain
    _check_revs([rev])
    ui.plain().raw(porcelain.cat(_repo(), rev, path))


def show(ui, rev: str, stat: bool, context: int, as_json: bool = False, binary: bool = False) -> None:
    from vcs.cli import render
    from vcs.porcelain import log as porcelain
    _check_revs([rev])
    repo = _repo()
    entry = porcelain.show_rev(repo, rev)
    render.log(ui.out(repo, page=not as_json), [entry], stat=stat, patch=not stat, context=context,
               as_json=as_json, binary=binary)


def tag(ui, names, force: bool = False, delete: bool = False, as_json: bool = False) -> None:
    """`tag` lists, `tag NAME [REV]` names a revision, `tag -d NAME...` deletes, as git's."""
    from vcs.porcelain import tags as porcelain
    from vcs.cli import render
    names = list(names)
    at = names.index("--") if "--" in names else len(names)
    _check_revs(names[:at])  # `tag -x`: a mistyped option, never a tag named -x
    del names[at:at + 1]
    if not names and not delete:
        return tags(ui, as_json)
    if as_json:
        raise UsageError("--json goes with the list form: `vcs tag --json`")
    if delete:
        if not names:
            raise UsageError("tag -d needs the names of the tags to delete", hint="vcs tag -d NAME...")
        repo = _repo()
        for name, n in porcelain.tag_delete(repo, names):
            ui.out(repo).line(f"deleted tag {render.text(name)} (was revision {n})")
        return
    if len(names) > 2:
        raise UsageError(f"tag takes a name and at most one revision, not {len(names)} arguments",
                         hint="vcs tag NAME [REV]   (vcs tag -d NAME... deletes tags)")
    repo = _repo()
    name, n = porcelain.tag(repo, names[0], names[1] if len(names) > 1 else None, force)
    ui.out(repo).line(f"tagged revision {n} as {render.text(name)}")


def tags(ui, as_json: bool = False) -> None:
    from vcs.cli import render
    from vcs.porcelain import tags as porcelain
    repo = _repo()
    render.tags(ui.out(repo), porcelain.tags(repo), as_json)


def stats(ui, paths, as_json: bool) -> None:
    from vcs.cli import render
    from vcs.porcelain import stats as porcelain
    repo = _repo()
    render.stats(ui.out(repo), porcelain.stats(repo, list(paths) or None), as_json)


def verify(ui) -> int:
    from vcs.cli import render
    from vcs.repo.verify import verify as run_verify
    repo = _repo(note=False)
    with render.progress("verifying") as progress:
        result = run_verify(repo, progress)
    render.verify(ui.out(repo), result)
    return Exit.OK if result.ok else Exit.CORRUPT


def upgrade(ui) -> None:
    from vcs.porcelain import init as porcelain
    repo = _repo()
    before = porcelain.upgrade(repo)
    ui.out(repo).line(f"upgraded .vcs/ from format {before} to format {repo.format}" if before != repo.format
                      else f".vcs/ has format {repo.format} already: nothing to do")


def config_get(ui, key: str, user: bool) -> int:
    from vcs.porcelain import config as porcelain
    from vcs.cli import render
    value = porcelain.config_get(key, user)
    if value is None:
        return Exit.NOTHING  # as git: an unset key prints nothing and exits 1
    ui.out().line(render.config_value(value))
    return Exit.OK


def config_set(ui, key: str, value: str, user: bool) -> None:
    from vcs.porcelain import config as porcelain
    porcelain.config_set(key, value, user)


def config_unset(ui, key: str, user: bool) -> None:
    from vcs.porcelain import config as porcelain
    porcelain.config_set(key, None, user)


def config_list(ui, user: bool) -> None:
    from vcs.porcelain import config as porcelain
    from vcs.cli import render
    for key, value, _ in porcelain.config_list(user):
        ui.out().line(f"{key} = {render.config_value(value)}")


def completion(ui, shell: str) -> None:
    from vcs.cli.clickapp import completion_script
    ui.plain().raw(completion_script(shell).encode())


def replay(ui, rev: str, path: str, as_json: bool = False) -> None:
    from vcs.cli import render
    from vcs.porcelain import stats as porcelain
    _check_revs([rev])
    repo = _repo()
    render.replay(ui.out(repo), porcelain.replay(repo, rev, path), as_json)


def export(ui, output: str | None) -> None:
    from vcs.interop.git import exporter
    from vcs.cli import render
    repo = _repo()
    if output is None or output == "-":
        sys.stdout.flush()
        with render.progress("exporting") as progress:
            exporter.export_git(repo, sys.stdout.buffer, progress)
        sys.stdout.buffer.flush()
        return
    # Written beside FILE and renamed into place: a failed export leaves no half stream.
    tmp = f"{output}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as f, render.progress("exporting") as progress:
            result = exporter.export_git(repo, f, progress)
        os.replace(tmp, output)
    except OSError as e:
        raise UsageError(f"cannot write {output}: {e.strerror}") from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    heads = f" ({render.plural(len(result.heads), 'other head')} under refs/vcs/heads/)" if result.heads else ""
    ui.out(repo).line(f"exported {render.plural(result.revisions, 'revision')} and "
                      f"{render.plural(len(result.tags), 'tag')} to {output}{heads}")


def import_(ui, file: str | None) -> None:
    from vcs.interop.git import importer
    from vcs.cli import render
    from vcs.errors import StateError
    repo = _repo(note=False)
    if file is None or file == "-":
        if sys.stdin.isatty():
            raise UsageError("vcs import reads a git fast-export stream, and stdin is a terminal",
                             hint="git fast-export --all | vcs import   (or: vcs import FILE)")
        stream = sys.stdin.buffer
    else:
        try:
            stream = open(file, "rb")
        except OSError as e:
            raise UsageError(f"cannot read {file}: {e.strerror}") from None
    try:
        with render.progress("importing commits") as progress:
            result = importer.import_git(repo, stream, progress)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    render.imported(ui.out(repo), result)
    if result.checkout_error is not None:
        raise StateError(f"imported, but revision {result.head} was not checked out: "
                         f"{result.checkout_error.message}",
                         hint=f"move the files in the way, then run `vcs checkout {result.head}`")
    render.checked_out(ui.out(repo), result.checkout)


globals()["import"] = import_  # `import` is a keyword; clickapp looks the body up by the command's name


def run(body, params: dict, ui=None, command: str = "vcs") -> int:
    """Run a command body (`command`: its name as typed, `vcs config set`); our errors
    become `error:`/`hint:` lines and their exit code, and the pager is waited for."""
    from vcs.cli.terminal import UI
    ui = ui or UI()
    code = None
    try:
        code = _outcome(body, params, ui, command)
    finally:
        if ui.close(discard=code in (None, Exit.INTERRUPTED)):
            code = Exit.INTERRUPTED  # Ctrl-C while the pager showed the output
    return code


def _outcome(body, params: dict, ui, command: str) -> int:
    """The body's exit code. A usage error without a hint points to the command's help.
    A reader that went away (`| head`, a pager quit early) ends the command quietly
    with 0, as git does. Ctrl-C says so, except into a pager's terminal."""
    try:
        code = int(body(ui, **params) or 0)
        ui.flush()
        return code
    except VcsError as e:
        from vcs.cli import render
        hint = e.hint or (f"see `{command} --help`" if isinstance(e, UsageError) else None)
        render.error(e.message, hint)
        return int(e.exit_code)
    except BrokenPipeError:
        if not ui.paging:
            from vcs.cli.terminal import silence
            silence(sys.stdout)
        return Exit.OK
    except KeyboardInterrupt:
        if not ui.paging:
            sys.stderr.write("interrupted\n")
        return Exit.INTERRUPTED


# -- the fast path: plain forms of the everyday commands, without click -----------------

# command: (flags, options with a value, positional arguments); a positional with
# nargs -1 takes the rest; an option's kind is str, int, tuple (it may repeat, as
# click's multiple=True) or a tuple of its choices. Every name and default matches
# vcs/clickapp.py.
_UNTRACKED = ("no", "normal", "all")
_FAST: dict[str, tuple[dict, dict, list, dict]] = {
    "commit": ({"-A": "addremove", "--addremove": "addremove"},
               {"-m": ("messages", tuple), "--message": ("messages", tuple), "-F": ("file", str),
                "--file": ("file", str)},
               [("paths", -1)], {"messages": (), "addremove": False, "file": None}),
    "status": ({"--ignored": "ignored", "--json": "as_json"},
               {"-u": ("untracked", _UNTRACKED), "--untracked-files": ("untracked", _UNTRACKED)}, [("paths", -1)],
               {"ignored": False, "as_json": False, "untracked": "normal"}),
    "add": ({}, {}, [("paths", -1)], {}),
    "cat": ({}, {}, [("rev", 1), ("path", 1)], {}),
    "checkout": ({"-f": "force", "--force": "force"}, {}, [("rev", 1)], {"force": False}),
    "diff": ({"--stat": "stat", "--name-only": "name_only", "--exit-code": "exit_code", "--json": "as_json",
              "--binary": "binary"},
             {"-U": ("context", int), "--unified": ("context", int)}, [("args", -1)],
             {"stat": False, "name_only": False, "exit_code": False, "context": 3, "as_json": False,
              "binary": False}),
    "log": ({"--oneline": "oneline", "--stat": "stat", "-p": "patch", "--patch": "patch", "--json": "as_json",
             "--binary": "binary"},
            {"-n": ("limit", int), "--limit": ("limit", int), "-r": ("revs", tuple), "--rev": ("revs", tuple)},
            [("args", -1)],
            {"limit": None, "oneline": False, "stat": False, "patch": False, "as_json": False, "revs": (),
             "binary": False}),
}
_TAKES_REVS = {"cat", "checkout", "diff"}
_COLORS = ("auto", "always", "never")


def count(text: str) -> int:
    """A count from the command line (-n, -U), for the fast path and click alike.

    A number of more than 18 digits exceeds any history and any file: it means "all",
    as a huge `git log -n` shows everything, and becomes the largest count without
    reaching int(), which refuses numbers of more than 4,300 digits.
    """
    body = text.strip()
    sign = body[:1] if body[:1] in ("+", "-") else ""
    digits = body[len(sign):]
    if len(digits) > 18 and digits.isascii() and digits.isdigit():
        return -sys.maxsize if sign == "-" else sys.maxsize
    return int(text)


def fast_parse(argv: list[str]) -> tuple[dict, str, dict] | None:
    """(global options, command, params) for a plain command line, or None for click."""
    options: dict = {"directory": None, "color": None, "pager": True}
    while argv and argv[0].startswith("-"):
        w = argv[0]
        if w == "-C" and len(argv) >= 2:
            options["directory"], argv = argv[1], argv[2:]
        elif w == "--no-pager":
            options["pager"], argv = False, argv[1:]
        elif w.startswith("--color=") and w[8:] in _COLORS:
            options["color"], argv = w[8:], argv[1:]
        elif w == "--color" and len(argv) >= 2 and argv[1] in _COLORS:
            options["color"], argv = argv[1], argv[2:]
        else:
            return None
    if not argv or argv[0] not in _FAST:
        return None
    name, words = argv[0], argv[1:]
    flags, options_with_value, positionals, defaults = _FAST[name]
    params = dict(defaults)
    rest: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        i += 1
        if w == "--" and name in ("diff", "log"):
            # diff and log tell revisions from paths themselves and need to see the `--`
            # (click would swallow it): everything after it is a path.
            rest += words[i - 1:]
            break
        if w in flags:
            params[flags[w]] = True
            continue
        value = None
        if w in options_with_value:
            if i >= len(words):
                return None
            value, i = words[i], i + 1
            key = w
        elif w.startswith("--") and "=" in w and w.split("=", 1)[0] in options_with_value:
            key, value = w.split("=", 1)
        elif w[:1] == "-" and w[:2] in options_with_value and len(w) > 2 and not w.startswith("--"):
            key, value = w[:2], w[2:]
        if value is not None:
            param, kind = options_with_value[key]
            if kind is int:
                if not (value.isascii() and value.isdigit()):
                    return None  # click says what is wrong with it
                params[param] = count(value)
            elif kind is tuple:
                params[param] += (value,)
            elif isinstance(kind, tuple) and value not in kind:
                return None
            else:
                params[param] = value
            continue
        if w.startswith("-") and w != "-":
            if name in _TAKES_REVS and w[1:].isascii() and w[1:].isdigit():
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
    return options, name, params


def main() -> None:
    argv = sys.argv[1:]
    try:
        argv = expand_alias(argv)
        parsed = None if os.environ.get("_VCS_COMPLETE") else fast_parse(argv)
        if parsed is None:
            from vcs.cli.clickapp import cli
            cli.main(args=argv, prog_name="vcs")
            return
        options, name, params = parsed
        if options["directory"]:
            change_dir(options["directory"])
        from vcs.cli.terminal import UI
        code = run(globals()[name], params, UI(options["color"], options["pager"]), f"vcs {name}")
        sys.stdout.flush()
        sys.exit(code)
    except VcsError as e:  # before a command runs: a bad alias, a broken config file
        from vcs.cli import render
        render.error(e.message, e.hint)
        sys.exit(e.exit_code)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except OSError as e:
        # An I/O failure we did not turn into a VcsError (a full disk, say): no traceback.
        from vcs.cli import render
        name = f" {e.filename!r}" if e.filename else ""
        render.error(f"{e.strerror or e}{name}", "the operation did not complete; the repository "
                     "is as it was before it")
        sys.exit(Exit.ERROR)


def expand_alias(argv: list[str]) -> list[str]:
    """`[alias] st = "status -s"` in the config: the first word that is not a global
    option, if it names an alias and no command, is replaced by the alias's words."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in ("-C", "--color") else 1
    if i >= len(argv) or not argv[i] or argv[i] in _COMMANDS:  # "": no alias is named so
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
    if words[0] not in _COMMANDS:
        raise UsageError(f"alias {argv[i]!r} runs {words[0]!r}, which is not a vcs command")
    return argv[:i] + words + argv[i + 1:]


_COMMANDS = {"help", "init", "add", "rm", "commit", "status", "log", "checkout", "restore", "diff", "cat", "show",
             "tag", "tags", "stats", "verify", "config", "completion", "replay", "export", "import", "upgrade"}


def change_dir(directory: str) -> None:
    """-C DIR: run as if vcs was started in DIR."""
    try:
        os.chdir(directory)
    except OSError as e:
        raise UsageError(f"cannot change to {directory}: {e.strerror}") from None


def _quiet_broken_pipe() -> None:
    # The reader went away (a pager closed, `| head`): stop quietly.
    from vcs.cli.terminal import silence
    silence(sys.stdout)
    sys.exit(0)
