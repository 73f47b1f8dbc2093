"""A repository: its layout, the state file (HEAD and committed log lengths),
the lock, transactions, tags, config and the dirstate.

    .vcs/format            format version (sealed with a checksum)
    .vcs/state             HEAD and how much of each log is committed (sealed)
    .vcs/store/objects.*   file versions and tree listings (store.Log)
    .vcs/store/commits.*   commits; a commit's number is its place in this log
    .vcs/tags              tag name -> commit id (sealed)
    .vcs/dirstate          tracked files and the stat cache (sealed)
    .vcs/config.toml       repository config
    .vcs/lock              the writers' lock
    .vcs/tmp/              files being written, renamed into place when whole

A commit appends records past the committed end of the logs, fsyncs them, then
switches `.vcs/state` by an atomic rename: that rename is the commit point.
"""
from __future__ import annotations

import os

from vcs import config as configmod
from vcs import dirstate as dirstatemod
from vcs.errors import CorruptError, StateError, UsageError, VcsError
from vcs.history import POLICIES, Objects
from vcs.lock import Lock, try_lock
from vcs.records import record
from vcs.objects import (GIT_MODES, Commit, Entry, Manifest, ObjectId, apply_changes, commit_id, content_id,
                         folders, parse_commit, parse_manifest, paths_problem, relative, serialize_manifest, show)
from vcs.store import FLAG_SNAPSHOT, NO_BASE, Info, Log, atomic_write, make_folder, owner_can_use, seal, unseal

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable

FORMAT = 1
VCS_DIR = ".vcs"


class State(record("State", "head objects commits")):
    """HEAD's commit id (or None), and the committed (entries, bytes) of each log."""

    __slots__ = ()

    def serialize(self) -> bytes:
        head = self.head.hex() if self.head else "-"
        return seal(f"vcs-state 1\nhead {head}\nobjects {self.objects[0]} {self.objects[1]}\n"
                    f"commits {self.commits[0]} {self.commits[1]}\n".encode())

    @classmethod
    def parse(cls, data: bytes, path: str) -> State:
        body = unseal(data, path).decode("ascii", "replace").split("\n")
        try:
            if body[0] != "vcs-state 1":
                raise ValueError("unknown header")
            fields = dict(line.split(" ", 1) for line in body[1:] if line)
            head = fields["head"]
            o, c = _lengths(fields["objects"]), _lengths(fields["commits"])
            if len(o) != 2 or len(c) != 2:
                raise ValueError("bad lengths")
            return cls(None if head == "-" else ObjectId(bytes.fromhex(head)), o, c)  # type: ignore[arg-type]
        except (KeyError, ValueError) as e:
            raise CorruptError(f"{path} is malformed: {e}") from None


def _lengths(text: str) -> tuple[int, ...]:
    """A log's committed (entries, bytes); a number longer than any file's size is
    refused before int(), whose own refusal (past 4,300 digits) names Python's limit."""
    words = text.split()
    if any(len(w) > 20 for w in words):
        raise ValueError("a length is too long")
    return tuple(int(w) for w in words)


class _cached:
    """A property computed once per instance (functools.cached_property without
    importing functools); deleting it from the instance's __dict__ resets it."""

    def __init__(self, fn):
        self.fn = fn
        self.name = fn.__name__

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


class _Transaction:
    def __init__(self, repo: Repository):
        self.repo = repo

    def __enter__(self) -> None:
        repo = self.repo
        if repo._lock is None or repo._lock.fd < 0:
            raise StateError("internal: a transaction needs the lock")
        repo._snapshot()  # another writer may have committed since
        repo._manifests.clear()
        repo._close_logs()
        repo._writing = True
        self.start = repo.state

    def __exit__(self, kind, exc, tb) -> bool:
        repo = self.repo
        try:
            if kind is None:
                new = None
                try:
                    objects = repo.objects.log.flush()
                    commits = repo.commits.flush()
                    new = repo.state._replace(objects=objects, commits=commits)
                    repo.set_state(new)
                    return False
                except BaseException:
                    # An interrupt (Ctrl-C) may arrive just after the state file's
                    # rename, the commit point: the records are committed then and
                    # must stay. Left in place, they are harmless either way.
                    if new is None or not self._switched(new):
                        self._rollback()
                    else:
                        repo.state = new
                    raise
            self._rollback()
            return False
        finally:
            repo._close_logs()
            repo._writing = False

    def _switched(self, new: State) -> bool:
        """Whether the state file names `new` (or cannot be read: then keep the records)."""
        try:
            return self.repo._read_state() == new
        except (OSError, VcsError):
            return True

    def _rollback(self) -> None:
        repo = self.repo
        try:
            repo.objects.log.rollback(*self.start.objects)
            repo.commits.rollback(*self.start.commits)
        finally:
            repo.state = self.start


def _login_name() -> str:
    # getpass.getuser's order, without importing getpass (and with it, more modules).
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        import pwd
        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return "unknown"


def find_root(start: bytes) -> bytes | None:
    cur = os.path.abspath(start)
    while True:
        if os.path.isdir(os.path.join(cur, b".vcs")):
            return cur
        parent = os.path.dirname(cur)
        if parent == cur:
            return None
        cur = parent


class Repository:
    def __init__(self, root: bytes, warn: Callable[[str], None] | None = None):
        self.root = root
        self.dir = os.path.join(os.fsdecode(root), VCS_DIR)
        self.warn = warn or (lambda msg: None)
        self._lock: Lock | None = None
        self._writing = False
        self._manifests: dict[int, Manifest] = {}
        self._check_format()
        self._snapshot()

    # -- finding and creating ----------------------------------------------------------

    @classmethod
    def find(cls, start: bytes | None = None, warn: Callable[[str], None] | None = None) -> Repository:
        start = start if start is not None else os.getcwdb()
        root = find_root(start)
        if root is None:
            raise StateError(f"not inside a vcs repository: {show(start)}",
                             hint="run `vcs init` to create one, or use -C DIR")
        return cls(root, warn)

    @classmethod
    def init(cls, root: bytes, policy: str = "auto") -> Repository:
        if policy not in POLICIES:
            raise UsageError(f"unknown storage policy {policy!r}", hint=f"use one of {', '.join(POLICIES)}")
        d = os.path.join(os.fsdecode(root), VCS_DIR)
        if os.path.exists(d):
            raise StateError(f"a repository already exists in {os.path.join(os.fsdecode(root), VCS_DIR)}",
                             hint="nothing was changed")
        os.makedirs(os.fsdecode(root), exist_ok=True)
        # Build it under a temporary name and rename it into place: a crash leaves
        # no half-made .vcs/.
        tmp = d + f".init{os.getpid()}"
        make_folder(os.path.join(tmp, "store"))
        make_folder(os.path.join(tmp, "tmp"))
        for name in ("objects", "commits"):
            for ext in (".idx", ".dat"):
                fd = os.open(os.path.join(tmp, "store", name + ext), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                try:
                    owner_can_use(fd)
                finally:
                    os.close(fd)
        atomic_write(os.path.join(tmp, "format"), seal(f"vcs-format {FORMAT}\n".encode()))
        atomic_write(os.path.join(tmp, "state"), State(None, (0, 0), (0, 0)).serialize())
        atomic_write(os.path.join(tmp, "tags"), seal(b""))
        configmod.save(os.path.join(tmp, "config.toml"), {"storage": {"policy": policy}})
        os.rename(tmp, d)
        return cls(root)

    def _check_format(self) -> None:
        path = os.path.join(self.dir, "format")
        try:
            with open(path, "rb") as f:
                body = unseal(f.read(), path)
        except FileNotFoundError:
            raise CorruptError(f"{path} is missing", hint="this is not a complete vcs repository") from None
        try:
            version = int(body.decode().split()[1])
        except (IndexError, ValueError, UnicodeDecodeError):
            raise CorruptError(f"{path} is malformed") from None
        if version > FORMAT:
            raise StateError(f"this repository has format {version}; this vcs reads format {FORMAT}",
                             hint="upgrade vcs")

    def path(self, *parts: str) -> str:
        return os.path.join(self.dir, *parts)

    @property
    def tmpdir(self) -> bytes:
        return os.fsencode(self.path("tmp"))

    # -- state, logs and transactions --------------------------------------------------

    def _snapshot(self) -> None:
        """Read the tags, then the state: one consistent view for every reader.

        A tag's commit is committed before the tag file names it, and the state only
        grows, so tags read first never name a commit the state read after lacks
        (read the other way round, a commit and tag made in between would show a tag
        whose commit is not there). The tags are parsed when first asked for.
        """
        path = self.path("tags")
        try:
            with open(path, "rb") as f:
                self._tags_raw: bytes | None = f.read()
        except FileNotFoundError:
            self._tags_raw = None
        self.__dict__.pop("_parsed_tags", None)
        self.state = self._read_state()

    def _read_state(self) -> State:
        path = self.path("state")
        try:
            with open(path, "rb") as f:
                return State.parse(f.read(), path)
        except FileNotFoundError:
            raise CorruptError(f"{path} is missing", hint="run `vcs verify`") from None

    @_cached
    def objects(self) -> Objects:
        n, size = self.state.objects
        log = Log(self.path("store"), "objects", n, size, writable=self._writing)
        # Only writers need the policy (and so the config file).
        if not self._writing:
            return Objects(log)
        rules = self.config("storage.rules") or {}
        if not isinstance(rules, dict) or any(p not in POLICIES for p in rules.values()):
            raise StateError("storage.rules in the config must map globs to auto, delta or full",
                             hint='for example: [storage.rules] "*.png" = "full"')
        return Objects(log, self.policy, list(rules.items()))

    @_cached
    def commits(self) -> Log:
        n, size = self.state.commits
        return Log(self.path("store"), "commits", n, size, writable=self._writing)

    def _close_logs(self) -> None:
        for name in ("objects", "commits"):
            log = self.__dict__.pop(name, None)
            if log is not None:
                (log.log if isinstance(log, Objects) else log).close()

    def lock(self) -> Lock:
        if self._lock is None:
            self._lock = Lock(self.path("lock"), self.warn, self._remove_leftovers)
        return self._lock

    def _remove_leftovers(self) -> None:
        """Temp files a killed writer left behind (with the lock held, none is in use)."""
        for folder, names in ((self.dir, [n for n in os.listdir(self.dir) if ".tmp" in n]),
                              (self.path("tmp"), os.listdir(self.path("tmp")) if os.path.isdir(self.path("tmp")) else [])):
            for name in names:
                try:
                    os.unlink(os.path.join(folder, name))
                except OSError:
                    pass

    def try_lock(self) -> Lock | None:
        return try_lock(self.path("lock"))

    def transaction(self) -> _Transaction:
        """`with repo.transaction():` append records, then commit them by switching
        the state file; on any error, roll the logs back."""
        return _Transaction(self)

    def set_state(self, state: State) -> None:
        atomic_write(self.path("state"), state.serialize())
        self.state = state

    def refresh(self) -> None:
        """Re-read the tags and the state (after taking the lock)."""
        self._snapshot()
        self._close_logs()
        self._manifests.clear()

    # -- commits ----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.commits)

    def commit_info(self, rev: int) -> Info:
        return self.commits.info(rev)

    def read_commit(self, rev: int) -> Commit:
        data, parent, name = self._commit_record(rev)
        return parse_commit(data, parent, name)

    def _commit_record(self, rev: int) -> tuple[bytes, ObjectId | None, str]:
        """A commit's record and parent id, checked against the commit's id."""
        info = self.commits.info(rev)
        data = self.commits.payload(info)
        parent = None if info.base == NO_BASE else ObjectId(self.commits.info(info.base).id)
        if commit_id(parent, data) != info.id:
            raise CorruptError(f"commit {rev} ({info.id.hex()[:12]}) does not match its id",
                               hint="run `vcs verify`")
        return data, parent, f"commit {rev} ({info.id.hex()[:12]})"

    def read_tree_id(self, rev: int) -> ObjectId:
        """A commit's tree id, without parsing its changes (a big tree's first commit
        lists every file)."""
        data, _, name = self._commit_record(rev)
        first = data[:data.find(b"\n")]
        if not first.startswith(b"tree ") or len(first) != 5 + 2 * 16:
            raise CorruptError(f"{name} is malformed")
        try:
            return ObjectId(bytes.fromhex(first[5:].decode("ascii")))
        except ValueError:
            raise CorruptError(f"{name} is malformed") from None

    def rev_of(self, oid: bytes) -> int:
        cache = self.__dict__.get("_cids")
        n = cache.get(oid) if cache is not None and len(cache) == len(self.commits) else self.commits.find(oid)
        if n is None:
            raise CorruptError(f"commit {oid.hex()[:12]} is missing from the store", hint="run `vcs verify`")
        return n

    def commit_ids(self) -> dict[bytes, int]:
        """id -> revision number for every commit (built once, kept while the log is the same)."""
        cache = self.__dict__.get("_cids")
        if cache is None or len(cache) != len(self.commits):
            cache = self.commits.ids()
            self.__dict__["_cids"] = cache
        return cache


    def introduced_by(self, oid: bytes) -> int | None:
        """The first revision that recorded this file version (for log's chain marks)."""
        first = self.__dict__.setdefault("_first_rev", {})
        done = self.__dict__.get("_first_rev_done", 0)
        while oid not in first and done < len(self.commits):
            for c in self.read_commit(done).changes:
                if c.entry is not None:
                    first.setdefault(c.entry.id, done)
            done += 1
        self.__dict__["_first_rev_done"] = done
        return first.get(oid)

    def head_rev(self) -> int | None:
        return None if self.state.head is None else self.rev_of(self.state.head)

    def parent_rev(self, rev: int) -> int | None:
        base = self.commits.info(rev).base
        return None if base == NO_BASE else base

    def manifest(self, rev: int | None) -> Manifest:
        """The tree listing of a revision (do not modify it: it is cached).

        Rebuilt like a file: from the nearest ancestor whose listing is stored
        whole, replaying each commit's changes, then checked against the tree id.
        """
        if rev is None:
            return {}
        cached = self._manifests.get(rev)
        if cached is not None:
            return cached
        # The cache holds HEAD's listing only: no other revision pays for reading it.
        cached = self._load_tree_cache(rev) if self.commits.info(rev).id == self.state.head else None
        if cached is not None:
            self._manifests[rev] = cached
            return cached
        chain = []
        r = rev
        while r not in self._manifests and not self.commits.info(r).flags & FLAG_SNAPSHOT:
            chain.append(r)
            r = self.parent_rev(r)
            if r is None:
                raise CorruptError(f"revision {rev}: no stored tree listing in its ancestry",
                                   hint="run `vcs verify`")
        if r in self._manifests:
            files = dict(self._manifests[r])
        else:
            tree = self.read_tree_id(r)
            files = parse_manifest(self.objects.read(tree), f"tree listing of revision {r}")
        commit = None
        for c in reversed(chain):
            commit = self.read_commit(c)
            apply_changes(files, commit.changes)
        if commit is not None and content_id(serialize_manifest(files)) != commit.tree:
            raise CorruptError(f"the tree listing of revision {rev} rebuilds to the wrong content",
                               hint="run `vcs verify`")
        self._manifests[rev] = files
        if rev == self.head_rev():
            self.remember_tree(rev, files)
        return files

    # A big tree's listing takes tens of milliseconds to rebuild and check: HEAD's is
    # kept in .vcs/tree-cache (sealed, named by its commit id), derived data like the
    # dirstate, written only after the listing was rebuilt and checked.
    TREE_CACHE_MIN = 1000

    def remember_tree(self, rev: int, files: Manifest) -> None:
        if len(files) < self.TREE_CACHE_MIN:
            return
        import marshal
        body = marshal.dumps((1, self.commits.info(rev).id, [(p, e.kind, e.id) for p, e in files.items()]))
        try:
            atomic_write(self.path("tree-cache"), seal(body), durable=False)
        except OSError:
            pass  # a read-only repository: rebuild each time

    def _load_tree_cache(self, rev: int) -> Manifest | None:
        files, problem = self._read_tree_cache(rev)
        if problem:
            self.warn(f"ignored .vcs/tree-cache: {problem}; the listing is rebuilt from the store")
            try:
                os.unlink(self.path("tree-cache"))
            except OSError:
                pass  # a read-only repository: it is ignored each time
        return files

    def tree_cache_problem(self) -> str | None:
        """Why the tree cache cannot be trusted, or None (for verify): one for another
        commit than HEAD is stale, which is fine."""
        head = self.head_rev()
        if head is None:
            return None
        return self._read_tree_cache(head)[1]

    def _read_tree_cache(self, rev: int) -> tuple[Manifest | None, str | None]:
        """(HEAD's listing, None) from the cache; (None, None) when there is none for
        `rev`; (None, why) when it fails a check. It is read back like a stored listing:
        every path through the same rules, no path through a file, and the listing
        bound to the commit's tree id, so a forged but well-formed cache is caught."""
        path = self.path("tree-cache")
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return None, None
        import marshal
        try:
            version, commit, entries = marshal.loads(unseal(data, path))
        except VcsError as e:
            return None, e.message
        except (ValueError, EOFError, TypeError):
            return None, "it is malformed"
        if version != 1 or commit != self.commits.info(rev).id:
            return None, None  # another version's, or another commit's: stale, not wrong
        # About 8 ms for 10,000 files, against 35 to rebuild the listing from the store.
        new = tuple.__new__
        try:
            files = {p: new(Entry, (kind, oid)) for p, kind, oid in entries}
            bad = paths_problem(list(files))
            if bad is not None:
                return None, f"it names a forbidden path {bad[0]!r}: {bad[1]}"
            if not all(type(k) is str and k in GIT_MODES and type(i) is bytes and len(i) == 16
                       for k, i in files.values()):
                return None, "it has a malformed entry"
        except (TypeError, ValueError):
            return None, "it is malformed"
        if content_id(serialize_manifest(files)) != self.read_tree_id(rev):
            return None, f"it does not match the tree of revision {rev}"
        through = folders(files) & files.keys()
        if through:
            return None, f"it lists {min(through)!r} as both a file and a folder"
        return files, None

    # -- tags ---------------------------------------------------------------------------

    def tags(self) -> dict[str, ObjectId]:
        """name -> commit id, as of this repository's snapshot (a copy to change freely)."""
        return dict(self._parsed_tags)

    @_cached
    def _parsed_tags(self) -> dict[str, ObjectId]:
        path = self.path("tags")
        if self._tags_raw is None:
            return {}
        body = unseal(self._tags_raw, path)
        tags = {}
        for line in body.decode("utf-8", "surrogateescape").splitlines():
            oid, _, name = line.partition(" ")
            try:
                tags[name] = ObjectId(bytes.fromhex(oid))
            except ValueError:
                raise CorruptError(f"{path} is malformed at {line[:60]!r}") from None
        return tags

    def set_tags(self, tags: dict[str, ObjectId]) -> None:
        body = "".join(f"{oid.hex()} {name}\n" for name, oid in sorted(tags.items()))
        data = seal(body.encode("utf-8", "surrogateescape"))
        atomic_write(self.path("tags"), data)
        self._tags_raw = data
        self.__dict__.pop("_parsed_tags", None)

    # -- config ------------------------------------------------------------------------

    @_cached
    def configs(self) -> list[configmod.Config]:
        return [configmod.load(path) for path in configmod.files(self.root)]

    def config(self, key: str, default=None):
        return configmod.get(self.configs, key, default)

    @_cached
    def policy(self) -> str:
        policy = self.config("storage.policy", "auto")
        if policy not in POLICIES:
            raise StateError(f"unknown storage policy {policy!r} in {self.path('config.toml')}",
                             hint=f"use one of {', '.join(POLICIES)}")
        return policy

    def author(self) -> tuple[str, list[str]]:
        """(`Name <email>`, the keys it guessed): from VCS_AUTHOR_NAME/EMAIL, else config,
        else guessed from the login name and host (a commit warns about a guess)."""
        name = os.environ.get("VCS_AUTHOR_NAME") or self.config("user.name")
        email = os.environ.get("VCS_AUTHOR_EMAIL") or self.config("user.email")
        guessed = [key for key, value in (("user.name", name), ("user.email", email)) if not value]
        if guessed:
            login = _login_name()
            name = name or login
            email = email or f"{login}@{os.uname().nodename}"
        return f"{name} <{email}>", guessed

    def ignore(self):
        """The working tree's ignore rules (.vcsignore), or None."""
        from vcs import ignore
        return ignore.load(self.root, self.dir, self.warn)

    # -- dirstate ----------------------------------------------------------------------

    def dirstate(self) -> dirstatemod.Dirstate:
        """The dirstate, rebuilt from HEAD's tree if it is missing or belongs to another commit."""
        try:
            ds = dirstatemod.load(self.path("dirstate"))
        except CorruptError as e:
            self.warn(f"{e.message}; rebuilt it from HEAD (files added since the last commit "
                      "must be added again)")
            ds = None
        if ds is None or ds.parent != self.state.head:
            ds = dirstatemod.Dirstate.from_manifest(self.state.head, self.manifest(self.head_rev()))
        return ds

    def save_dirstate(self, ds: dirstatemod.Dirstate) -> None:
        dirstatemod.save(self.path("dirstate"), ds)

    # -- paths from the command line --------------------------------------------------

    def here(self) -> bytes:
        """The current folder as a repository path (b"" at the root, and inside .vcs/):
        paths are shown to a person relative to it, as git's status shows them."""
        try:
            return self.relpath(".")
        except UsageError:
            return b""

    def show(self, path: bytes) -> str:
        """A repository path as text for a person in the current folder (`../x` above it)."""
        return show(relative(path, self.here()))

    def relpath(self, arg: str, cwd: bytes | None = None) -> bytes:
        """A command-line path as a repository path (b'' for the root itself)."""
        cwd = cwd if cwd is not None else os.getcwdb()
        full = os.path.normpath(os.path.join(cwd, os.fsencode(arg)))
        rel = os.path.relpath(full, self.root)
        if rel == b".." or rel.startswith(b"../"):
            # The root is a physical path: the argument may reach it through a symlinked
            # folder. Resolve its folder part, keeping the last component as named (it
            # may be a symlink vcs tracks).
            head, tail = os.path.split(full)
            real = os.path.join(os.path.realpath(head), tail) if tail else os.path.realpath(full)
            rel = os.path.relpath(real, self.root)
        if rel == b".":
            return b""
        if rel == b".." or rel.startswith(b"../"):
            raise UsageError(f"{arg} is outside the repository ({show(self.root)})")
        if rel.split(b"/")[0] == b".vcs":
            raise UsageError(f"{arg} is inside .vcs/", hint="vcs does not track its own files")
        return rel
