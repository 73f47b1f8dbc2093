"""Writing the history as a `git fast-import` stream: `vcs export`.

Every revision is a commit whose mark is its revision number + 1 (so `git
fast-import --export-marks=FILE` maps revisions to git commits), with `from :PARENT`
and `merge :PARENT` for each further parent, in order (a merge stays a merge, an
octopus an octopus); each distinct content is one `blob`, written before the first
commit that uses it. Each branch becomes `refs/heads/NAME` at its tip; any other
head (a revision with no child and no branch: work committed on a detached HEAD, a
deleted branch's tip) gets a ref `refs/vcs/heads/REV`, so no revision is left
unreachable in git, yet `git branch` is not flooded with them; tags become
lightweight tags. A name git refuses is skipped with a warning. A commit's own
`commit REF` line names a ref it ends up in (the current branch's first, then the
other branches', then the heads'), so fast-import makes no ref beyond these. The
committer is the author, unless the commit records its own (an import keeps git's):
then a git commit comes back with its very id.

The stream's format (and its path quoting) is `vcs.interop.git.stream`'s.
"""
from __future__ import annotations

import re

from vcs.interop.git.stream import quote
from vcs.model.objects import GIT_MODES, ObjectId, format_tz, moves
from vcs.records import record
from vcs.repo.repository import Repository

ExportSummary = record("ExportSummary", "revisions blobs tags heads skipped_tags branches", defaults=((),))

_BAD_REF = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//|^/|/$|\.$|\.lock$|(^|/)\.")


def ref_problem(name: str) -> str | None:
    """Why git would refuse `name` as a ref's last part (git check-ref-format), or None."""
    if not name or name == "@" or _BAD_REF.search(name):
        return "git does not allow this ref name"
    return None


def ident(author: str, date: int, tz: int) -> bytes:
    """`NAME <EMAIL> SECONDS +HHMM` from vcs's `Name <email>` (fast-import forbids <, > and
    LF in either part, so they are dropped)."""
    raw = author.encode("utf-8", "surrogateescape")
    m = re.fullmatch(rb"(.*?)\s*<([^<>]*)>\s*", raw)
    name, email = (m.group(1), m.group(2)) if m else (raw, b"")
    name = re.sub(rb"[<>\n]", b"", name).strip()
    email = re.sub(rb"[<>\n]", b"", email)
    when = b"%d %s" % (date, format_tz(tz))
    return (name + b" " if name else b"") + b"<" + email + b"> " + when


def export_git(repo: Repository, out, progress=None) -> ExportSummary:
    """Write the whole history to `out` (a binary file) as a `git fast-import` stream.

    Reads only; takes no lock (a commit made meanwhile is not in the stream).
    """
    warn = repo.warn
    w = out.write
    n = len(repo)
    view = repo.state.view
    parents = [repo.parents(rev) for rev in range(n)]
    has_child = {p for ps in parents for p in ps}
    by_id = repo.commit_ids()
    branches = _refs(view.branches, by_id, "branch", warn)
    tags = _refs(view.tags, by_id, "tag", warn)
    tips = set(branches.values())
    heads = [rev for rev in range(n) if rev not in has_child and rev not in tips]
    order = sorted(branches, key=lambda name: (name != view.head_branch, name))
    label = _labels(parents, [(b"refs/heads/" + _bytes(name), branches[name]) for name in order] +
                    [(b"refs/vcs/heads/%d" % rev, rev) for rev in heads])
    blob_marks: dict[ObjectId, int] = {}
    next_mark = n + 1  # commits have marks 1..n
    w(b"feature done\n")
    for rev in range(n):
        c = repo.read_commit(rev)
        next_mark = write_blobs(repo, c, blob_marks, next_mark, w)
        if not parents[rev]:
            w(b"reset %s\n\n" % label[rev])  # else fast-import would go on from the ref's tip
        write_commit(w, label[rev], rev + 1, c, [b":%d" % (p + 1) for p in parents[rev]], blob_marks,
                     (lambda: repo.manifest(parents[rev][0])) if parents[rev] else None)
        if progress:
            progress(rev + 1, n)
    for name in order:
        w(b"reset refs/heads/%s\nfrom :%d\n\n" % (_bytes(name), branches[name] + 1))
    for rev in heads:
        w(b"reset refs/vcs/heads/%d\nfrom :%d\n\n" % (rev, rev + 1))
    for name in sorted(tags):
        w(b"reset refs/tags/%s\nfrom :%d\n\n" % (_bytes(name), tags[name] + 1))
    w(b"done\n")
    skipped = sorted(set(view.tags) - set(tags))
    return ExportSummary(n, len(blob_marks), sorted(tags), heads, skipped, order)


def write_blobs(repo: Repository, c, blob_marks: dict[ObjectId, int], next_mark: int, w) -> int:
    """A `blob` for each content commit `c` sets that has no mark yet; the next free mark."""
    for ch in c.changes:
        if ch.entry is not None and ch.entry.id not in blob_marks:
            data = repo.objects.read(ch.entry.id, ch.path)
            blob_marks[ch.entry.id] = next_mark
            w(b"blob\nmark :%d\ndata %d\n" % (next_mark, len(data)))
            w(data)
            w(b"\n")
            next_mark += 1
    return next_mark


def write_commit(w, ref: bytes, mark: int, c, parents: list[bytes], blob_marks: dict[ObjectId, int],
                 first_parent_listing=None) -> None:
    """The `commit` command of vcs commit `c`: its parents (`:MARK` or a git id, the first
    one `from`), then its changes against that first parent. With
    `first_parent_listing` (a function giving that parent's listing), the renames and
    copies `c` records go as the stream's R and C; without it, as deletions and files."""
    who = ident(c.author, c.date, c.tz)
    committer = who if c.committer is None else ident(*c.committer)
    message = c.message.encode("utf-8", "surrogateescape")
    w(b"commit %s\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n" % (ref, mark, who, committer, len(message)))
    w(message)
    w(b"\n")
    for word, parent in zip([b"from"] + [b"merge"] * len(parents), parents):
        w(b"%s %s\n" % (word, parent))
    # The renames and copies the commit records, as the stream's R and C (git's own
    # fast-export -M -C): copies while their sources are there, then renames; only
    # where no move's source is another's destination, so the order cannot matter.
    found = moves(c) if first_parent_listing is not None else {}
    entries = {ch.path: ch.entry for ch in c.changes}
    before = first_parent_listing() if found else {}
    sources = [src for _, src in found.values()]
    plain = {dst: m for dst, m in found.items() if dst not in before and m[1] in before
             and m[1] not in found and (m[0] == "copy" or sources.count(m[1]) == 1)
             and (m[0] == "copy" or entries.get(m[1], 1) is None)}
    written = {}
    for kind in ("copy", "rename"):
        for dst, (how, src) in sorted(plain.items()):
            if how == kind:
                w(b"%s %s %s\n" % (b"C" if how == "copy" else b"R", quote(src), quote(dst)))
                written[dst] = before[src]
    gone = {src for how, src in plain.values() if how == "rename"}
    # Deletions first: a commit may replace a file `a` by a folder `a/` or back.
    for ch in c.changes:
        if ch.entry is None and ch.path not in gone:
            w(b"D %s\n" % quote(ch.path))
    for ch in c.changes:
        if ch.entry is not None and written.get(ch.path) != ch.entry:
            w(b"M %s :%d %s\n" % (GIT_MODES[ch.entry.kind].encode(), blob_marks[ch.entry.id], quote(ch.path)))
    w(b"\n")


def _bytes(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def _refs(refs: dict, by_id: dict, kind: str, warn) -> dict[str, int]:
    """name -> revision for the refs git takes; the others are skipped with a warning."""
    out = {}
    for name, oid in sorted(refs.items()):
        rev = by_id.get(oid)
        if rev is None or ref_problem(name):
            warn(f"{kind} {name!r} is not exported: " + ("its revision is missing" if rev is None else
                                                         "git does not allow this name"))
            continue
        out[name] = rev
    return out


def _labels(parents: list[tuple[int, ...]], refs: list[tuple[bytes, int]]) -> dict[int, bytes]:
    """The ref each revision's `commit` line names: the first of `refs` (in order) whose
    tip it is or is an ancestor of. Every revision is some ref's: each head has one."""
    label: dict[int, bytes] = {}
    for ref, tip in refs:
        stack = [tip]
        while stack:
            rev = stack.pop()
            if rev in label:
                continue
            label[rev] = ref
            stack.extend(p for p in parents[rev] if p not in label)
    return label
