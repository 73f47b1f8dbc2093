"""The click application: every command's options, arguments, help and example.

The only module that imports click. Each command hands its parsed arguments to
its body in vcs/cli.py, the same body the fast path there calls.
"""
from __future__ import annotations

import os
import sys

import click

from vcs import __version__, cli as commands
from vcs.errors import Exit, UsageError, VcsError

REV_ARGS = {"ignore_unknown_options": True}  # so `vcs cat -1 FILE` reads -1 as a revision

# git commands vcs has no counterpart for (yet), and what to use instead where there is
# something. A command vcs gains leaves this list.
GIT_ONLY = {
    "mv": "move the file, then `vcs commit -A` records the old path removed and the new one added",
    "stash": None, "merge": None, "rebase": None, "cherry-pick": None, "revert": None,
    "branch": "vcs has no branch names: commit on an older revision (`vcs checkout REV`) to start "
              "another line of work, and `vcs tag NAME` to name a revision",
    "switch": "`vcs checkout REV`",
    "reset": "`vcs restore PATH` puts files back; `vcs checkout REV` moves to another revision",
    "push": "`vcs export | git fast-import` moves the history into git",
    "pull": "`git fast-export --all | vcs import` reads a git history into an empty repository",
    "clone": "`git fast-export --all | vcs import` reads a git history into an empty repository",
    "fetch": None, "remote": None, "blame": None, "annotate": None, "bisect": None, "clean": None,
    "grep": None, "reflog": None, "fsck": "`vcs verify`", "shortlog": "`vcs log --oneline`",
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
    """Runs command bodies through `commands.run`: errors and exit codes in one place;
    click's own usage errors look like vcs's; a mistyped command gets the closest names."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's main, whoever calls it (vcs's main, a test's runner), with every error
        shown as `error:`/`hint:` and its exit code; never click's Usage/Error block."""
        from vcs.cli import render
        try:
            code = super().main(args, "vcs", complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            if isinstance(e, getattr(click.exceptions, "NoArgsIsHelpError", ())):
                e.show()  # bare `vcs`: the help, as a usage error
            else:
                render.error(*_usage_error(e))
            code = Exit.USAGE
        except click.ClickException as e:
            render.error(e.format_message(), None)
            code = e.exit_code
        except click.Abort:  # Ctrl-C while click parsed
            sys.stderr.write("interrupted\n")
            code = Exit.INTERRUPTED
        except VcsError as e:
            render.error(e.message, e.hint)
            code = e.exit_code
        if not standalone_mode:
            return code
        sys.exit(code or 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(Exit.INTERRUPTED)

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


class Count(click.IntRange):
    """A count (-n, -U) of 0 or more, read by `commands.count`: a number too long for
    int() is the largest count, as on the fast path."""

    def __init__(self):
        super().__init__(min=0)

    def _number_class(self, value):
        return commands.count(value) if isinstance(value, str) else int(value)  # a default is an int


def _body(name: str):
    """A click callback that runs the command body `name` and exits with its code."""
    def callback(**params):
        ctx = click.get_current_context()
        code = commands.run(getattr(commands, name), params, ctx.find_root().obj, ctx.command_path)
        if code:
            ctx.exit(code)
    callback.__name__ = name
    return callback


@click.group(cls=VcsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="vcs", message="%(prog)s %(version)s")
@click.option("-C", "directory", metavar="DIR", help="Run as if vcs was started in DIR.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default=None,
              help="Colour the output: auto (on a terminal), always or never.")
@click.option("--no-pager", is_flag=True, help="Never page log, diff and show.")
@click.pass_context
def cli(ctx: click.Context, directory: str | None, color: str | None, no_pager: bool) -> None:
    """vcs: version control on a log of deltas.

    \b
    Example:
      vcs init && vcs commit -A -m "first" && vcs log
    """
    from vcs.cli.terminal import UI
    ctx.obj = UI(color, not no_pager)
    if directory:
        code = commands.run(lambda ui, directory: commands.change_dir(directory), {"directory": directory})
        if code:
            ctx.exit(code)


def _cmd(name, help, example, params, **settings):
    cb = _body(name)
    for p in reversed(params):
        cb = p(cb)
    return cli.command(name, help=f"{help}\n\n\b\nExample:\n  {example}", **settings)(cb)


_cmd("init", "Create a repository (.vcs/) in DIRECTORY.", "vcs init myproject --storage auto", [
    click.argument("directory", default="."),
    click.option("--storage", type=click.Choice(["auto", "delta", "full"]), default="auto",
                 show_default=True, help="How file versions are stored."),
])
_cmd("add", "Track files; a folder adds the files under it.", "vcs add README.md src/", [
    click.argument("paths", nargs=-1, required=True),
])
_cmd("rm", "Stop tracking files (and delete them, unless --cached).", "vcs rm --cached build.log", [
    click.argument("paths", nargs=-1, required=True),
    click.option("--cached", is_flag=True, help="Stop tracking but keep the files on disk."),
    click.option("-f", "--force", is_flag=True, help="Delete files even if their changes are not committed."),
])
_cmd("commit", "Record the tracked files (or PATHS) as a new revision.", 'vcs commit -A -m "Add the parser"', [
    click.argument("paths", nargs=-1),
    click.option("-m", "--message", "messages", multiple=True,
                 help="The commit message (otherwise $VISUAL or $EDITOR opens); several -m are paragraphs."),
    click.option("-F", "--file", metavar="FILE", help="Read the message from FILE (- for stdin)."),
    click.option("-A", "--addremove", is_flag=True,
                 help="Also add untracked files and record missing ones as removed."),
])
_JSON = click.option("--json", "as_json", is_flag=True, help="One JSON object per line (schema: README).")
_BINARY_HELP = "Write binary changes as git's binary patches, which git apply applies."

_cmd("status", "Show modified (M), added (A), removed (R), missing (!) and untracked (?) files.",
     "vcs status src/", [
         click.argument("paths", nargs=-1),
         click.option("--ignored", is_flag=True, help="Also list ignored files (I)."),
         click.option("-u", "--untracked-files", "untracked", type=click.Choice(["no", "normal", "all"]),
                      default="normal", show_default=True,
                      help="normal: a folder holding no tracked file as one line (dir/); all: every file; no: none."),
         _JSON,
     ])
_cmd("log", "Show the history, newest first: REV and its ancestors if given, else every revision; only "
     "those that change PATHs if given.\n\nRevisions come first, then paths; put -- before paths that look "
     "like revisions.", "vcs log -n 5 --stat HEAD~1 src/", [
    click.argument("args", nargs=-1, metavar="[REV...] [[--] PATH...]"),
    click.option("-r", "--rev", "revs", multiple=True, help="Start from REV (and its ancestors)."),
    click.option("-n", "--limit", type=Count(), help="Show at most N revisions."),
    click.option("--oneline", is_flag=True, help="One line per revision."),
    click.option("--stat", is_flag=True, help="Show which files changed and how much."),
    click.option("-p", "--patch", is_flag=True, help="Show each revision's diff."),
    _JSON,
    click.option("--binary", is_flag=True, help=_BINARY_HELP + " Implies -p."),
], cls=_KeepDoubleDash)
_cmd("checkout", "Make the working tree equal to revision REV.", "vcs checkout -1", [
    click.argument("rev"),
    click.option("-f", "--force", is_flag=True, help="Discard uncommitted changes that are in the way."),
], context_settings=REV_ARGS)
_cmd("restore", "Put files back as they are in a revision.", "vcs restore -r 3 README.md", [
    click.argument("paths", nargs=-1, required=True),
    click.option("-r", "--rev", "rev", help="The revision to restore from (default: the checked-out one)."),
], context_settings=REV_ARGS)
_cmd("diff", "Show changes: the working tree against HEAD, or against REV, or REV against REV.\n\n"
     "Revisions come first, then paths; put -- before paths that look like revisions.",
     "vcs diff 0 -1 --stat", [
         click.argument("args", nargs=-1),
         click.option("--stat", is_flag=True, help="Show a summary of the changes."),
         click.option("-U", "--unified", "context", type=Count(), default=3,
                      show_default=True, help="Lines of context."),
         click.option("--name-only", is_flag=True, help="Only the names of the changed files."),
         click.option("--exit-code", is_flag=True, help="Exit with 1 if there are differences."),
         click.option("--json", "as_json", is_flag=True, help="The --stat figures as JSON, one file per line."),
         click.option("--binary", is_flag=True, help=_BINARY_HELP),
     ], context_settings=REV_ARGS, cls=_KeepDoubleDash)
_cmd("cat", "Print the exact bytes of PATH at revision REV.", "vcs cat -1 README.md > old-readme.md", [
    click.argument("rev"),
    click.argument("path"),
], context_settings=REV_ARGS)
_cmd("replay", "Show how PATH at REV is rebuilt: the whole version its chain starts from, "
     "each delta replayed, the hash check, and the time each took.", "vcs replay -1 src/core.py", [
         click.argument("rev"),
         click.argument("path"),
         click.option("--json", "as_json", is_flag=True, help="The steps as JSON, one per line."),
     ], context_settings=REV_ARGS)
_cmd("show", "Show a revision's metadata and its diff against its parent.", "vcs show HEAD~1", [
    click.argument("rev", default="HEAD"),
    click.option("--stat", is_flag=True, help="A summary instead of the diff."),
    click.option("-U", "--unified", "context", type=Count(), default=3, help="Lines of context."),
    _JSON,
    click.option("--binary", is_flag=True, help=_BINARY_HELP),
], context_settings=REV_ARGS)
_cmd("tag", "Name revision REV (default: the checked-out one): vcs tag NAME [REV].\n\n"
     "Without a name, list the tags; with -d, delete the tags named.", "vcs tag v1.0 -1", [
    click.argument("names", nargs=-1, metavar="[NAME [REV]]"),
    click.option("-f", "--force", is_flag=True, help="Move the tag if it exists."),
    click.option("-d", "--delete", is_flag=True, help="Delete the tags named."),
    _JSON,
], context_settings=REV_ARGS, cls=_KeepDoubleDash)
_cmd("tags", "List tags, newest revision first (as `vcs tag`).", "vcs tags", [_JSON])
_cmd("stats", "Show how each file's versions are stored: whole, deltas, chains, bytes.", "vcs stats --json", [
    click.argument("paths", nargs=-1),
    click.option("--json", "as_json", is_flag=True, help="Machine-readable output."),
])
_cmd("verify", "Rebuild every stored version and check every record, commit and ref.", "vcs verify", [])
_cmd("upgrade", "Upgrade .vcs/ to this vcs's format, in place (the first command that writes does it too).",
     "vcs upgrade", [])


@cli.command("help", help="Show the help of vcs, or of COMMAND (as `vcs COMMAND --help`).\n\n\b\nExample:\n"
             "  vcs help config set")
@click.argument("words", metavar="[COMMAND]...", nargs=-1)
@click.pass_context
def help_command(ctx: click.Context, words: tuple[str, ...]) -> None:
    ctx, command = ctx.find_root(), cli
    for word in words:
        names = command.list_commands(ctx) if isinstance(command, click.Group) else []
        sub = command.get_command(ctx, word) if isinstance(command, click.Group) else None
        if sub is None:
            raise unknown_command(word, names)
        ctx, command = click.Context(sub, info_name=word, parent=ctx), sub
    click.echo(command.get_help(ctx), color=ctx.color)


@cli.group("config", invoke_without_command=False)
def config_group() -> None:
    """Read and write settings: the repository's .vcs/config.toml, or with --user yours.

    \b
    Keys: user.name, user.email, ui.color (auto|always|never), ui.pager,
    storage.policy (auto|delta|full), storage.rules.GLOB (a policy for
    matching files, e.g. storage.rules.*.png = full), alias.NAME (a command).
    Example:
      vcs config set user.name "Ada Lovelace" --user
    """


_USER = click.option("--user", is_flag=True, help="Your config file, not the repository's.")


def _sub(name: str, body: str, help: str, example: str, params) -> None:
    cb = _body(body)
    for p in reversed(params):
        cb = p(cb)
    config_group.command(name, help=f"{help}\n\n\b\nExample:\n  {example}")(cb)


_sub("get", "config_get", "Print a key's value (exit 1 if it is not set).", "vcs config get user.email",
     [click.argument("key"), _USER])
_sub("set", "config_set", "Set a key.", "vcs config set storage.rules.*.png full",
     [click.argument("key"), click.argument("value"), _USER])
_sub("unset", "config_unset", "Remove a key.", "vcs config unset ui.pager", [click.argument("key"), _USER])
_sub("list", "config_list", "List every key set, the repository's over yours.", "vcs config list",
     [_USER])


def _complete_rev(ctx, param, incomplete: str):
    """Revisions for shell completion: tags, HEAD, and the newest revision numbers."""
    from click.shell_completion import CompletionItem
    try:
        from vcs.repo.repository import Repository
        repo = Repository.find()
        words = ["HEAD", *sorted(repo.tags()), *[str(n) for n in range(len(repo) - 1, max(-1, len(repo) - 20), -1)]]
    except Exception:  # completion must never fail loudly
        words = ["HEAD"]
    return [CompletionItem(w) for w in words if w.startswith(incomplete)]


for _name in ("checkout", "cat", "show", "tag", "replay"):
    _command = cli.commands.get(_name)
    if _command is not None:
        for _param in _command.params:
            if _param.name == "rev" or _param.name == "names":  # tag's: a tag or a revision
                _param._custom_shell_complete = _complete_rev


def _complete_path(ctx, param, incomplete: str):
    """Paths for shell completion: tracked files (for `add`, untracked ones too), relative
    to the current folder, one folder level at a time as git completes them. For bash
    they are `path` items, which its script treats as file names (quoted, no space after
    a folder); where none match, bash completes file names itself (`complete -o default`)."""
    from click.shell_completion import CompletionItem
    try:
        from vcs.repo.repository import Repository
        repo = Repository.find()
        paths = list(repo.dirstate().files)
        if ctx.command.name == "add":
            from vcs.porcelain.status import status
            paths += status(repo, untracked="all").untracked  # every file: levels are cut below
        here = os.path.relpath(os.getcwdb(), repo.root)
        words = _next_level(paths, b"" if here == b"." else here + b"/", os.fsencode(incomplete))
    except Exception:  # completion must never fail loudly
        return []
    kind = "path" if os.environ.get("_VCS_COMPLETE", "").startswith("bash") else "plain"
    return [CompletionItem(os.fsdecode(w), type=kind) for w in words]


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


_PATH_ARGS = {"add": "paths", "rm": "paths", "commit": "paths", "status": "paths", "log": "args",
              "diff": "args", "restore": "paths", "cat": "path", "replay": "path", "stats": "paths"}
for _name, _arg in _PATH_ARGS.items():
    for _param in cli.commands[_name].params:
        if _param.name == _arg:
            _param._custom_shell_complete = _complete_path


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


_cmd("completion", "Print a shell completion script (revisions and tags complete too).",
     'eval "$(vcs completion bash)"   # in ~/.bashrc; zsh and fish alike', [
         click.argument("shell", type=click.Choice(["bash", "zsh", "fish"])),
     ])
_cmd("export", "Write the whole history as a git fast-import stream (to stdout, or to FILE with -o).",
     "vcs export | (cd ../mirror && git init -q && git fast-import && git checkout main)", [
         click.option("-o", "--output", metavar="FILE", help="Write the stream to FILE instead of stdout."),
     ])
_cmd("import", "Read a git fast-export stream (stdin, or FILE) into this empty repository, then check "
     "out its main branch.", "git -C ../project fast-export --all | vcs import", [
         click.argument("file", required=False),
     ])
