"""The command bodies: parsed arguments in, an exit code out.

Each is parse -> one porcelain call -> one render call, as hatch's and ugit's
commands are. Both parsers call them with the same arguments: the fast path
(vcs/cli/main.py) and the click app (vcs/cli/clickapp.py), each from the spec
(vcs/cli/spec.py) that names the body of every command. A body raises VcsErrors
and never decides an exit code for them (vcs/cli/errors.py does); porcelain and
render are imported inside each body, so a command imports only what it uses.
"""
from __future__ import annotations

import os
import sys

from vcs.cli.errors import Exit
from vcs.errors import UsageError, VcsError


def _repo(note: bool = True, at_op: str | None = None):
    """The repository; with `note`, a warning first if a checkout (or an import's) was
    interrupted, saying what to run: commands that refuse or finish it pass False.
    With `at_op`, read-only, as it was after that operation (--at-op)."""
    from vcs.cli import render
    from vcs.repo.repository import Repository
    repo = Repository.find(warn=render.warn)
    if at_op is not None:
        return repo.at_op(at_op)
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
            raise UsageError(f"no such option {v!r}")  # the reporter's hint names the command's help


def init(ui, directory: str, storage: str, branch: str | None = None) -> None:
    from vcs.porcelain import init as porcelain
    repo = porcelain.init(directory, storage, branch)
    ui.out().line(f"initialized an empty vcs repository in {os.fsdecode(repo.root)}/.vcs (storage: {storage}; "
                  f"branch: {repo.state.view.head_branch})")


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


def commit(ui, paths, messages: tuple[str, ...], addremove: bool, file: str | None = None,
           amend: bool = False, no_edit: bool = False, interactive: bool = False) -> None:
    from vcs.porcelain import commit as porcelain
    from vcs.cli import render
    if messages and file is not None:
        raise UsageError("-m and -F cannot be used together", hint="give the message one way")
    if no_edit and (not amend or messages or file is not None):
        raise UsageError("--no-edit goes with --amend, without -m or -F", hint="vcs commit --amend --no-edit")
    repo = _repo(note=False)
    message = _paragraphs(messages) if messages else _read_message(file) if file is not None else None
    if no_edit:
        message = _old_message
    editor = _MessageEditor(repo) if message is None else None
    choose = None
    if interactive:
        from vcs.cli.hunkprompt import choose_hunks as choose
    try:
        result = porcelain.commit(repo, message if message is not None else editor.ask,
                                  addremove=addremove, paths=list(paths) or None, amend=amend, choose=choose)
    except VcsError as e:
        if editor is not None and editor.kept and not editor.failed:
            e.hint = "; ".join(filter(None, [e.hint, editor.reuse()]))
        raise
    render.committed(ui.out(repo), result.rev, result.id, result.message, len(result.changed),
                     len(result.removed), result.detached, result.moves)


def _old_message(scan, old: str) -> str:
    """--amend --no-edit: the message stays."""
    return old


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

    def ask(self, scan, old: str | None = None) -> str:
        import click

        from vcs.cli import render
        from vcs.errors import StateError
        from vcs.storage.log import atomic_write
        lines = [old.rstrip("\n") if old else "", "# Write the commit message. Lines starting with '#' are ignored;",
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


def status(ui, paths, ignored: bool = False, as_json: bool = False, untracked: str = "normal",
           at_op: str | None = None) -> None:
    from vcs.porcelain import status as porcelain
    from vcs.cli import render
    if at_op is not None:  # the files are today's: only the refs of that operation
        from vcs.cli import render_ops
        repo = _repo(at_op=at_op)
        return render_ops.refs(ui.out(repo), repo, as_json)
    repo = _repo()
    render.status(ui.out(repo), porcelain.status(repo, list(paths) or None, ignored=ignored, untracked=untracked),
                  as_json)
    if repo.state.view.merge is not None:
        render.merging(repo.state.view.merge)
    if repo.state.view.head != repo.state.view.wc:  # a push moved the checked-out branch
        from vcs.cli import render_remote
        moved = render_remote.moved_under(repo)
        if moved is not None:
            sys.stderr.write(f"note: {moved[0]}\nhint: {moved[1]}\n")


def log(ui, args, limit: int | None, oneline: bool, stat: bool, patch: bool, as_json: bool = False,
        revs=(), binary: bool = False, hidden: bool = False, at_op: str | None = None, graph: bool = False,
        first_parent: bool = False, authors=(), greps=(), since: str | None = None, until: str | None = None,
        follow: bool = False) -> None:
    from vcs.cli import render
    from vcs.porcelain import log as porcelain
    patch = patch or binary  # as git's: --binary asks for patches
    match = porcelain.log_filter(authors, greps, since, until)
    repo = _repo(at_op=at_op)
    if hidden:
        entries = porcelain.hidden(repo, limit, list(args) or None, with_diffs=stat or patch or as_json)
    else:
        starts, paths, excludes = porcelain.log_args(repo, list(args), list(revs))
        entries = porcelain.entries(repo, limit, paths or None, with_diffs=stat or patch or as_json, starts=starts,
                                excludes=excludes, first_parent=first_parent, match=match,
                                graph=graph and not as_json, follow=follow)
    render.log(ui.out(repo, page=not as_json), entries, oneline, stat, patch, as_json=as_json, binary=binary,
               graph=graph and not hidden)


def checkout(ui, rev: str | None, force: bool, new_branch: str | None = None, conflict: str | None = None,
             paths=()) -> None:
    from vcs.porcelain import checkout as porcelain
    from vcs.cli import render
    if conflict is not None:
        if rev is None:
            raise UsageError("checkout --conflict needs the paths of conflicts", hint="vcs checkout --conflict PATH")
        return _recreate_conflicts(ui, [rev, *paths], conflict or None)
    if paths:
        raise UsageError("checkout takes one revision", hint="`vcs restore -r REV PATH...` puts files back as they "
                         "are in REV")
    if rev is None and new_branch is None:
        raise UsageError("checkout needs a revision or a branch", hint="vcs checkout REV, or vcs checkout -b NAME [REV]")
    _check_revs([rev] if rev is not None else [])
    repo = _repo(note=False)
    with render.progress("checking out") as progress:
        result = porcelain.checkout(repo, rev, force, progress=progress, new_branch=new_branch)
    render.checked_out(ui.out(repo), result)


def _recreate_conflicts(ui, paths: list[str], style: str | None) -> None:
    from vcs.cli import render
    from vcs.porcelain import resolve as porcelain
    repo = _repo(note=False)
    done = porcelain.recreate(repo, paths, style)
    out = ui.out(repo)
    for path in done:
        out.line(f"conflict drawn again in {render.where(out, path)}")


def merge(ui, rev: str | None = None, no_ff: bool = False, ff_only: bool = False, no_commit: bool = False,
          message: str | None = None, abort: bool = False) -> None:
    from vcs.porcelain import merge as porcelain
    if abort:
        return _abort(ui, rev, "merge")
    if rev is None:
        raise UsageError("merge needs the revision to merge", hint="vcs merge BRANCH   (or vcs merge --abort)")
    if no_ff and ff_only:
        raise UsageError("--no-ff and --ff-only cannot be used together")
    _check_revs([rev])
    repo = _repo(note=False)
    _merged(ui, repo, porcelain.merge(repo, rev, ff="no" if no_ff else "only" if ff_only else "auto",
                                      commit=not no_commit, message=message))


def cherry_pick(ui, rev: str | None = None, record_origin: bool = False, no_commit: bool = False,
                abort: bool = False) -> None:
    from vcs.porcelain import merge as porcelain
    if abort:
        return _abort(ui, rev, "cherry-pick")
    if rev is None:
        raise UsageError("cherry-pick needs the revision to pick", hint="vcs cherry-pick REV")
    _check_revs([rev])
    repo = _repo(note=False)
    _merged(ui, repo, porcelain.cherry_pick(repo, rev, record_origin=record_origin, commit=not no_commit))


def revert(ui, rev: str | None = None, no_commit: bool = False, abort: bool = False) -> None:
    from vcs.porcelain import merge as porcelain
    if abort:
        return _abort(ui, rev, "revert")
    if rev is None:
        raise UsageError("revert needs the revision to undo", hint="vcs revert REV")
    _check_revs([rev])
    repo = _repo(note=False)
    _merged(ui, repo, porcelain.revert(repo, rev, commit=not no_commit))


def _merged(ui, repo, result) -> None:
    """Show what a merge, cherry-pick or revert did; conflicts end it with their error."""
    from vcs.cli import render
    from vcs.errors import ConflictError
    render.merged(ui.out(repo), result)
    if result.kind == "conflicts":
        left = [p for p, _ in result.conflicts if p not in result.resolved_before]
        if left:
            raise ConflictError(f"the {result.op} stopped with {render.plural(len(left), 'conflict')}",
                                hint="fix them, then `vcs resolve --mark PATH` and `vcs commit`; "
                                     f"`vcs {result.op} --abort` gives it up")
        raise ConflictError(f"the {result.op} stopped: its {render.plural(len(result.conflicts), 'conflict')} "
                            "were resolved as before", hint="check them, then `vcs commit` (or `vcs resolve "
                                                            "--unmark PATH` to do one again)")


def _abort(ui, rev: str | None, command: str) -> None:
    from vcs.porcelain import resolve as porcelain
    if rev is not None:
        raise UsageError(f"{command} --abort takes no revision")
    repo = _repo(note=False)
    from vcs.cli.render import plural
    result = porcelain.abort(repo)
    ui.out(repo).line(f"{result.op} aborted: the working tree is back at revision {result.rev} "
                      f"({plural(len(result.written), 'file')} written, {len(result.deleted)} deleted)")


def resolve(ui, paths, list_: bool = False, mark: bool = False, unmark: bool = False, every: bool = False,
            as_json: bool = False) -> None:
    from vcs.cli import render
    from vcs.porcelain import resolve as porcelain
    if sum((list_, mark, unmark)) > 1:
        raise UsageError("choose one of --list, --mark and --unmark")
    if (paths or every) and not (mark or unmark):
        raise UsageError("paths and --all go with --mark or --unmark", hint="vcs resolve --mark PATH...")
    repo = _repo()
    out = ui.out(repo)
    if mark or unmark:
        for path in porcelain.mark(repo, list(paths), resolved=mark, every=every):
            out.line(f"{'resolved' if mark else 'unresolved'} {render.where(out, path)}")
        return
    render.conflicts(out, *porcelain.conflicts(repo), as_json)


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


def cat(ui, rev: str, path: str, at_op: str | None = None) -> None:
    from vcs.porcelain import diff as porcelain
    _check_revs([rev])
    ui.plain().raw(porcelain.cat(_repo(at_op=at_op), rev, path))


def show(ui, rev: str, stat: bool, context: int, as_json: bool = False, binary: bool = False,
         at_op: str | None = None) -> None:
    from vcs.cli import render
    from vcs.porcelain import log as porcelain
    _check_revs([rev])
    repo = _repo(at_op=at_op)
    entry = porcelain.show_rev(repo, rev)
    render.log(ui.out(repo, page=not as_json), [entry], stat=stat, patch=not stat, context=context,
               as_json=as_json, binary=binary)


def tag(ui, names, force: bool = False, delete: bool = False, as_json: bool = False,
        at_op: str | None = None) -> None:
    """`tag` lists, `tag NAME [REV]` names a revision, `tag -d NAME...` deletes, as git's."""
    from vcs.porcelain import tags as porcelain
    from vcs.cli import render
    names = list(names)
    at = names.index("--") if "--" in names else len(names)
    _check_revs(names[:at])  # `tag -x`: a mistyped option, never a tag named -x
    del names[at:at + 1]
    if not names and not delete:
        return tags(ui, as_json, at_op)
    if at_op is not None:
        raise UsageError("--at-op goes with the list form: `vcs tag --at-op OP`")
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


def branch(ui, names, verbose: bool = False, delete: bool = False, force_delete: bool = False, move: bool = False,
           force: bool = False, remotes: bool = False, all_: bool = False, as_json: bool = False,
           at_op: str | None = None) -> None:
    """`branch` lists, `branch NAME [REV]` creates, `-d`/`-D NAME...` delete, `-m [OLD] NEW`
    renames, as git's; `-r` lists the remote-tracking branches, `-a` both."""
    from vcs.porcelain import branch as porcelain
    from vcs.cli import render
    names = list(names)
    at = names.index("--") if "--" in names else len(names)
    _check_revs(names[:at])  # `branch -x`: a mistyped option, never a branch named -x
    del names[at:at + 1]
    if (delete or force_delete) + move > 1:
        raise UsageError("-d (or -D) and -m cannot be used together")
    if not names and not (delete or force_delete or move):
        repo = _repo(at_op=at_op)
        rows = [] if remotes and not all_ else porcelain.branches(repo, summaries=verbose)
        if remotes or all_:
            rows += porcelain.remote_branches(repo, summaries=verbose)
        return render.branches(ui.out(repo), rows, verbose, as_json, prefix="remotes/" if all_ else "")
    if remotes or all_:
        raise UsageError(f"{'-r' if remotes else '-a'} goes with the list form: `vcs branch {'-r' if remotes else '-a'}`",
                         hint="a remote-tracking branch moves with `vcs fetch`")
    if at_op is not None:
        raise UsageError("--at-op goes with the list form: `vcs branch --at-op OP`")
    if as_json or verbose:
        raise UsageError(f"{'--json' if as_json else '-v'} goes with the list form: `vcs branch {'--json' if as_json else '-v'}`")
    repo = _repo()
    out = ui.out(repo)
    if delete or force_delete:
        if not names:
            raise UsageError("branch -d needs the names of the branches to delete", hint="vcs branch -d NAME...")
        for name, n in porcelain.delete(repo, names, force=force_delete or force):
            out.line(f"deleted branch {render.text(name)} (was revision {n})")
    elif move:
        if len(names) > 2:
            raise UsageError(f"branch -m takes at most two names, not {len(names)}", hint="vcs branch -m [OLD] NEW")
        if not names:
            raise UsageError("branch -m needs the new name", hint="vcs branch -m [OLD] NEW")
        old = porcelain.rename(repo, names[0] if len(names) == 2 else None, names[-1], force)
        out.line(f"renamed branch {render.text(old)} to {render.text(names[-1])}")
    else:
        if len(names) > 2:
            raise UsageError(f"branch takes a name and at most one revision, not {len(names)} arguments",
                             hint="vcs branch NAME [REV]   (vcs branch -d NAME... deletes branches)")
        rev, was = porcelain.create(repo, names[0], names[1] if len(names) > 1 else None, force)
        moved = "" if was is None else f" (was revision {was})"
        out.line(f"branch {render.text(names[0])} at revision {rev}{moved}")


def heads(ui, as_json: bool = False, at_op: str | None = None) -> None:
    from vcs.cli import render
    from vcs.porcelain import branch as porcelain
    repo = _repo(at_op=at_op)
    render.heads(ui.out(repo), porcelain.heads(repo), as_json)


def tags(ui, as_json: bool = False, at_op: str | None = None) -> None:
    from vcs.cli import render
    from vcs.porcelain import tags as porcelain
    repo = _repo(at_op=at_op)
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
    from vcs.cli import render
    repo = _repo()
    with render.progress("building the line origins") as progress:
        before, built = porcelain.upgrade(repo, progress)
    out = ui.out(repo)
    if before != repo.format:
        out.line(f"upgraded .vcs/ from format {before} to format {repo.format}")
    if built:
        out.line(f"built the line origins of {render.plural(built, 'file version')} (for annotate)")
    if before == repo.format and not built:
        out.line(f".vcs/ has format {repo.format} already: nothing to do")


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
    ui.out(repo).line(f"exported {render.plural(result.revisions, 'revision')}, "
                      f"{len(result.branches)} branch{'es' * (len(result.branches) != 1)} and "
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


def undo(ui, force: bool = False) -> None:
    from vcs.cli import render_ops
    from vcs.porcelain import undo as porcelain
    repo = _repo(note=False)
    render_ops.undone(ui.out(repo), repo, porcelain.undo(repo, force))


def redo(ui, force: bool = False) -> None:
    from vcs.cli import render_ops
    from vcs.porcelain import undo as porcelain
    repo = _repo(note=False)
    render_ops.undone(ui.out(repo), repo, porcelain.redo(repo, force))


def op_restore(ui, op: str, force: bool = False) -> None:
    from vcs.cli import render_ops
    from vcs.porcelain import undo as porcelain
    repo = _repo(note=False)
    render_ops.undone(ui.out(repo), repo, porcelain.restore(repo, op, force))


def op_log(ui, limit: int | None = None, as_json: bool = False) -> None:
    from vcs.cli import render_ops
    from vcs.porcelain import undo as porcelain
    repo = _repo()
    render_ops.op_log(ui.out(repo, page=not as_json), repo, porcelain.op_log(repo, limit), as_json)


def stash(ui, action: str | None = None, n: str | None = None, message: str | None = None) -> int:
    from vcs.cli import render, render_ops
    from vcs.porcelain import stash as porcelain
    action = action or "push"
    if n is not None and action in ("push", "list"):
        raise UsageError(f"stash {action} takes no N", hint="vcs stash pop|apply|show|drop [N]")
    if message is not None and action != "push":
        raise UsageError("-m goes with `vcs stash push`")
    repo = _repo(note=action in ("list", "show"))
    if action == "list":
        render_ops.stash_list(ui.out(repo), porcelain.entries(repo))
    elif action == "show":
        from vcs.porcelain import diff
        entry = porcelain._entry(repo, n)
        parent = repo.parent_rev(entry.rev)
        revs = [str(entry.rev)] if parent is None else [str(parent), str(entry.rev)]
        render.diffs(ui.out(repo, page=True), diff.diff(repo, revs, None))
    elif action == "drop":
        render_ops.stash_dropped(ui.out(repo), porcelain.drop(repo, n))
    else:
        result = porcelain.push(repo, message) if action == "push" else porcelain.apply(repo, n, pop=action == "pop")
        render_ops.stashed(ui.out(repo), action, result)
        return Exit.NOTHING if result.conflicts else Exit.OK
    return Exit.OK


def change_dir(ui, directory: str) -> None:
    """-C DIR: run as if vcs was started in DIR."""
    try:
        os.chdir(directory)
    except OSError as e:
        raise UsageError(f"cannot change to {directory}: {e.strerror}") from None


# -- working with others: clone, remote, fetch, pull, push, serve (vcs.porcelain.remote) --

def clone(ui, source: str, directory: str | None, storage: str = "auto") -> None:
    from vcs.cli import render, render_remote, remotes
    from vcs.porcelain import remote as porcelain
    dest = directory or render_remote.default_directory(source)
    source = remotes.normalize(source)
    result = porcelain.clone(dest, source, lambda url, name: remotes.connect(url, name), storage,
                             warn=render.warn)
    render_remote.cloned(ui.out(), result)


def remote_add(ui, name: str, url: str) -> None:
    from vcs.porcelain import remote as porcelain
    porcelain.add_remote(_repo(), name, url)


def remote_remove(ui, name: str) -> None:
    from vcs.porcelain import remote as porcelain
    gone = porcelain.remove_remote(_repo(), name)
    if gone:
        ui.out().line(f"removed remote {name!r} and its {gone} remote-tracking branch{'es' * (gone != 1)}")


def remote_rename(ui, old: str, new: str) -> None:
    from vcs.porcelain import remote as porcelain
    porcelain.rename_remote(_repo(), old, new)


def remote_list(ui, verbose: bool = False) -> None:
    from vcs.cli import render_remote
    from vcs.porcelain import remote as porcelain
    render_remote.remote_list(ui.out(), porcelain.list_remotes(_repo()), verbose)


def _remote(repo, name: str | None):
    """(the remote's name, its URL, a connected Remote)."""
    from vcs.cli import remotes
    from vcs.porcelain import remote as porcelain
    name = name or "origin"
    url = porcelain.remote_url(repo, name)
    return name, url, remotes.connect(url, name, repo)


def fetch(ui, remote: str | None) -> None:
    from vcs.cli import render_remote
    from vcs.porcelain import remote as porcelain
    repo = _repo()
    name, url, conn = _remote(repo, remote)
    try:
        result = porcelain.fetch(repo, name, conn, url)
    finally:
        conn.close()
    render_remote.fetched(ui.out(repo), result)


def pull(ui, remote: str | None, branch: str | None) -> None:
    from vcs.cli import render_remote
    from vcs.porcelain import remote as porcelain
    repo = _repo()
    name, url, conn = _remote(repo, remote)
    try:
        result = porcelain.pull(repo, name, conn, branch, url)
    finally:
        conn.close()
    render_remote.pulled(ui.out(repo), result)


def push(ui, remote: str | None, branch: str | None, force: bool = False, delete: bool = False) -> int:
    from vcs.cli import render_remote
    from vcs.porcelain import remote as porcelain
    repo = _repo()
    if branch == "HEAD":  # `vcs push origin HEAD`: the current branch, as git's
        branch = None
    if delete and branch is None:
        # `vcs push -d main`: one word is the REMOTE, so say the form with the branch the user meant.
        example = f"vcs push -d --force origin {remote}" if remote and remote not in porcelain.remotes(repo) \
            else f"vcs push -d --force {remote or 'origin'} BRANCH"
        raise UsageError("--delete needs the REMOTE and the BRANCH to delete there", hint=example)
    name, url, conn = _remote(repo, remote)
    try:
        result = porcelain.push(repo, name, conn, [branch] if branch else None, force, url, delete)
    finally:
        conn.close()
    render_remote.pushed(ui.out(repo), result)


def serve(ui, path: str, stdio: bool = False) -> int | None:
    from vcs.cli import render
    from vcs.interop.vcs import server
    if not stdio:
        raise UsageError("vcs serve speaks only over stdin and stdout: `vcs serve --stdio PATH`")
    from vcs.cli.errors import exit_code_for
    sys.stdout.flush()
    try:
        # Big buffers: a bundle is many small frames.
        with open(sys.stdin.fileno(), "rb", buffering=1 << 20, closefd=False) as rfile, \
                open(sys.stdout.fileno(), "wb", buffering=1 << 20, closefd=False) as wfile:
            server.serve(path, rfile, wfile, render.warn)
    except VcsError as e:  # the client was told (an X frame) and shows it: not twice
        return exit_code_for(e)


# -- annotate and renames -------------------------------------------------------------

def annotate(ui, path: str, rev: str | None = None, lines: str | None = None, ignore_space: bool = False,
             first_parent: bool = False, as_json: bool = False, at_op: str | None = None) -> None:
    from vcs.cli import render
    from vcs.porcelain import annotate as porcelain
    if rev is not None:
        _check_revs([rev])
    repo = _repo(at_op=at_op)
    with render.progress("building the line origins") as progress:
        result = porcelain.annotate(repo, rev, path, first_parent, ignore_space, lines, progress)
    render.annotate(ui.out(repo, page=not as_json), result, as_json)


def mv(ui, sources, dest: str) -> None:
    from vcs.cli import render
    from vcs.porcelain import moves as porcelain
    repo = _repo()
    render.moved(ui.out(repo), porcelain.mv(repo, list(sources), dest))
