"""The command line: each command parses, makes one api call, makes one render call.

This is the only module that knows click. Errors are `VcsError`s, turned into
`error: ... / hint: ...` on stderr and the error's exit code in `main`.
"""
from __future__ import annotations

import os
import re
import sys

import click

from vcs import __version__
from vcs.errors import Exit, UsageError, VcsError

# The rest of vcs is imported inside the commands that need it, so `vcs --version`
# and a mistyped command pay only for click.

REV_ARGS = {"ignore_unknown_options": True}  # so `vcs cat -1 FILE` reads -1 as a revision
_NEGATIVE = re.compile(r"^-\d+$")


def _repo():
    from vcs import render
    from vcs.repo import Repository
    return Repository.find(warn=render.warn)


def _check_revs(values: tuple[str, ...] | list[str]) -> None:
    """With unknown options allowed through, a real typo must still be an error."""
    for v in values:
        if v.startswith("-") and not _NEGATIVE.match(v):
            raise click.NoSuchOption(v)


class VcsGroup(click.Group):
    """Turns our errors into `error:`/`hint:` lines and exit codes, in one place."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except VcsError as e:
            from vcs import render
            render.error(e.message, e.hint)
            ctx.exit(e.exit_code)
        except KeyboardInterrupt:
            sys.stderr.write("interrupted\n")
            ctx.exit(Exit.INTERRUPTED)


@click.group(cls=VcsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="vcs", message="%(prog)s %(version)s")
@click.option("-C", "directory", metavar="DIR", help="Run as if vcs was started in DIR.")
def cli(directory: str | None) -> None:
    """vcs: version control on a log of deltas.

    \b
    Example:
      vcs init && vcs commit -A -m "first" && vcs log
    """
    if directory:
        try:
            os.chdir(directory)
        except OSError as e:
            raise UsageError(f"cannot change to {directory}: {e.strerror}") from None


@cli.command()
@click.argument("directory", default=".")
@click.option("--storage", type=click.Choice(["auto", "delta", "full"]), default="auto",
              show_default=True, help="How file versions are stored.")
def init(directory: str, storage: str) -> None:
    """Create a repository (.vcs/) in DIRECTORY.

    \b
    Example:
      vcs init myproject --storage auto
    """
    from vcs import api
    repo = api.init(directory, storage)
    click.echo(f"initialized an empty vcs repository in {os.fsdecode(repo.root)}/.vcs (storage: {storage})")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
def add(paths: tuple[str, ...]) -> None:
    """Track files; a folder adds the files under it.

    \b
    Example:
      vcs add README.md src/
    """
    from vcs import api
    from vcs import render
    added = api.add(_repo(), list(paths))
    for p in added:
        click.echo(f"adding {render.show(p)}")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--cached", is_flag=True, help="Stop tracking but keep the files on disk.")
def rm(paths: tuple[str, ...], cached: bool) -> None:
    """Stop tracking files (and delete them, unless --cached).

    \b
    Example:
      vcs rm --cached build.log
    """
    from vcs import api
    from vcs import render
    removed = api.rm(_repo(), list(paths), cached)
    for p in removed:
        click.echo(f"removing {render.show(p)}")


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("-m", "--message", help="The commit message (otherwise $VISUAL or $EDITOR opens).")
@click.option("-A", "--addremove", is_flag=True, help="Also add untracked files and record missing ones as removed.")
def commit(paths: tuple[str, ...], message: str | None, addremove: bool) -> None:
    """Record the tracked files (or PATHS) as a new revision.

    \b
    Example:
      vcs commit -A -m "Add the parser"
    """
    from vcs import api
    from vcs import render
    repo = _repo()
    result = api.commit(repo, message if message is not None else _edit_message,
                        addremove=addremove, paths=list(paths) or None)
    msg = repo.read_commit(result.rev).message
    render.committed(render.Out(), result.rev, result.id, msg, len(result.changed), len(result.removed))


def _edit_message(scan) -> str:
    from vcs import render
    lines = ["", "# Write the commit message. Lines starting with '#' are ignored;",
             "# an empty message aborts the commit.", "#"]
    for code, paths in (("modified", scan.modified), ("added", scan.added), ("removed", scan.removed)):
        lines += [f"#   {code}: {render.show(p)}" for p in paths]
    edited = click.edit("\n".join(lines) + "\n", require_save=False)
    if edited is None:
        return ""
    return "\n".join(line for line in edited.splitlines() if not line.startswith("#")).strip() + "\n"


@cli.command()
@click.argument("paths", nargs=-1)
def status(paths: tuple[str, ...]) -> None:
    """Show modified (M), added (A), removed (R), missing (!) and untracked (?) files.

    \b
    Example:
      vcs status src/
    """
    from vcs import api
    from vcs import render
    repo = _repo()
    target = api.interrupted_checkout(repo)
    if target is not None:
        render.warn(f"a checkout of revision {target} was interrupted; run `vcs checkout {target}` to finish it")
    render.status(render.Out(), api.status(repo, list(paths) or None))


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("-n", "--limit", type=click.IntRange(min=0), help="Show at most N revisions.")
@click.option("--oneline", is_flag=True, help="One line per revision.")
@click.option("--stat", is_flag=True, help="Show which files changed and how much.")
@click.option("-p", "--patch", is_flag=True, help="Show each revision's diff.")
def log(paths: tuple[str, ...], limit: int | None, oneline: bool, stat: bool, patch: bool) -> None:
    """Show the history, newest first.

    \b
    Example:
      vcs log -n 5 --stat src/
    """
    from vcs import report
    from vcs import render
    entries = report.log(_repo(), limit, list(paths) or None, with_diffs=stat or patch)
    render.log(render.Out(), entries, oneline, stat, patch)


@cli.command(context_settings=REV_ARGS)
@click.argument("rev")
@click.option("-f", "--force", is_flag=True, help="Discard uncommitted changes that are in the way.")
def checkout(rev: str, force: bool) -> None:
    """Make the working tree equal to revision REV.

    \b
    Example:
      vcs checkout -1
    """
    from vcs import api
    from vcs import render
    _check_revs([rev])
    result = api.checkout(_repo(), rev, force)
    click.echo(f"at revision {result.rev} ({result.id.hex()[:12]}): {render.plural(len(result.written), 'file')} "
               f"written, {len(result.deleted)} deleted")
    if result.kept:
        click.echo(f"kept uncommitted changes in {len(result.kept)} file(s)")


@cli.command(context_settings=REV_ARGS)
@click.argument("paths", nargs=-1, required=True)
@click.option("-r", "--rev", "rev", help="The revision to restore from (default: the checked-out one).")
def restore(paths: tuple[str, ...], rev: str | None) -> None:
    """Put files back as they are in a revision.

    \b
    Example:
      vcs restore -r 3 README.md
    """
    from vcs import api
    _check_revs(paths)
    restored = api.restore(_repo(), list(paths), rev)
    click.echo(f"restored {len(restored)} file{'s' * (len(restored) != 1)}")


@cli.command(context_settings=REV_ARGS)
@click.argument("args", nargs=-1)
@click.option("--stat", is_flag=True, help="Show a summary of the changes.")
@click.option("-U", "--unified", "context", type=click.IntRange(min=0), default=3, show_default=True,
              help="Lines of context.")
@click.option("--name-only", is_flag=True, help="Only the names of the changed files.")
@click.option("--exit-code", is_flag=True, help="Exit with 1 if there are differences.")
def diff(args: tuple[str, ...], stat: bool, context: int, name_only: bool, exit_code: bool) -> None:
    """Show changes: the working tree against HEAD, or against REV, or REV against REV.

    Paths come after revisions; use -- to separate them if a path looks like a revision.

    \b
    Examples:
      vcs diff
      vcs diff 0 -1 --stat
      vcs diff HEAD~2 -- src/
    """
    from vcs import report
    from vcs import render
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
    if exit_code and changes:
        sys.exit(Exit.NOTHING)


def _split_revs(repo, args: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Leading arguments that name revisions (at most two), then paths."""
    args_l = list(args)
    if "--" in args_l:
        i = args_l.index("--")
        revs, paths = args_l[:i], args_l[i + 1:]
        _check_revs(revs)
        return revs, paths
    _check_revs(args_l)
    from vcs.revisions import resolve
    revs = []
    for a in args_l[:2]:
        if os.path.lexists(a) and not _NEGATIVE.match(a):
            break
        try:
            resolve(repo, a)
        except VcsError:
            if revs or not os.path.lexists(a):
                if len(revs) < 2 and not os.path.lexists(a):
                    raise
            break
        revs.append(a)
    return revs, args_l[len(revs):]


@cli.command(context_settings=REV_ARGS)
@click.argument("rev")
@click.argument("path")
def cat(rev: str, path: str) -> None:
    """Print the exact bytes of PATH at revision REV.

    \b
    Example:
      vcs cat -1 README.md > old-readme.md
    """
    from vcs import report
    from vcs import render
    _check_revs([rev])
    render.Out(color=False).raw(report.cat(_repo(), rev, path))


@cli.command(context_settings=REV_ARGS)
@click.argument("rev", default="HEAD")
@click.option("--stat", is_flag=True, help="A summary instead of the diff.")
@click.option("-U", "--unified", "context", type=click.IntRange(min=0), default=3, help="Lines of context.")
def show(rev: str, stat: bool, context: int) -> None:
    """Show a revision's metadata and its diff against its parent.

    \b
    Example:
      vcs show HEAD~1
    """
    from vcs import report
    from vcs import render
    _check_revs([rev])
    entry = report.show_rev(_repo(), rev)
    render.log(render.Out(), [entry], stat=stat, patch=not stat, context=context)


@cli.command(context_settings=REV_ARGS)
@click.argument("name")
@click.argument("rev", required=False)
@click.option("-f", "--force", is_flag=True, help="Move the tag if it exists.")
def tag(name: str, rev: str | None, force: bool) -> None:
    """Name revision REV (default: the checked-out one).

    \b
    Example:
      vcs tag v1.0 -1
    """
    from vcs import api
    from vcs import render
    if rev is not None:
        _check_revs([rev])
    name, n = api.tag(_repo(), name, rev, force)
    click.echo(f"tagged revision {n} as {render.text(name)}")


@cli.command()
def tags() -> None:
    """List tags, newest revision first.

    \b
    Example:
      vcs tags
    """
    from vcs import report
    from vcs import render
    render.tags(render.Out(), report.tags(_repo()))


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(paths: tuple[str, ...], as_json: bool) -> None:
    """Show how each file's versions are stored: whole, deltas, chains, bytes.

    \b
    Example:
      vcs stats --json
    """
    from vcs import report
    from vcs import render
    render.stats(render.Out(), report.stats(_repo(), list(paths) or None), as_json)


@cli.command()
def verify() -> None:
    """Rebuild every stored version and check every record, commit and ref.

    \b
    Example:
      vcs verify
    """
    from vcs import render
    from vcs.verify import verify as run_verify
    result = run_verify(_repo())
    render.verify(render.Out(), result)
    if not result.ok:
        sys.exit(Exit.CORRUPT)


def main() -> None:
    try:
        cli.main(prog_name="vcs")
    except BrokenPipeError:
        _quiet_broken_pipe()
    except OSError as e:
        # An I/O failure we did not turn into a VcsError (a full disk, say): no traceback.
        name = f" {e.filename!r}" if e.filename else ""
        render.error(f"{e.strerror or e}{name}", "the operation did not complete; the repository "
                     "is as it was before it")
        sys.exit(Exit.ERROR)


def _quiet_broken_pipe() -> None:
    # The reader went away (a pager closed, `| head`): stop quietly.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)
