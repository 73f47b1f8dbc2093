"""The click application, built from the spec: every command's help, usage errors and completion.

The only module that imports click. Each click command is made from its record in
vcs/cli/spec.py (the fast path in vcs/cli/main.py reads the same records) and hands
its parsed arguments to its body in vcs/cli/commands.py through
`vcs.cli.errors.run`; click's own errors become vcs's (`error:`, `hint:`, exit 2)
through the same reporter. help and completion are this module's own commands.
"""
from __future__ import annotations

import os
import sys

import click

from vcs import __version__
from vcs.cli import commands, spec
from vcs.cli.errors import exit_code_for, report, run
from vcs.errors import UsageError, VcsError

# git commands vcs has no counterpart for (yet), and what to use instead where there is
# something. A command vcs gains leaves this list.
GIT_ONLY = {
    "rebase": None,
    "switch": "`vcs checkout BRANCH`, or `vcs checkout -b NAME` to create one",
    "reset": "`vcs restore PATH` puts files back; `vcs checkout REV` moves to another revision; "
             "`vcs undo` takes back the last commit, keeping its changes",
    "bisect": None, "clean": None,
    "grep": None, "reflog": "`vcs op log`", "fsck": "`vcs verify`", "shortlog": "`vcs log --oneline`",
}


def unknown_command(name: str, names) -> UsageError:
    """A mistyped command gets the names close to it, and only those (`mv` is not `rm`);
    a git command vcs lacks says so."""
    if name in GIT_ONLY:
        return UsageError(f"vcs has no `{name}` command (yet)", hint=GIT_ONLY[name] or "`vcs help` lists the commands")
    import difflib
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.75)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else "`vcs help` lists the commands"
    return UsageError(f"unknown command {name!r}", hint=hint)


class VcsGroup(click.Group):
    """Runs command bodies through `run`, and hands click's own errors to `report`: they
    look like vcs's; a mistyped command gets the closest names."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's main, whoever calls it (vcs's main, a test's runner), with every error
        shown as `error:`/`hint:` and its exit code; never click's Usage/Error block."""
        try:
            code = super().main(args, "vcs", complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            usage = UsageError(*_usage_error(e))
            if isinstance(e, getattr(click.exceptions, "NoArgsIsHelpError", ())):
                e.show()  # bare `vcs`: the help, as a usage error
                code = exit_code_for(usage)
            else:
                code = report(usage)
        except click.ClickException as e:  # none is raised outside a body today (click.edit's is caught)
            code = report(VcsError(e.format_message()))
        except click.Abort:  # Ctrl-C while click parsed
            code = report(KeyboardInterrupt())
        except VcsError as e:
            code = report(e)
        if not standalone_mode:
            return code
        sys.exit(code or 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as e:
            ctx.exit(report(e))

    def resolve_command(self, ctx: click.Context, args):
        name = args[0] if args else None
        if name is not None and self.get_command(ctx, name) is None and not name.startswith("-"):
            raise unknown_command(name, self.list_commands(ctx))
        return super().resolve_command(ctx, args)


def _usage_error(e: click.UsageError) -> tuple[str, str]:
    """click's message in vcs's words (`no such option '-a'`), and a hint naming the
    command's help (with click's did-you-mean for an option)."""
    message = e.message if isinstance(e, click.NoSuchOption) else e.format_message()
    message = " ".join(message.split()).rstrip(".")  # one line: click may list choices on several
    if message[1:2].islower():
        message = message[0].lower() + message[1:]
    see = f"see `{e.ctx.command_path if e.ctx else 'vcs'} --help`"
    close = getattr(e, "possibilities", None)
    return message, f"did you mean {' or '.join(repr(c) for c in close)}? {see}" if close else see


class _KeepDoubleDash(click.Command):
    """diff and log tell revisions from paths themselves, and tag a name from an
    option, so they need to see `--`, which click's parser consumes: doubling it
    leaves one among the arguments."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            at = args.index("--")
            args = args[:at] + ["--"] + args[at:]
        return super().parse_args(ctx, args)


class _OptionalValues(click.Command):
    """An option that takes a value only after `=` (`--conflict`, `--conflict=diff3`):
    alone, it is given the empty value before click parses, as the fast path reads it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        names = {n for p in self.params if isinstance(p, click.Option) and getattr(p, "optional_value", False)
                 for n in p.opts}
        end = args.index("--") if "--" in args else len(args)
        args = [a + "=" if i < end and a in names else a for i, a in enumerate(args)]
        return super().parse_args(ctx, args)


class Count(click.IntRange):
    """A count (-n, -U) of 0 or more, read by `spec.count`: a number too long for
    int() is the largest count, as on the fast path."""

    def __init__(self):
        super().__init__(min=0)

    def _number_class(self, value):
        return spec.count(value) if isinstance(value, str) else int(value)  # a default is an int


# -- building the commands from the spec --------------------------------------------------

def _option(o: spec.Option) -> click.Option:
    """The click option for a spec's option (--version is click's own)."""
    attrs: dict = {"help": o.help}
    if o.kind == "flag":
        attrs["is_flag"] = True
    elif o.kind == "multiple":
        attrs["multiple"] = True
    elif o.kind == "count":
        attrs["type"] = Count()
    elif o.kind == "choice":
        attrs["type"] = click.Choice(list(o.choices))
    elif o.kind == "optional":  # `--conflict` becomes `--conflict=` before click parses (_OptionalValues)
        attrs["type"] = click.Choice(["", *o.choices])
    if o.default is not None:
        attrs["default"] = o.default
    if o.metavar:
        attrs["metavar"] = o.metavar
    if o.show_default:
        attrs["show_default"] = True
    option = click.Option([*o.names, o.dest], **attrs)
    option.optional_value = o.kind == "optional"
    return option


def _argument(a: spec.Argument) -> click.Argument:
    """The click argument for a spec's argument, with its shell completion."""
    attrs: dict = {"nargs": a.nargs, "required": spec.required(a)}
    if a.default is not None:
        attrs["default"] = a.default
    if a.metavar:
        attrs["metavar"] = a.metavar
    if a.choices:
        attrs["type"] = click.Choice(list(a.choices))
    if a.complete:
        attrs["shell_complete"] = _complete_rev if a.complete == "revs" else _complete_path(a.complete == "paths")
    return click.Argument([a.name], **attrs)


def _body(body):
    """A click callback that runs a command body and exits with its code."""
    def callback(**params):
        ctx = click.get_current_context()
        code = run(body, params, ctx.find_root().obj, ctx.command_path)
        if code:
            ctx.exit(code)
    callback.__name__ = body.__name__
    return callback


def _command(c: spec.Command, callback=None) -> click.Command:
    """The click command (or group) for a spec's command. `callback`: the click app's
    own, for the commands that have no body in vcs/cli/commands.py."""
    settings: dict = {"context_settings": {"ignore_unknown_options": True}} if c.revs else {}
    params = [*map(_argument, c.arguments), *(_option(o) for o in c.options if o.kind != "version")]
    if c.subcommands:
        if c.body:  # the group alone runs its own body (`vcs remote` lists, as git's does)
            body = _body(getattr(commands, c.body))

            def alone(**values):
                if click.get_current_context().invoked_subcommand is None:
                    body(**values)
            group = click.Group(c.name, help=spec.help_text(c), params=params, callback=alone,
                                invoke_without_command=True, **settings)
        else:
            group = click.Group(c.name, help=spec.help_text(c), params=params, **settings)
        for sub in c.subcommands:
            group.add_command(_command(sub))
        return group
    cls = _KeepDoubleDash if c.dashdash else _OptionalValues if any(o.kind == "optional" for o in c.options) \
        else click.Command
    callback = callback or _body(getattr(commands, c.body or c.name))
    return cls(c.name, callback=callback, params=params, help=spec.help_text(c), **settings)


def _root(ctx: click.Context, directory: str | None, color: str | None, no_pager: bool) -> None:
    from vcs.cli.terminal import UI
    ctx.obj = UI(color, not no_pager)
    if directory:
        code = run(commands.change_dir, {"directory": directory})
        if code:
            ctx.exit(code)


def _version(o: spec.Option) -> click.Option:
    """click's --version option, with the spec's names and help."""
    def holder():
        pass
    click.version_option(__version__, *o.names, prog_name="vcs", message="%(prog)s %(version)s", help=o.help)(holder)
    return holder.__click_params__[0]


cli = VcsGroup("vcs", callback=click.pass_context(_root), help=spec.help_text(spec.ROOT),
               params=[_version(o) if o.kind == "version" else _option(o) for o in spec.ROOT.options],
               context_settings={"help_option_names": ["-h", "--help"]})


@click.pass_context
def _help(ctx: click.Context, words: tuple[str, ...]) -> None:
    """`vcs help [COMMAND]...`: the help of vcs or of a command, as `--help` shows it."""
    ctx, command = ctx.find_root(), cli
    for word in words:
        if not isinstance(command, click.Group):
            # `vcs help stash pop`: pop is an action stash takes, and stash's help tells it.
            if any(isinstance(p, click.Argument) and isinstance(p.type, click.Choice) and word in p.type.choices
                   for p in command.params):
                break
            raise UsageError(f"`{ctx.command_path}` has no subcommand {word!r}",
                             hint=f"`vcs help {' '.join(words[:words.index(word)])}` shows what it takes")
        sub = command.get_command(ctx, word)
        if sub is None:
            raise unknown_command(word, command.list_commands(ctx))
        ctx, command = click.Context(sub, info_name=word, parent=ctx), sub
    click.echo(command.get_help(ctx), color=ctx.color)


def completion(ui, shell: str) -> None:
    """`vcs completion SHELL`: a body, as those in vcs/cli/commands.py, that needs click."""
    ui.plain().raw(completion_script(shell).encode())


# -- shell completion -----------------------------------------------------------------------

def _complete_rev(ctx, param, incomplete: str):
    """Revisions for shell completion: branches, tags, HEAD, and the newest revision numbers."""
    from click.shell_completion import CompletionItem
    try:
        from vcs.repo.repository import Repository
        repo = Repository.find()
        words = ["HEAD", *sorted(repo.state.view.branches), *sorted(repo.tags()),
                 *[str(n) for n in range(len(repo) - 1, max(-1, len(repo) - 20), -1)]]
    except Exception:  # completion must never fail loudly
        words = ["HEAD"]
    return [CompletionItem(w) for w in words if w.startswith(incomplete)]


def _complete_path(untracked: bool):
    """Paths for shell completion: tracked files (with `untracked`, as for `add`, untracked
    ones too), relative to the current folder, one folder level at a time as git
    completes them. For bash they are `path` items, which its script treats as file
    names (quoted, no space after a folder); where none match, bash completes file
    names itself (`complete -o default`)."""
    def complete(ctx, param, incomplete: str):
        from click.shell_completion import CompletionItem
        try:
            from vcs.repo.repository import Repository
            repo = Repository.find()
            paths = list(repo.dirstate().files)
            if untracked:
                from vcs.porcelain.status import status
                paths += status(repo, untracked="all").untracked  # every file: levels are cut below
            here = os.path.relpath(os.getcwdb(), repo.root)
            words = _next_level(paths, b"" if here == b"." else here + b"/", os.fsencode(incomplete))
        except Exception:  # completion must never fail loudly
            return []
        kind = "path" if os.environ.get("_VCS_COMPLETE", "").startswith("bash") else "plain"
        return [CompletionItem(os.fsdecode(w), type=kind) for w in words]
    return complete


def _next_level(paths, folder: bytes, typed: bytes) -> list[bytes]:
    """The paths under `folder` that start with `typed`, relative to it, each cut after
    the first folder past what was typed (`src/`)."""
    words = set()
    for p in paths:
        if p.startswith(folder) and p[len(folder):].startswith(typed):
            rel = p[len(folder):]
            cut = rel.find(b"/", len(typed))
            words.add(rel if cut < 0 else rel[:cut + 1])
    return sorted(words)


def completion_script(shell: str) -> str:
    from click.shell_completion import get_completion_class
    cls = get_completion_class(shell)
    source = cls(cli, {}, "vcs", "_VCS_COMPLETE").source()
    return _bash_paths(source) if shell == "bash" else source


def _bash_paths(source: str) -> str:
    """click's bash script, plus `path` items (file names: quoted, a folder gets no space)
    and bash's own file-name completion where vcs offers nothing (`-o default`)."""
    path_branch = ("        if [[ $type == 'path' ]]; then\n"
                   "            compopt -o filenames\n"
                   "            COMPREPLY+=(\"$value\")\n"
                   "        el")
    return source.replace("        if [[ $type == 'dir' ]]", path_branch + "if [[ $type == 'dir' ]]", 1) \
        .replace("complete -o nosort -F", "complete -o default -o nosort -F", 1)


# The commands, each from its spec; help and completion are this module's own.
_OWN = {"help": _help, "completion": _body(completion)}
for _c in spec.COMMANDS:
    cli.add_command(_command(_c, _OWN.get(_c.name)))
