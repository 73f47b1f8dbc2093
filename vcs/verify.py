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

from vcs import delta
from vcs import dirstate as dirstatemod
from vcs.errors import CorruptError, VcsError
from vcs.objects import Commit, Manifest, apply_changes, content_id, parse_manifest, serialize_manifest, show
from vcs.records import record
from vcs.repo import Repository
from vcs.store import ENTRY_SIZE, FLAG_SNAPSHOT, NO_BASE


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
    good, texts = _check_objects(repo, result, where, snapshots, progress)
    _check_trees(repo, result, commits, good, texts)
    _check_refs(repo, cids, result.problems)
    return result


def _check_commits(repo: Repository, result: VerifyResult):
    """Every commit record: checksums, id, parent. Returns rev -> (commit, flags) and id -> rev."""
    log = repo.commits
    commits: dict[int, tuple[Commit, int]] = {}
    cids: dict[bytes, int] = {}
    for rev in range(len(log)):
        try:
            info = log.info(rev)
            cids[info.id] = rev
            commit = repo.read_commit(rev)
            if info.base == NO_BASE and not info.flags & FLAG_SNAPSHOT:
                raise CorruptError("a first commit without a stored tree listing")
        except VcsError as e:
            result.problems.append(Problem("commit", f"revision {rev}", e.message))
            continue
        commits[rev] = (commit, info.flags)
        result.commits += 1
    return commits, cids


def _check_objects(repo: Repository, result: VerifyResult, where: dict[bytes, str],
                   snapshots: dict[bytes, int], progress) -> tuple[set[bytes], dict[bytes, bytes]]:
    """Rebuild every record; return the ids that rebuilt fine and the snapshot listings' bytes."""
    log = repo.objects.log
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
            if info.is_delta:
                base = texts.get(info.base)
                if base is None:
                    raise CorruptError(f"its delta base (record {info.base}) is not available")
                lines = delta.apply_checked(base, payload, infos[info.base].size)
            else:
                lines = delta.split_lines(payload)
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
    children: dict[int, int] = {}
    for rev in commits:
        parent = repo.parent_rev(rev)
        if parent is not None:
            children[parent] = children.get(parent, 0) + 1
    trees: dict[int, Manifest] = {}
    reported: set[bytes] = set()
    for rev, (commit, flags) in commits.items():
        parent = repo.parent_rev(rev)
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
                apply_changes(files, commit.changes)
                if content_id(serialize_manifest(files)) != commit.tree:
                    raise CorruptError("its tree listing rebuilds to the wrong content")
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


def _check_caches(repo: Repository, problems: list[Problem]) -> None:
    """Caches are derived data, but read back all the same: one that fails would be
    ignored with a warning, and is reported here."""
    from vcs import ignore
    try:
        tree = repo.tree_cache_problem()
    except VcsError:
        tree = None  # HEAD's commit itself is bad: reported with the commits
    for name, problem in (("tree-cache", tree), ("ignore-cache", ignore.cache_problem(repo.root, repo.dir))):
        if problem:
            problems.append(Problem("file", name, problem, f"delete .vcs/{name}; it is rebuilt when needed"))


def _check_lengths(repo: Repository, problems: list[Problem]) -> None:
    for name, (n, size) in (("objects", repo.state.objects), ("commits", repo.state.commits)):
        for ext, want in ((".idx", n * ENTRY_SIZE), (".dat", size)):
            path = repo.path("store", name + ext)
            try:
                actual = os.path.getsize(path)
            except OSError:
                actual = -1
            if actual < want:
                problems.append(Problem("file", path, f"is {max(actual, 0)} bytes, "
                                                      f"the state says {want} are committed"))


def _check_refs(repo: Repository, cids: dict[bytes, int], problems: list[Problem]) -> None:
    if repo.state.head is not None and repo.state.head not in cids:
        problems.append(Problem("ref", "HEAD", f"names commit {repo.state.head.hex()[:12]}, "
                                               "which is not in the store"))
    try:
        for name, oid in repo.tags().items():
            if oid not in cids:
                problems.append(Problem("ref", f"tag {name}", f"names commit {oid.hex()[:12]}, "
                                                             "which is not in the store"))
    except VcsError as e:
        problems.append(Problem("ref", "tags", e.message))
    try:
        dirstatemod.load(repo.path("dirstate"))
    except VcsError as e:
        problems.append(Problem("file", "dirstate", e.message,
                                "delete .vcs/dirstate to rebuild it from HEAD (marks from `vcs add` are lost)"))
    _check_caches(repo, problems)
    if os.path.exists(repo.path("checkout")):
        from vcs.checkout import interrupted
        try:
            told = interrupted(repo)
        except VcsError as e:
            told = (e.message, e.hint)
        if told is not None:
            problems.append(Problem("file", "checkout", *told))
