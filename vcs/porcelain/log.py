"""`vcs log` and `vcs show`: revisions with their metadata and, if asked, their diffs.

`log_args` tells log's revisions from its paths by git's rule; `log` walks in
topological order (no commit before its parents), following file histories for
paths. Returns LogEntry records for `vcs.cli.render` and never prints.
"""
from __future__ import annotations

import os

from vcs.errors import UsageError
from vcs.model.objects import Commit, ObjectId
from vcs.records import record
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve
from vcs.worktree.scan import in_scope


# One revision for `log`: diffs is a list of FileDiff with --stat or -p, else None;
# chain_starts the paths whose version this revision stored whole (a chain starts);
# branches the branches at it (head_branch: the one HEAD names); graph_parents, with
# --graph, its parents as the graph draws them (the nearest shown ancestors).
LogEntry = record("LogEntry", "rev id parents commit tags head diffs chain_starts branches head_branch graph_parents "
                  "remotes", defaults=(None, (), (), None, None, ()))

# What `log --author`, `--grep`, `--since` and `--until` keep: compiled patterns, and
# seconds since 1970 (None: no bound).
LogFilter = record("LogFilter", "authors greps since until", defaults=((), (), None, None))


def log_filter(authors=(), greps=(), since: str | None = None, until: str | None = None) -> LogFilter | None:
    """The filter for these options (None if none is given). Patterns are Python regular
    expressions searched anywhere (git's default is POSIX basic ones: `a|b`, `+`, `?`
    and `()` mean here what they mean in git's -E)."""
    if not (authors or greps or since or until):
        return None
    import re

    from vcs.porcelain import dates

    def compiled(option: str, patterns) -> tuple:
        try:
            return tuple(re.compile(p) for p in patterns)
        except re.error as e:
            raise UsageError(f"{option}: cannot read the pattern {e.pattern!r}: {e}") from None
    return LogFilter(compiled("--author", authors), compiled("--grep", greps),
                     dates.parse(since) if since else None, dates.parse(until, end_of_day=True) if until else None)


def _keeps(f: LogFilter, commit: Commit) -> bool:
    """Whether a commit passes the filter: any --author pattern, and any --grep pattern,
    and its date in range (the committer's date, as git's)."""
    if f.authors and not any(p.search(commit.author) for p in f.authors):
        return False
    if f.greps and not any(p.search(commit.message) for p in f.greps):
        return False
    when = commit.committer[1] if commit.committer is not None else commit.date
    return (f.since is None or when >= f.since) and (f.until is None or when <= f.until)


def log(repo: Repository, limit: int | None = None, paths: list[str] | None = None,
        with_diffs: bool = False, revs: list[str] | None = None,
        starts: list[int] | None = None, excludes=(), first_parent: bool = False,
        match: LogFilter | None = None, graph: bool = False, follow: bool = False) -> list[LogEntry]:
    """Revisions, newest first in topological order: `revs` alone, else `starts` and
    their ancestors (first parents only with `first_parent`) that are not `excludes`
    or their ancestors, else HEAD and its ancestors; only those touching `paths` and
    passing `match` if given. With `graph`, each entry has its graph parents. With
    `follow` (one path), the path's history goes on through renames and copies under
    the names it had."""
    return list(entries(repo, limit, paths, with_diffs, revs, starts, excludes, first_parent, match, graph,
                        follow))


def entries(repo: Repository, limit: int | None = None, paths: list[str] | None = None,
            with_diffs: bool = False, revs: list[str] | None = None,
            starts: list[int] | None = None, excludes=(), first_parent: bool = False,
            match: LogFilter | None = None, graph: bool = False, follow: bool = False):
    """`log`'s entries one by one, each made as it is asked for, so the first screen of
    `log -p` is out before the second revision's diff is made, and `log -n 20` reads
    about 20 commits (the walk is lazy too; with --graph the whole walk comes first).
    Revisions and paths are resolved before the first entry: a bad one is an error
    before anything is printed."""
    scope = [repo.relpath(p) for p in paths] if paths else None
    if follow and (scope is None or len(scope) != 1):
        raise UsageError("--follow takes one path", hint="vcs log --follow src/core.py")
    tags_by_id: dict[bytes, list[str]] = {}
    for name, oid in repo.tags().items():
        tags_by_id.setdefault(oid, []).append(name)
    view = repo.state.view
    branches_by_id: dict[bytes, list[str]] = {}
    for name in sorted(view.branches):
        branches_by_id.setdefault(view.branches[name], []).append(name)
    remotes_by_id: dict[bytes, list[str]] = {}  # remote-tracking branches (origin/main)
    for name in sorted(view.remotes):
        remotes_by_id.setdefault(view.remotes[name], []).append(name)
    head = repo.state.head
    if revs:
        order = [resolve(repo, r) for r in revs]
    else:
        if not starts and not excludes:
            starts = [] if repo.head_rev() is None else [repo.head_rev()]
        order = repo.changelog.topo_order(starts, first_parent)
        if excludes:
            hidden = set(repo.changelog.ancestors(excludes))
            order = (r for r in order if r not in hidden)
        if follow:
            touched, names = _revs_following(repo, scope[0], starts)
            order = (r for r in order if r in touched)
            scope = sorted(names)
        elif scope is not None:
            touched = _revs_touching(repo, scope, starts)
            if touched is not None:
                order = (r for r in order if r in touched)
    if with_diffs:
        from vcs.porcelain.diff import commit_diffs  # only then: `log --oneline` starts without it
    return _entries(repo, order, limit, scope, with_diffs and commit_diffs, first_parent, match, graph,
                    tags_by_id, branches_by_id, remotes_by_id)


def _entries(repo: Repository, order, limit, scope, commit_diffs, first_parent, match, graph,
             tags_by_id, branches_by_id, remotes_by_id):
    view, head = repo.state.view, repo.state.head
    # The graph needs every revision the log would show, past the limit, to draw the
    # lines through those it leaves out; without filters that is the walk itself.
    filtered = scope is not None or match is not None
    lines = None
    if graph:
        order = list(order)
        shown = _shown(repo, order, None if filtered else limit, scope, match)
        lines = _graph_parents(repo, order, {rev for rev, _ in shown} if filtered else set(order), first_parent)
        shown = iter(shown[:limit])
    else:
        shown = _shown(repo, order, limit, scope, match)
    for rev, commit in shown:
        info = repo.commit_info(rev)
        diffs = commit_diffs(repo, rev, commit, scope) if commit_diffs else None
        yield LogEntry(rev, ObjectId(info.id), repo.parents(rev), commit,
                       sorted(tags_by_id.get(info.id, [])), info.id == head, diffs,
                       _chain_starts(repo, rev, commit), branches_by_id.get(info.id, []),
                       view.head_branch, lines.get(rev) if lines is not None else None,
                       remotes_by_id.get(info.id, []))


def _shown(repo: Repository, order, limit: int | None, scope, match):
    """(revision, commit) of the revisions in `order` that touch `scope` and pass `match`,
    at most `limit` of them; a generator, except with the graph (a list)."""
    def walk():
        n = 0
        for rev in order:
            if limit is not None and n >= limit:
                return
            commit = repo.read_commit(rev)
            if scope is not None and not any(in_scope(c.path, scope) for c in commit.changes):
                continue
            if match is not None and not _keeps(match, commit):
                continue
            n += 1
            yield rev, commit
    return walk() if not isinstance(order, list) else list(walk())


def _graph_parents(repo: Repository, order: list[int], shown: set[int], first_parent: bool) -> dict[int, tuple]:
    """Each shown revision's parents as `log --graph` draws them: a parent the log does
    not show (another path changed, another author) is replaced by its nearest shown
    ancestors, as git rewrites parents for a path-limited graph; a parent outside the
    walk (excluded by a range) is left out, so its line ends."""
    walked = set(order)
    nearest: dict[int, tuple] = {}  # the shown revisions a line from here reaches first
    drawn: dict[int, tuple] = {}
    for rev in reversed(order):  # parents before children
        found: dict[int, None] = {}
        for p in repo.parents(rev)[:1] if first_parent else repo.parents(rev):
            if p in walked:
                found.update(dict.fromkeys(nearest[p]))
        if rev in shown:
            drawn[rev] = tuple(found)
            nearest[rev] = (rev,)
        else:
            nearest[rev] = tuple(found)
    return drawn


def _revs_touching(repo: Repository, scope: list[bytes], starts: list[int]) -> set[int] | None:
    """The revisions in the starts' ancestry that changed these paths, from their file
    histories: no commit is read that did not. None when a path has no history from
    there (a folder: its files' histories are not indexed by folder, so every commit's
    changes are read instead)."""
    revs: set[int] = set()
    filelog, is_ancestor = repo.filelog, repo.changelog.is_ancestor
    for start in starts:
        tree = repo.manifest(start)
        for path in scope:
            here = tree.get(path)
            entry = filelog.entry_for(path, here.id if here is not None else None, start, is_ancestor)
            if entry is None or not path:
                return None
            revs.update(filelog.linkrev(n) for n in filelog.ancestry(entry))
    return revs


def _revs_following(repo: Repository, path: bytes, starts: list[int]) -> tuple[set[int], set[bytes]]:
    """The revisions that changed `path` in the starts' ancestry, going on from a
    renamed or copied version to its source's history; and every name it had."""
    from vcs.repo.origins import entry_at
    filelog = repo.filelog
    revs: set[int] = set()
    names = {path}
    for start in starts:
        here = repo.manifest(start).get(path)
        entry = filelog.entry_for(path, here.id if here is not None else None, start, repo.changelog.is_ancestor)
        todo, seen = ([] if entry is None else [entry]), set()
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            revs.add(filelog.linkrev(n))
            todo += [p for p in filelog._head(n)[3:] if p is not None]
            source = filelog.source(n)
            parents = repo.parents(filelog.linkrev(n))
            if source is not None and parents:
                old = repo.manifest(parents[0]).get(source)
                found = entry_at(repo, source, old.id, parents[0]) if old is not None else None
                if found is not None:
                    names.add(source)
                    todo.append(found)
    return revs, names


def log_args(repo: Repository, words: list[str], revs: list[str]) -> tuple[list[int], list[str], list[int]]:
    """(the revisions `vcs log` starts from, the paths it follows, the revisions whose
    ancestry it leaves out), from its words, by git's rule.

    -r REVs are revisions. With `--`, the words before it are revisions and those
    after it paths. Without, the leading words that name revisions are revisions and
    the rest paths; a word that is also a file on disk is ambiguous, and a path must
    exist on disk or in some revision's changes, so a mistyped revision is an error
    that names it (with resolve's did-you-mean), never an empty log. A revision word
    may be a range: `A..B` (B's ancestry less A's; a side left out is HEAD), `A...B`
    (what only one of them reaches) or `^A` (leave A's ancestry out).
    """
    starts: list[int] = []
    excludes: list[int] = []

    def take(word: str) -> None:
        more, less = _range(repo, word)
        starts.extend(more)
        excludes.extend(less)

    for r in revs:
        take(r)
    if "--" in words:
        at = words.index("--")
        for w in words[:at]:
            take(w)
        return starts, list(words[at + 1:]), excludes
    first_path = 0
    for word in words:
        try:
            more, less = _range(repo, word)
        except UsageError:
            break
        if os.path.lexists(word):
            raise UsageError(f"ambiguous argument {word!r}: both a revision and a path",
                             hint=f"put -- between revisions and paths: `vcs log {word} --` for the revision, "
                                  f"`vcs log -- {word}` for the path")
        starts.extend(more)
        excludes.extend(less)
        first_path += 1
    paths = list(words[first_path:])
    for word in paths:
        if not os.path.lexists(word) and not _existed(repo, repo.relpath(word)):
            raise _neither(repo, word)
    return starts, paths, excludes


def _range(repo: Repository, word: str) -> tuple[list[int], list[int]]:
    """(revisions to show with their ancestors, revisions whose ancestors are left out)
    for one revision word."""
    for dots in ("...", ".."):
        if dots in word:
            a, _, b = word.partition(dots)
            left, right = resolve(repo, a or "HEAD"), resolve(repo, b or "HEAD")
            if dots == "..":
                return [right], [left]
            common = set(repo.changelog.ancestors([left])) & set(repo.changelog.ancestors([right]))
            return [left, right], repo.changelog.heads(sorted(common))
    if word.startswith("^") and len(word) > 1:
        return [], [resolve(repo, word[1:])]
    return [resolve(repo, word)], []


def _existed(repo: Repository, path: bytes) -> bool:
    """Whether some revision changed `path` (or, for a folder, a file under it): asked only
    of a path that is not on disk, so reading every commit is rare."""
    return any(in_scope(c.path, [path]) for rev in range(len(repo) - 1, -1, -1)
               for c in repo.read_commit(rev).changes)


def _neither(repo: Repository, word: str) -> UsageError:
    """The error for a word that is no path: why it is no revision either."""
    nowhere = f"ambiguous argument {word!r}: neither a path in the working tree or its history nor a revision"
    try:
        resolve(repo, word)
    except UsageError as e:
        return UsageError(f"{nowhere} ({e.message})", hint=e.hint)
    return UsageError(f"{nowhere} here (a revision after a path)",
                      hint="revisions come before paths: vcs log [REV...] [--] [PATH...]")


def _chain_starts(repo: Repository, rev: int, commit: Commit) -> tuple[bytes, ...]:
    """The files this revision stored whole: where their chains (re)start. Only the
    record that introduced a version tells: a later commit reusing it stored nothing."""
    starts = []
    for c in commit.changes:
        if c.entry is None:
            continue
        info = repo.objects.info(c.entry.id, c.path)
        if not info.is_delta and repo.introduced_by(c.entry.id, c.path) == rev:
            starts.append(c.path)
    return tuple(starts)



def hidden(repo: Repository, limit: int | None = None, paths: list[str] | None = None,
           with_diffs: bool = False) -> list[LogEntry]:
    """`log --hidden`: the commits no ref, head or working tree of the view reaches
    (what undo and amend leave behind), newest first."""
    from vcs.repo.operations import hidden as hidden_revs
    revs = hidden_revs(repo, repo.state.view)
    return log(repo, limit, paths, with_diffs, revs=[str(r) for r in revs]) if revs else []


def show_rev(repo: Repository, rev_spec: str) -> LogEntry:
    """One revision with its diffs against its parent: what `vcs show` prints."""
    rev = resolve(repo, rev_spec)
    return log(repo, revs=[str(rev)], with_diffs=True)[0]
