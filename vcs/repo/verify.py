"""verify: rebuild every stored version and every tree listing; check every record,
commit and ref.

Records are checked in log order. A record's base always comes before it, so
one pass can keep the rebuilt text of each record that later records still
need and drop it after its last dependent: a corrupt record fails itself and
every version rebuilt from it, and no other. Tree listings are rebuilt the
same way along the commits, each checked against its commit's tree id.
"""
from __future__ import annotations

import os

from vcs.worktree import dirstate as dirstatemod
from vcs.errors import CorruptError, VcsError
from vcs.storage.objects import replay_step
from vcs.model.objects import Commit, Manifest, content_id, moves, parse_manifest, replay_listing, show
from vcs.model.refs import View
from vcs.records import record
from vcs.repo.repository import Repository
from vcs.storage.log import FLAG_SNAPSHOT, NO_BASE


# what: "object", "commit", "ref" or "file"; name: an id or a file name;
# where: the path and revision, when known.
Problem = record("Problem", "what name message where", defaults=("",))


class VerifyResult:
    def __init__(self) -> None:
        self.objects = 0
        self.commits = 0
        self.problems: list[Problem] = []

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(repo: Repository, progress=None) -> VerifyResult:
    result = VerifyResult()
    _check_lengths(repo, result.problems)
    commits, cids = _check_commits(repo, result)
    where: dict[bytes, str] = {}
    snapshots: dict[bytes, int] = {}
    for rev, (commit, flags) in commits.items():
        if flags & FLAG_SNAPSHOT:
            snapshots.setdefault(commit.tree, rev)
        for ch in commit.changes:
            if ch.entry is not None and ch.entry.id not in where:
                where[ch.entry.id] = f"{show(ch.path)} in revision {rev}"
    good, texts = _check_objects(repo.objects.log, result, where, snapshots, progress)
    _check_trees(repo, result, commits, good, texts)
    _check_history(repo, commits, good, result.problems)
    if not result.problems:  # built from the objects and the history, which must be sound first
        _check_origins(repo, result.problems)
    views = _check_oplog(repo, result)
    _check_refs(repo, cids, views, result.problems)
    return result


def _check_commits(repo: Repository, result: VerifyResult):
    """Every commit record: checksums, id, parents. Returns rev -> (commit, flags) and id -> rev."""
    log = repo.changelog
    commits: dict[int, tuple[Commit, int]] = {}
    cids: dict[bytes, int] = {}
    for rev in range(len(log)):
        try:
            info = log.info(rev)
            cids[info.id] = rev
            commit = repo.read_commit(rev)
            repo.parents(rev)  # stored before it, and the first one its delta base
            if info.base == NO_BASE and not info.flags & FLAG_SNAPSHOT:
                raise CorruptError("a first commit without a stored tree listing")
            found = moves(commit)  # the renames it records: well formed, each onto a path it writes
            written = {ch.path for ch in commit.changes if ch.entry is not None}
            for dst, (how, src) in found.items():
                if dst not in written:
                    raise CorruptError(f"it records a {how} onto {show(dst)}, which it does not write")
        except VcsError as e:
            result.problems.append(Problem("commit", f"revision {rev}", e.message))
            continue
        commits[rev] = (commit, info.flags)
        result.commits += 1
    return commits, cids


def _check_objects(log, result: VerifyResult, where: dict[bytes, str], snapshots: dict[bytes, int],
                   progress) -> tuple[set[bytes], dict[bytes, bytes]]:
    """Rebuild every record of the objects log; return the ids that rebuilt fine and the
    bytes of the tree listings named in `snapshots`."""
    problems = result.problems
    n_objects = len(log)
    infos = []
    for n in range(n_objects):
        try:
            infos.append(log.info(n))
        except CorruptError as e:
            infos.append(None)
            problems.append(Problem("object", f"record {n}", e.message))
    dependents = [0] * n_objects
    for info in infos:
        if info is not None and info.is_delta:
            dependents[info.base] += 1
    texts: dict[int, list[bytes]] = {}
    bad: set[int] = set()
    good: set[bytes] = set()
    listings: dict[bytes, bytes] = {}
    for n, info in enumerate(infos):
        if progress:
            progress(n, n_objects)
        if info is None:
            bad.add(n)
            continue
        name = info.id.hex()[:12]
        place = where.get(info.id) or (f"tree listing of revision {snapshots[info.id]}"
                                       if info.id in snapshots else "")
        try:
            if info.is_delta and info.base in bad:
                raise CorruptError(f"its delta base (record {info.base}) is corrupt")
            payload = log.payload(info)
            base = texts.get(info.base) if info.is_delta else None
            if info.is_delta and base is None:
                raise CorruptError(f"its delta base (record {info.base}) is not available")
            # The base's lines stay: other records may be deltas against it too.
            lines = replay_step(base, payload, infos[info.base] if info.is_delta else None, inplace=False)
            data = b"".join(lines)
            if len(data) != info.size or content_id(data) != info.id:
                raise CorruptError("it rebuilds to content that does not match its id")
            good.add(info.id)
            if info.id in snapshots:
                listings[info.id] = data
            if dependents[n]:
                texts[n] = lines
        except VcsError as e:
            bad.add(n)
            problems.append(Problem("object", name, e.message, place))
        if info.is_delta and info.base in texts:
            dependents[info.base] -= 1
            if dependents[info.base] == 0:
                del texts[info.base]
        result.objects += 1
    return good, listings


def _check_trees(repo: Repository, result: VerifyResult, commits: dict[int, tuple[Commit, int]],
                 good: set[bytes], listings: dict[bytes, bytes]) -> None:
    """Rebuild every revision's tree listing along the commits and check it and its files."""
    bases = {rev: repo.commit_info(rev).base for rev in commits}
    children: dict[int, int] = {}
    for base in bases.values():
        if base != NO_BASE:
            children[base] = children.get(base, 0) + 1
    trees: dict[int, Manifest] = {}
    reported: set[bytes] = set()
    for rev, (commit, flags) in commits.items():
        parent = bases[rev]
        try:
            if flags & FLAG_SNAPSHOT:
                if commit.tree not in listings:
                    raise CorruptError(f"its tree listing {commit.tree.hex()[:12]} is missing or corrupt")
                files = parse_manifest(listings[commit.tree], f"tree listing of revision {rev}")
                to_check = files.values()
            else:
                if parent not in trees:
                    raise CorruptError(f"the tree listing of its parent (revision {parent}) is not available")
                # Linear history: the parent's listing is needed by no one else, so reuse it.
                files = trees.pop(parent) if children.get(parent) == 1 else dict(trees[parent])
                replay_listing(files, [commit], "its tree listing")
                to_check = [c.entry for c in commit.changes if c.entry is not None]
        except VcsError as e:
            result.problems.append(Problem("commit", repo.commit_info(rev).id.hex()[:12], e.message,
                                           f"revision {rev}"))
            continue
        for e in to_check:
            if e.id not in good and e.id not in reported:
                reported.add(e.id)
                path = next((p for p, x in files.items() if x == e), b"?")
                result.problems.append(Problem("object", e.id.hex()[:12], "missing or corrupt",
                                               f"{show(path)} in revision {rev}"))
        if children.get(rev):
            trees[rev] = files


def _check_history(repo: Repository, commits: dict[int, tuple[Commit, int]], good: set[bytes],
                   problems: list[Problem]) -> None:
    """The file history holds, for each change of each commit, exactly one entry (which
    reads back as that change), with history parents that are earlier entries of the
    same path."""
    filelog = repo.filelog
    expected = {(rev, slot) for rev, (c, _) in commits.items() for slot in range(len(c.changes))}
    for n in range(len(filelog)):
        try:
            e = filelog.entry(n)
            key = (e.linkrev, filelog._head(n)[2])
            if key not in expected:
                raise CorruptError(f"a second entry for {show(e.path)} at revision {e.linkrev}")
            expected.discard(key)
            for p in (e.p1, e.p2):
                if p is not None and (filelog.entry(p).path != e.path or filelog.linkrev(p) > e.linkrev):
                    raise CorruptError(f"its history parent {p} is not an earlier version of {show(e.path)}")
        except VcsError as err:
            problems.append(Problem("history", f"entry {n}", err.message))
    for rev, slot in sorted(expected):
        problems.append(Problem("history", show(commits[rev][0].changes[slot].path),
                                "the file history has no entry for this change", f"revision {rev}"))


def _check_origins(repo: Repository, problems: list[Problem]) -> None:
    """The line origins (optional: a repository may hold none, or fewer than its file
    history's entries) are built anew in memory and each stored record must read back,
    checked against its id, as the same arrays."""
    from vcs.repo import origins as originsmod
    stored = repo.origins
    if not len(stored):
        return
    if len(stored) > len(repo.filelog):
        problems.append(Problem("file", "origins", f"holds {len(stored)} records for {len(repo.filelog)} "
                                "file history entries"))
        return
    try:
        fresh = originsmod.in_memory(repo)
    except VcsError as e:
        problems.append(Problem("file", "origins", f"cannot be rebuilt: {e.message}"))
        return
    linkrev = repo.filelog.linkrev
    for n in range(len(stored)):
        try:
            if stored.read(n, linkrev) != fresh.read(n, linkrev):
                raise CorruptError("differs from the origins rebuilt from the history")
        except VcsError as e:
            problems.append(Problem("origins", f"record {n}", e.message,
                                    f"{show(repo.filelog.entry(n).path)} in revision {linkrev(n)}"))


def _check_oplog(repo: Repository, result: VerifyResult) -> list[View]:
    """Every operation rebuilds, parses and follows the one before it; the state names the
    last one and the view it left. Returns every view an operation left."""
    from vcs.model import oplog
    problems = result.problems
    chain = repo.oplog
    views: list[View] = []
    previous = None
    earlier: set[bytes] = set()
    for n in range(len(chain)):
        try:
            record = chain.read(n)
            op = oplog.parse(record, f"operation {n}")
            if n and op.parent != previous:
                raise CorruptError("its parent is not the operation before it")
            if op.target is not None and op.target[1] not in earlier:
                raise CorruptError(f"it names {op.target[1].hex()[:12]} as the operation it {op.target[0]}s, "
                                   "which is not an earlier one")
            for oid in op.tree or ():
                if oid is not None and repo.changelog.find(oid) is None:
                    raise CorruptError(f"it names commit {oid.hex()[:12]} for the working tree, "
                                       "which is not in the store")
            views.append(op.view)
            previous = content_id(record)
            earlier.add(previous)
        except VcsError as e:
            problems.append(Problem("operation", f"{n}", e.message))
            previous = None
    state = repo.state
    if len(chain):
        if state.op is None or state.op[0] != len(chain) - 1 or state.op[1] != previous:
            problems.append(Problem("file", "state", "does not name the last operation"))
        elif views[-1] != state.view:
            problems.append(Problem("file", "state", "its view is not the one the last operation left"))
    elif state.op is not None:
        problems.append(Problem("file", "state", "names an operation the log does not hold"))
    return views


def _check_lengths(repo: Repository, problems: list[Problem]) -> None:
    for path, actual, want in repo.store.short_logs(repo.state.logs):
        problems.append(Problem("file", path, f"is {actual} bytes, the state says {want} are committed"))


def _check_refs(repo: Repository, cids: dict[bytes, int], views: list[View],
                problems: list[Problem]) -> None:
    """Every ref of every view names a stored commit (an old view too: undo can restore it)."""
    current = repo.state.view
    others = {v.id(): v for v in views if v != current}
    for vid, view in [(current.id(), current)] + list(others.items()):
        where = "" if vid == current.id() else f"view {vid.hex()[:12]}"
        for what, oid in _named(view):
            if oid not in cids:
                problems.append(Problem("ref", what, f"names commit {oid.hex()[:12]}, which is not in the store",
                                        where))
        if view.merge is not None:
            _check_merge(repo, view.merge, where, problems)
    try:
        dirstatemod.load(repo.path("dirstate"))
    except VcsError as e:
        problems.append(Problem("file", "dirstate", e.message,
                                "delete .vcs/dirstate to rebuild it from HEAD (marks from `vcs add` are lost)"))
    _check_caches(repo, problems)
    if os.path.exists(repo.path("checkout")):
        from vcs.repo.journal import interrupted
        try:
            told = interrupted(repo)
        except VcsError as e:
            told = (e.message, e.hint)
        if told is not None:
            problems.append(Problem("file", "checkout", *told))


def _check_merge(repo: Repository, state, where: str, problems: list[Problem]) -> None:
    """A merge in progress names only what the store holds: its record (which reads
    back with legal paths), and every side of every conflict. (Its paths were checked
    when the view was read.)"""
    from vcs.repo.merging import read_record
    names = [("its record", state.record)] + [(f"the conflict at {show(c.path)}", e.id) for c in state.conflicts
                                               for e in (c.base, c.ours, c.theirs) if e is not None]
    missing = [what for what, oid in names if repo.objects.find(oid) is None]
    for what in missing:
        problems.append(Problem("ref", f"the {state.op} in progress", f"{what} names content the store lacks",
                                where))
    if "its record" not in missing:
        try:
            changes, _ = read_record(repo, state)
            for entry in changes.values():
                if entry is not None and repo.objects.find(entry.id) is None:
                    raise CorruptError("its record names content the store lacks")
        except VcsError as e:
            problems.append(Problem("ref", f"the {state.op} in progress", e.message, where))


def _check_caches(repo: Repository, problems: list[Problem]) -> None:
    """Caches are derived data, but read back all the same: one that fails would be
    ignored with a warning, and is reported here."""
    from vcs.worktree import ignore
    try:
        tree = repo.tree_cache_problem()
    except VcsError:
        tree = None  # the working tree's commit itself is bad: reported with the commits
    from vcs.repo import rerere
    for name, problem in (("tree-cache", tree), ("ignore-cache", ignore.cache_problem(repo.root, repo.dir)),
                          ("rerere", rerere.problem(repo))):
        if problem:
            problems.append(Problem("file", name, problem, f"delete .vcs/{name}; it is rebuilt when needed"))
    from vcs.storage import gitmap
    for problem in gitmap.check(repo.path("git", "map")):
        problems.append(Problem("file", "git/map", problem, "delete .vcs/git/map to forget the git ids; the next "
                                                            "fetch from a git remote maps its commits again"))


def _named(view: View):
    if view.detached is not None:
        yield "HEAD", view.detached
    if view.wc is not None:
        yield "the working tree's parent", view.wc
    if view.merge is not None:
        yield f"the {view.merge.op} in progress", view.merge.other
    for h in sorted(view.heads):
        yield f"head {h.hex()[:12]}", h
    for kind, refs in (("branch", view.branches), ("tag", view.tags), ("remote branch", view.remotes),
                       ("stash", view.stashes)):
        for name, oid in sorted(refs.items()):
            yield f"{kind} {name}", oid
