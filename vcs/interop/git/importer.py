"""Importing a `git fast-export` stream into an empty repository: `vcs import`.

`import_git` runs the whole import as one transaction (every commit or none), then
checks out the default branch's tip. `Importer` applies the stream's commands in
order, rebuilding each commit's tree with fast-import's rules, and stores each
commit through `vcs.repo.commits.commit_tree`, as `vcs commit` stores one. The
stream's format and its parser are in `vcs.interop.git.stream` (see its
docstring for what is kept and what is lost).
"""
from __future__ import annotations

import os
import re

from vcs import faults
from vcs.errors import NothingToDo, StateError, UsageError
from vcs.interop.git.stream import (GITLINK, MODES, NOTHING_IMPORTED, AliasCmd, BlobCmd, CommitCmd, NewFile, Reader,
                                    ResetCmd, TagCmd, _clip, commands, mark_number)
from vcs.model.objects import (SYMLINK, Entry, Manifest, ObjectId, content_id, file_on_path, format_tz, path_problem,
                               show)
from vcs.model.refs import branch_name_problem
from vcs.porcelain.checkout import checkout
from vcs.porcelain.tags import valid_tag_name
from vcs.records import record
from vcs.repo.commits import commit_tree
from vcs.repo.journal import check_no_interrupted_checkout, write_pending
from vcs.repo.repository import Repository


# -- the import: one transaction, then the checkout -----------------------------------

# checkout: the CheckoutResult, or None with checkout_error saying why it was refused.
ImportResult = record("ImportResult", "commits revisions merges tags skipped_tags branches head head_ref "
                                      "gitlinks checkout checkout_error")

# Pending records are written out (past the committed end, so still invisible and
# rolled back on error) every so often, so a long import does not hold them all.
IMPORT_FLUSH_BYTES = 64 << 20
IMPORT_FLUSH_COMMITS = 2000


def import_git(repo: Repository, stream, progress=None) -> ImportResult:
    """Import a `git fast-export` stream (a binary file) into an empty repository.

    All or nothing: the whole import is one transaction, so a bad stream (a hostile
    path, a cut-short stream) leaves the repository empty. Then the working tree is
    checked out at the default branch's tip (main, master, else the last commit's
    branch); if untracked files are in the way, the import stands and checkout_error
    says why the checkout did not happen.
    """
    with repo.lock():
        repo.refresh()
        check_no_interrupted_checkout(repo)
        if len(repo):
            raise StateError(f"this repository already has {len(repo)} revisions; `vcs import` needs an empty one",
                             hint="run `vcs init NEWDIR` and import into NEWDIR")
        if repo.dirstate().files:
            raise StateError("files were added to this repository but not committed; `vcs import` needs an "
                             "empty one", hint="`vcs rm --cached` them, or import into a new repository")
        try:
            with repo.transaction("import") as tx:
                summary = Importer(storer(repo), repo.manifest, repo.warn, progress).run(Reader(stream))
                if not summary.commits:
                    raise NothingToDo("the stream has no commits; nothing was imported",
                                      hint="export with `git fast-export --all`")
                tags, skipped = {}, []
                for raw, rev in sorted(summary.tags.items()):
                    name = raw.decode("utf-8", "surrogateescape")
                    if not valid_tag_name(name):
                        repo.warn(f"tag {name!r} is not a valid vcs tag name; it is skipped")
                        skipped.append(name)
                        continue
                    tags[name] = repo.commit_info(rev).id
                tx.view.tags.update(tags)
                tx.view.heads = {repo.commit_info(r).id for r in repo.changelog.heads()}
                branches = {}
                for raw, rev in sorted(summary.branches.items()):
                    name = raw.decode("utf-8", "surrogateescape")
                    problem = branch_name_problem(name)
                    if problem:
                        repo.warn(f"branch {name!r} is not a valid vcs branch name ({problem}); it is skipped "
                                  f"(its commits stay visible as heads)")
                        continue
                    branches[name] = rev
                    tx.view.branches[name] = ObjectId(repo.commit_info(rev).id)
                # HEAD: init.defaultBranch (the branch a new repository names), else main or
                # master, else the last commit's branch; with none of them, detached at that
                # commit. The working tree follows by checkout.
                head_ref = next((b for b in (tx.view.head_branch, "main", "master",
                                             _branch_name(summary.last_ref)) if b in branches), None)
                head = branches[head_ref] if head_ref is not None else summary.head
                tx.view.head_branch = head_ref
                tx.view.detached = None if head_ref is not None else ObjectId(repo.commit_info(head).id)
                tx.description = f"import {summary.commits} commits"
                # Before the commit point: if the process dies between it and the
                # checkout, the next command says what happened and what to run.
                write_pending(repo, repo.commit_info(head).id, f"import {summary.commits}")
        except BaseException as e:
            _drop_stale_journal(repo)
            if isinstance(e, OSError):
                raise StateError(f"cannot write {e.filename or 'the repository'}: {e.strerror}; nothing was "
                                 "imported", hint="free some space or fix the disk, then import again") from None
            raise
    faults.step("import:committed")
    checked_out, error = None, None
    try:
        checked_out = checkout(repo, head_ref if head_ref is not None else str(head))
    except StateError as e:
        error = e
    return ImportResult(summary.commits, summary.revisions, summary.merges, sorted(tags), skipped,
                        branches, head, head_ref, summary.gitlinks, checked_out, error)


def storer(repo: Repository, line_origins: bool = True):
    """The `commit` function an Importer stores through, in the caller's transaction:
    each commit as `vcs commit` stores one. Pending records are written out past the
    committed end (invisible until the commit point, rolled back on error) every so
    often, so a long import does not hold them all in memory."""
    flushed = [repo.objects.log.data_size(), len(repo.changelog)]

    def commit(parents, base, files, author, date, tz, message, committer, moves=None):
        rev, _, manifest, _ = commit_tree(repo, parents, files, author=author, date=date,
                                          tz=tz, message=message, base=base, committer=committer,
                                          moves=moves, line_origins=line_origins)
        size, count = repo.objects.log.data_size(), len(repo.changelog)
        if size - flushed[0] > IMPORT_FLUSH_BYTES or count - flushed[1] > IMPORT_FLUSH_COMMITS:
            for name in ("objects", "changelog", "filelog", "origins"):
                repo._log(name).flush()
            flushed[:] = [repo.objects.log.data_size(), len(repo.changelog)]
        return rev, manifest
    return commit


def _branch_name(ref: bytes | None) -> str | None:
    return ref[11:].decode("utf-8", "surrogateescape") if ref and ref.startswith(b"refs/heads/") else None


def _drop_stale_journal(repo: Repository) -> None:
    """An import that did not commit leaves no pending checkout behind."""
    try:
        os.unlink(repo.path("checkout"))
    except OSError:
        pass


# -- applying a commit's file commands ----------------------------------------------------

class Tree:
    """A commit's tree while its file commands are applied, with fast-import's rules.

    `files` maps path -> Entry (stored) or NewFile; `touched` collects every path set
    or removed, so the commit's changes are found without comparing whole trees. The
    count of files under each folder is built only when a command needs to know
    whether a path is a folder (a new path, or a missing one), then kept up to date.
    """

    def __init__(self, files: dict, parent: Manifest | None = None):
        self.files = files
        self.parent = parent if parent is not None else {}
        self.touched: set[bytes] = set()
        self.moves: dict[bytes, tuple[str, bytes]] = {}  # path -> (rename or copy, the parent's path)
        self._dirs: dict[bytes, int] | None = None

    def dirs(self) -> dict[bytes, int]:
        if self._dirs is None:
            self._dirs = {}
            for path in self.files:
                self._count(path, 1)
        return self._dirs

    def _count(self, path: bytes, step: int) -> None:
        dirs = self._dirs
        at = path.rfind(b"/")
        while at > 0:
            folder = path[:at]
            n = dirs.get(folder, 0) + step
            if n:
                dirs[folder] = n
            else:
                del dirs[folder]
            at = path.rfind(b"/", 0, at)

    def under(self, folder: bytes) -> list[bytes]:
        if not self.dirs().get(folder):
            return []
        prefix = folder + b"/"
        return [p for p in self.files if p.startswith(prefix)]

    def _put(self, path: bytes, value) -> None:
        if path not in self.files and self._dirs is not None:
            self._count(path, 1)
        self.files[path] = value
        self.touched.add(path)

    def _drop(self, path: bytes) -> None:
        del self.files[path]
        self.touched.add(path)
        if self._dirs is not None:
            self._count(path, -1)

    def set(self, path: bytes, value) -> None:
        if path not in self.files:
            folder = file_on_path(path, self.files)
            if folder is not None:  # a file on the way becomes a folder
                self._drop(folder)
            for inside in self.under(path):  # a folder here becomes a file
                self._drop(inside)
        self._put(path, value)

    def delete(self, path: bytes) -> None:
        if path in self.files:
            self._drop(path)
        elif path not in self.parent:
            for inside in self.under(path):
                self._drop(inside)
        # Else a file of the parent's that an earlier command turned into a folder: git
        # fast-export writes `M a/b` before `D a` when a file `a` becomes a folder, and
        # means the file (fast-import itself would delete the new folder: git's own round
        # trip loses it). The file is gone already; the folder stays.

    def copy(self, src: bytes, dst: bytes, move: bool) -> bool:
        """Copy (or move) a file or a folder; False if there is nothing at `src`."""
        if src in self.files:
            items = [(b"", self.files[src])]
        else:
            items = [(p[len(src):], self.files[p]) for p in self.under(src)]
        if not items:
            return False
        if move:
            self.delete(src)
        for suffix, value in items:
            self.set(dst + suffix, value)
            before = self.moves.get(src + suffix)  # moved already in this commit: from where it was
            self.moves[dst + suffix] = ("rename" if move else "copy", before[1] if before else src + suffix)
        return True

    def clear(self) -> None:
        self.moves.clear()
        self.touched.update(self.files)
        self.files.clear()
        self._dirs = {}


# -- the importer ---------------------------------------------------------------------------

# tags and branches: name -> revision; head: the last commit's revision and last_ref the
# ref it was on; gitlinks: how many submodule paths were skipped.
ImportSummary = record("ImportSummary", "commits revisions merges tags branches head last_ref gitlinks")


class Importer:
    """Applies a stream's commands, in order, through `commit`.

    commit(parent revs, the first parent's Manifest, {path: Entry | NewFile | None},
           author, date, tz, message, committer (ident, date, tz) or None) -> (rev, the new Manifest)
    load_manifest(rev) -> Manifest, for a parent whose tree is no longer at hand.
    """

    def __init__(self, commit, load_manifest, warn=None, progress=None):
        self.commit = commit
        self.load_manifest = load_manifest
        self.warn = warn or (lambda msg: None)
        self.progress = progress
        self.blob_data: dict[int, bytes] = {}       # blobs not stored yet
        self.blob_ids: dict[int, ObjectId] = {}     # blobs a commit has stored
        self.bad_links: set[int] = set()            # blobs that cannot be a symlink's target
        self.commit_revs: dict[int, int] = {}       # commit (and tag) marks -> revision
        self.refs: dict[bytes, int] = {}            # branch and tag tips -> revision
        self.manifests: dict[int, Manifest] = {}    # trees of the revisions likely to be parents
        self.commits = 0
        self.revisions: set[int] = set()
        self.merges = 0
        self.gitlinks: set[bytes] = set()
        self.notes = 0
        self.last_ref: bytes | None = None
        self.last_rev: int | None = None
        self.zones: list[tuple[int, int, bytes]] = []  # (rev, line, zone) of zones kept as +0000

    def run(self, r: Reader) -> ImportSummary:
        for cmd in commands(r):
            kind = type(cmd)
            if kind is BlobCmd:
                self._define(cmd.mark)
                if cmd.mark is not None:
                    self.blob_data[cmd.mark] = cmd.data
                    if not cmd.data or b"\0" in cmd.data:
                        self.bad_links.add(cmd.mark)
            elif kind is CommitCmd:
                self._commit(r, cmd)
            elif kind is TagCmd:
                rev = self._rev_of(r, cmd.target, cmd.line, tag=cmd.name)
                if rev is not None:
                    self.refs[b"refs/tags/" + cmd.name] = rev
                    self._define(cmd.mark)
                    if cmd.mark is not None:
                        self.commit_revs[cmd.mark] = rev
            elif kind is ResetCmd:
                if cmd.target is None:
                    self.refs.pop(cmd.ref, None)  # the branch's next commit starts a new history
                else:
                    is_tag = cmd.ref.startswith(b"refs/tags/")
                    rev = self._rev_of(r, cmd.target, cmd.line, tag=_tag_name(cmd.ref) if is_tag else None)
                    if rev is not None:
                        self.refs[cmd.ref] = rev
            elif kind is AliasCmd:
                rev = self._rev_of(r, cmd.target, cmd.line)
                self._define(cmd.mark)
                self.commit_revs[cmd.mark] = rev
        if self.zones:
            self.warn(_zones_warning(self.zones))
        return self._summary()

    def _define(self, mark: int | None) -> None:
        """A mark may be reused: it then names only its new object."""
        if mark is not None:
            for table in (self.blob_data, self.blob_ids, self.commit_revs):
                table.pop(mark, None)
            self.bad_links.discard(mark)

    def _rev_of(self, r: Reader, ref: bytes, line: int, tag: bytes | None = None) -> int | None:
        """The revision a commit-ish names: a mark or a ref the stream made. A tag of a blob
        is skipped with a warning (tag names it); anything else unknown is an error."""
        if ref.startswith(b":"):
            mark = _mark_of(ref, line)
            if mark in self.commit_revs:
                return self.commit_revs[mark]
            if tag is not None and (mark in self.blob_data or mark in self.blob_ids):
                self.warn(f"tag {show(tag)} names a file, not a commit; it is skipped")
                return None
            what = "a file, not a commit" if mark in self.blob_data or mark in self.blob_ids else "nothing"
            raise UsageError(f"line {line} of the stream: mark {ref.decode()} names {what}", hint=NOTHING_IMPORTED)
        for name in (ref, b"refs/heads/" + ref):
            if name in self.refs:
                return self.refs[name]
        if re.fullmatch(rb"[0-9a-f]{40}|[0-9a-f]{64}", ref):
            raise UsageError(f"line {line} of the stream: it names git object {ref.decode()}, which it does not "
                             "contain", hint="export the whole history: `git fast-export --all` (without "
                                             "--no-data or --reference-excluded-parents)")
        raise UsageError(f"line {line} of the stream: unknown commit {_clip(ref)}", hint=NOTHING_IMPORTED)

    def _manifest(self, rev: int | None) -> Manifest:
        if rev is None:
            return {}
        m = self.manifests.get(rev)
        return m if m is not None else self.load_manifest(rev)

    def _commit(self, r: Reader, c: CommitCmd) -> None:
        if c.parent is not None:
            parent = self._rev_of(r, c.parent, c.line)
        else:
            parent = self.refs.get(c.ref)  # a branch goes on from its tip; a new one starts a history
        # Every parent is kept, in git's order (an octopus merge's too).
        parents = ([] if parent is None else [parent]) + [self._rev_of(r, m, c.line) for m in c.merges]
        if len(parents) > 1:
            self.merges += 1
        parent = parents[0] if parents else None
        base = self._manifest(parent)
        tree = Tree(dict(base), base)
        new_blobs: dict[int, bytes] = {}
        for op in c.ops:
            self._apply(tree, op, new_blobs)
        files = {}
        for path in tree.touched:
            value, old = tree.files.get(path), base.get(path)
            if value is None and old is None or type(value) is Entry and value == old:
                continue
            files[path] = value
        who = c.author or c.committer
        author = _ident(who)
        # The committer is kept where it is not the author at the same moment, so `vcs
        # export` writes the commit back as git had it.
        by = c.committer
        committer = None if c.author is None or (_ident(by), by.date, by.tz) == (author, who.date, who.tz) \
            else (_ident(by), by.date, by.tz)
        rev, manifest = self.commit(tuple(parents), base, files, author, who.date, who.tz,
                                    _message(c.message, c.encoding), committer, tree.moves)
        # Contents this commit stored (under the paths it changed) are now found by id:
        # their bytes can go. A blob it did not use waits for the commit that does.
        stored = {manifest[p].id for p in files if p in manifest} if new_blobs else ()
        for mark, data in new_blobs.items():
            oid = content_id(data)
            if oid in stored and self.blob_data.get(mark) is data:
                del self.blob_data[mark]
                self.blob_ids[mark] = oid
        for ident in dict.fromkeys((who, by)):
            if format_tz(ident.tz) != ident.zone:
                self.zones.append((rev, c.line, ident.zone))
        self.commits += 1
        self.revisions.add(rev)
        self._define(c.mark)
        if c.mark is not None:
            self.commit_revs[c.mark] = rev
        self.refs[c.ref] = rev
        self.last_ref, self.last_rev = c.ref, rev
        self.manifests[rev] = manifest
        keep = set(self.refs.values())
        for old_rev in [n for n in self.manifests if n not in keep]:
            del self.manifests[old_rev]
        if self.progress:
            self.progress(self.commits)

    def _apply(self, tree: Tree, op: tuple, new_blobs: dict[int, bytes]) -> None:
        code, line = op[0], op[-1]
        if code == b"M":
            _, mode, ref, data, path, _ = op
            _check(path, line)
            if mode == GITLINK:
                if path not in self.gitlinks:
                    self.warn(f"{show(path)} is a git submodule; vcs does not import submodules, it is skipped")
                    self.gitlinks.add(path)
                tree.delete(path)
                return
            kind = MODES.get(mode)
            if kind is None:
                raise UsageError(f"line {line} of the stream: unsupported file mode {_clip(mode)} for {show(path)}",
                                 hint=NOTHING_IMPORTED)
            tree.set(path, self._content(ref, data, kind, path, line, new_blobs))
        elif code == b"D":
            _check(op[1], line)
            tree.delete(op[1])
        elif code in (b"R", b"C"):
            _, src, dst, _ = op
            _check(src, line)
            _check(dst, line)
            if not tree.copy(src, dst, move=code == b"R"):
                raise UsageError(f"line {line} of the stream: {'rename' if code == b'R' else 'copy'} of "
                                 f"{show(src)}, which is not in the tree", hint=NOTHING_IMPORTED)
        elif code == b"deleteall":
            tree.clear()
        elif code == b"N":
            if not self.notes:
                self.warn("the stream has git notes; vcs has none, they are skipped")
            self.notes += 1

    def _content(self, ref: bytes, data: bytes | None, kind: str, path: bytes, line: int,
                 new_blobs: dict[int, bytes]):
        """What `M` sets a path to: inline data, a blob's bytes, or a stored blob's Entry."""
        if data is None:
            if not ref.startswith(b":"):
                hint = "export the whole history: `git fast-export --all` (without --no-data)"
                raise UsageError(f"line {line} of the stream: {show(path)} names content {_clip(ref)} "
                                 "the stream does not hold", hint=hint)
            mark = _mark_of(ref, line)
            bad_link = mark in self.bad_links
            if mark in self.blob_ids:
                value = Entry(kind, self.blob_ids[mark])
            elif mark in self.blob_data:
                new_blobs[mark] = self.blob_data[mark]
                value = NewFile(kind, self.blob_data[mark])
            else:
                raise UsageError(f"line {line} of the stream: {show(path)} names mark {ref.decode()}, "
                                 "which is not a file", hint=NOTHING_IMPORTED)
        else:
            bad_link = not data or b"\0" in data
            value = NewFile(kind, data)
        if kind == SYMLINK and bad_link:
            raise UsageError(f"line {line} of the stream: the symlink {show(path)} has an empty target or one "
                             "with a NUL byte", hint=NOTHING_IMPORTED)
        return value

    def _summary(self) -> ImportSummary:
        tags = {_tag_name(ref): rev for ref, rev in self.refs.items() if ref.startswith(b"refs/tags/")}
        branches = {ref[11:]: rev for ref, rev in self.refs.items() if ref.startswith(b"refs/heads/")}
        last = self.refs.get(self.last_ref, self.last_rev)
        return ImportSummary(self.commits, len(self.revisions), self.merges, tags, branches, last,
                             self.last_ref if self.last_ref in self.refs else None, len(self.gitlinks))


def _check(path: bytes, line: int) -> None:
    problem = path_problem(path)
    if problem:
        raise UsageError(f"line {line} of the stream: refusing the path '{show(path)}' ({problem})",
                         hint=f"{NOTHING_IMPORTED}; rename the path in git (or filter the stream) first")


def _zones_warning(zones: list[tuple[int, int, bytes]]) -> str:
    """One warning for every commit whose time zone was replaced by +0000."""
    shown = ", ".join(f"revision {rev} (line {line} of the stream) had {_clip(zone, 20)}"
                      for rev, line, zone in zones[:10])
    more = f", and {len(zones) - 10} more" if len(zones) > 10 else ""
    return (f"{len(zones)} commit{'s' if len(zones) != 1 else ''} had a time zone that git fast-import "
            f"refuses or vcs cannot store exactly; kept with +0000, at their exact times: {shown}{more}")


def _mark_of(ref: bytes, line: int) -> int:
    mark = mark_number(ref)
    if mark is None:
        raise UsageError(f"line {line} of the stream: malformed mark {_clip(ref)}", hint=NOTHING_IMPORTED)
    return mark


def _ident(who) -> str:
    """`Name <email>` as vcs keeps an author (`<email>` when git's name is empty)."""
    raw = b"%s <%s>" % (who.name, who.email) if who.name else b"<%s>" % who.email
    return raw.decode("utf-8", "surrogateescape")


def _tag_name(ref: bytes) -> bytes:
    return ref[10:] if ref.startswith(b"refs/tags/") else ref


def _message(data: bytes, encoding: bytes | None) -> str:
    """A message as vcs stores it: UTF-8, or the exact bytes when they are not.

    A commit that declares another encoding is decoded with it when Python knows
    it and the bytes fit; otherwise the bytes are kept as they are.
    """
    if encoding and encoding.lower() not in (b"utf-8", b"utf8"):
        try:
            return data.decode(encoding.decode("ascii"))
        except (LookupError, UnicodeDecodeError, ValueError):
            pass
    return data.decode("utf-8", "surrogateescape")
