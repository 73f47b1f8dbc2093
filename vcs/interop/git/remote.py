"""A git repository as a vcs remote (`GitRemote`), through git itself.

git does the network, the authentication and the credential helpers; vcs keeps a bare
git mirror in `.vcs/git/mirror.git` and moves commits between it and its own store with
git's fast-export and fast-import streams (vcs.interop.git.importer, exporter's idents):

fetch   `git ls-remote` the remote's refs; if they differ from the mirror's copy,
        `git fetch` them into the mirror under refs/vcs-remotes/KEY/ (KEY: a hash of the
        URL, so one mirror serves every git remote); then `git fast-export` only the
        commits vcs lacks (`--import-marks` lists every commit the map knows, so a second
        fetch exports only new ones) into the caller's transaction, through the same
        checks as `vcs import` (path rules, sizes, refnames). Each new pair (vcs id, git
        id) goes into `.vcs/git/map` before the caller's commit point.
push    every commit to send that has no git id yet goes into the mirror by `git
        fast-import` (its parents named by their git ids), and gets its git id in the map;
        then `git push` from the mirror. A commit that came from git is never rebuilt: it
        goes back as the very git commit it was, so pull-then-push rewrites nothing.

All-or-nothing: the mirror and the map may run ahead of the vcs repository (a fetch
killed after `git fetch`, a push killed after fast-import), never behind, and nothing
in them is trusted: the map only for commits the store has, the mirror's commits only
once the map names them. The next fetch or push takes up where the killed one stopped.
git itself is run by vcs.interop.git.gitcmd (argv lists, a clean environment, only
safe protocols); a URL is checked by vcs.interop.git.urls.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager

import xxhash

from vcs import faults
from vcs.errors import TransportError
from vcs.interop.git.exporter import write_blobs, write_commit
from vcs.interop.git.gitcmd import Git, failure
from vcs.interop.git.importer import Importer, storer
from vcs.interop.git.stream import Reader
from vcs.model.refs import refname_problem
from vcs.porcelain.remote import RemoteRefs
from vcs.repo.repository import Repository
from vcs.storage import gitmap
from vcs.storage.log import make_folder
from vcs.interop.git.urls import git_url, is_git_url

NAMESPACE = "refs/vcs-remotes"
EXPORT_REF = "refs/vcs/export"  # the ref fast-import names while it writes vcs's commits

__all__ = ["GitRemote", "connect", "is_git_url", "mirror_path", "map_path"]


def mirror_path(repo: Repository) -> str:
    return repo.path("git", "mirror.git")


def map_path(repo: Repository) -> str:
    return repo.path("git", "map")


def known_map(repo: Repository) -> gitmap.GitMap:
    """The map's pairs whose vcs commit the store has (the only ones trusted)."""
    ids = repo.commit_ids()
    return gitmap.read(map_path(repo)).known(ids.__contains__)


@contextmanager
def mirror_lock(repo: Repository):
    """One fetch or push at a time works in the mirror and appends to the map (a push runs
    without the repository's lock). The kernel drops it if the holder dies."""
    make_folder(repo.path("git"))
    fd = os.open(repo.path("git", "lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# Each fetch and push adds a pack to the mirror; past this many they are packed into one.
MAX_PACKS = 32


def repack_if_needed(git: Git) -> None:
    """Pack the mirror's packs into one when there are many, keeping every object,
    unreachable ones too (`-k`): the map may name any of them."""
    packs = os.path.join(git.git_dir, "objects", "pack")
    if len([n for n in os.listdir(packs) if n.endswith(".pack")]) > MAX_PACKS:
        git.run(["repack", "-a", "-d", "-k", "-q"], what="git repack (the mirror)")


def open_mirror(repo: Repository) -> Git:
    """The bare git mirror in `.vcs/git/`, made (whole, by a rename) if it is not there."""
    path = mirror_path(repo)
    if not os.path.isfile(os.path.join(path, "HEAD")):
        folder = os.path.dirname(path)
        make_folder(folder)
        for name in os.listdir(folder):  # half-made mirrors of killed processes
            if name.startswith("mirror.git.tmp"):
                shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
        tmp = f"{path}.tmp{os.getpid()}"
        Git().run(["init", "--bare", "--quiet", "--object-format=sha1", tmp], what="git init (the mirror)")
        git = Git(tmp)
        # gc would prune commits no ref names (a refused push's, a remote's that was
        # force-pushed away) that the map names: they must stay, so gc never runs and
        # `repack_if_needed` packs without dropping anything. Fetched objects always
        # arrive as a pack (an unpack limit of 1), never as loose files.
        for key, value in (("gc.auto", "0"), ("core.logAllRefUpdates", "false"), ("core.hooksPath", "/dev/null"),
                           ("transfer.unpackLimit", "1")):
            git.run(["config", key, value], what="git config (the mirror)")
        if os.path.isdir(path):
            shutil.rmtree(path)  # a mirror without HEAD: half a copy
        os.rename(tmp, path)
        faults.step("git-mirror:made")
    return Git(path)


class GitRemote:
    """A git repository (a path, or any URL git reaches) as a `Remote`
    (vcs.porcelain.remote says what fetch and push promise)."""

    def __init__(self, url: str, name: str | None = None, cwd: str | None = None):
        self.url = git_url(url, cwd)
        self.name = name
        self.key = xxhash.xxh64_hexdigest(self.url.encode("utf-8", "surrogateescape"))
        self.prefix = f"{NAMESPACE}/{self.key}/"
        Git()  # git must be installed: say so before anything is made

    def close(self) -> None:
        pass

    # -- fetch ------------------------------------------------------------------------------

    def fetch(self, repo: Repository) -> RemoteRefs:
        """Bring the remote's new commits into `repo`, in the caller's transaction."""
        with mirror_lock(repo):
            return self._fetch(repo)

    def _fetch(self, repo: Repository) -> RemoteRefs:
        git = open_mirror(repo)
        head, advertised = self._advertised(git)
        if advertised != {name: sha for name, (sha, *_) in self._mirrored(git).items()}:
            git.run(["fetch", "--quiet", "--prune", "--no-tags", "--no-write-fetch-head", "--", self.url,
                     f"+refs/heads/*:{self.prefix}heads/*", f"+refs/tags/*:{self.prefix}tags/*"],
                    what=f"git fetch from {self.url}")
            repack_if_needed(git)
        faults.step("git-fetch:mirrored")
        branches, tags, refs = self._tips(repo, git)
        mapping = known_map(repo)
        wanted = set(branches.values()) | set(tags.values())
        if wanted - set(mapping.to_vcs):
            pairs = self._import(repo, git, mapping, refs)
            gitmap.append(map_path(repo), pairs)
            faults.step("git-fetch:mapped")
            for vcs_id, git_id in pairs:
                mapping.to_vcs[git_id] = vcs_id
                mapping.to_git.setdefault(vcs_id, git_id)
        missing = sorted(g.hex() for g in wanted if g not in mapping.to_vcs)
        if missing:
            raise TransportError(f"git commit {missing[0]} was fetched but not imported",
                                 hint="nothing was fetched; `git -C .vcs/git/mirror.git fsck` may say why")
        return RemoteRefs(head if head in branches else None,
                          {b: mapping.to_vcs[g] for b, g in branches.items()},
                          {t: mapping.to_vcs[g] for t, g in tags.items()})

    def _advertised(self, git: Git) -> tuple[str | None, dict[str, str]]:
        """The branch the remote's HEAD names, and its branches and tags (`heads/NAME`,
        `tags/NAME` -> the object id the ref holds)."""
        out = git.out(["ls-remote", "--symref", "--", self.url, "HEAD", "refs/heads/*", "refs/tags/*"],
                      what=f"git ls-remote {self.url}")
        head, refs = None, {}
        for line in out.decode("utf-8", "surrogateescape").splitlines():
            value, _, ref = line.partition("\t")
            if value.startswith("ref: ") and ref == "HEAD":
                target = value[5:]
                head = target[11:] if target.startswith("refs/heads/") else None
            elif ref.startswith(("refs/heads/", "refs/tags/")) and not ref.endswith("^{}"):
                refs[ref[5:]] = value
        return head, refs

    def _mirrored(self, git: Git) -> dict[str, tuple[str, str, str, str]]:
        """The mirror's copy of the remote's refs: `heads/NAME` or `tags/NAME` -> (id, type,
        the id and type a tag points to)."""
        out = git.out(["for-each-ref", "--format=%(objectname)%00%(objecttype)%00%(*objectname)%00"
                       "%(*objecttype)%00%(refname)", self.prefix], what="git for-each-ref (the mirror)")
        refs = {}
        for line in out.decode("utf-8", "surrogateescape").splitlines():
            sha, kind, peeled, peeled_kind, ref = line.split("\0")
            refs[ref[len(self.prefix):]] = (sha, kind, peeled, peeled_kind)
        return refs

    def _tips(self, repo: Repository, git: Git) -> tuple[dict[str, bytes], dict[str, bytes], list[str]]:
        """The remote's branches and tags (those vcs can name) -> git commit ids, and the
        mirror's refs that hold them (the others are not exported at all)."""
        branches, tags, refs = {}, {}, []
        for ref, (sha, kind, peeled, peeled_kind) in sorted(self._mirrored(git).items()):
            group, _, name = ref.partition("/")
            table = branches if group == "heads" else tags
            what = "branch" if group == "heads" else "tag"
            target = sha if kind == "commit" else peeled if peeled_kind == "commit" else None
            problem = refname_problem(name) or (None if target else f"it names a {kind}, not a commit")
            if problem:
                repo.warn(f"the git remote's {what} {name[:60]!r} is skipped: {problem}")
                continue
            table[name] = bytes.fromhex(target)
            refs.append(self.prefix + ref)
        return branches, tags, refs

    def _import(self, repo: Repository, git: Git, mapping: gitmap.GitMap, refs: list[str]) -> list[tuple[bytes, bytes]]:
        """fast-export what vcs lacks into the open transaction; the new (vcs id, git id) pairs."""
        present = _present(git, list(mapping.to_vcs))
        workdir = tempfile.mkdtemp(prefix="fetch", dir=repo.path("git"))
        try:
            marks_in, marks_out = os.path.join(workdir, "in"), os.path.join(workdir, "out")
            seeded: dict[int, int] = {}
            ids = repo.commit_ids()
            with open(marks_in, "w") as f:
                for mark, sha in enumerate(present, 1):
                    seeded[mark] = ids[mapping.to_vcs[sha]]
                    f.write(f":{mark} {sha.hex()}\n")
            with open(os.path.join(workdir, "err"), "w+b") as err:
                proc = git.popen(["fast-export", f"--import-marks={marks_in}", f"--export-marks={marks_out}",
                                  "--reencode=no", "--signed-tags=strip", "--use-done-feature", *refs],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
                importer = Importer(storer(repo, line_origins=False), repo.manifest, repo.warn)
                importer.commit_revs.update(seeded)
                try:
                    importer.run(Reader(proc.stdout))
                    proc.stdout.read()
                except BaseException:
                    if proc.poll() is None:  # the stream was refused: git need not go on
                        proc.kill()
                    elif proc.returncode:  # git failed first: its error, not the cut stream's
                        err.seek(0)
                        raise failure("git fast-export (the mirror)", proc.returncode, err.read()) from None
                    raise
                finally:
                    proc.stdout.close()
                    proc.wait()
                if proc.returncode:
                    err.seek(0)
                    raise failure("git fast-export (the mirror)", proc.returncode, err.read())
                faults.step("git-fetch:imported")
            pairs = []
            with open(marks_out) as f:
                for line in f:
                    mark, _, sha = line.strip().partition(" ")
                    n = int(mark[1:])
                    if n not in seeded and n in importer.commit_revs:
                        pairs.append((bytes(repo.commit_info(importer.commit_revs[n]).id), bytes.fromhex(sha)))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        _warn_unkept(repo, git, [g for _, g in pairs])
        return pairs

    # -- push -------------------------------------------------------------------------------

    def push(self, repo: Repository, updates: dict[str, tuple[bytes | None, bytes | None]],
             force: bool) -> dict[str, str]:
        """Send what the remote lacks and move its branches (see vcs.porcelain.remote)."""
        with mirror_lock(repo):
            return self._push(repo, updates, force)

    def _push(self, repo: Repository, updates: dict[str, tuple[bytes | None, bytes | None]],
              force: bool) -> dict[str, str]:
        git = open_mirror(repo)
        mapping = known_map(repo)
        tips = [repo.rev_of(new) for _, new in updates.values() if new is not None]
        send = _to_send(repo, git, mapping, tips)
        if send:
            pairs = _fast_import(repo, git, mapping, send)
            gitmap.append(map_path(repo), pairs)
            mapping.to_git.update({v: g for v, g in pairs})
            faults.step("git-push:mapped")
        specs, leases, dsts = [], [], {}
        for branch, (old, new) in updates.items():
            dst = f"refs/heads/{branch}"
            dsts[dst] = branch
            src = "" if new is None else mapping.to_git[bytes(new)].hex()
            expected = None if old is None else mapping.to_git.get(bytes(old))
            if force or new is None:
                # A lease without '+': the branch moves only if it still names what we
                # saw (git ignores a lease on a forced refspec).
                if old is None or expected is not None:
                    leases.append(f"--force-with-lease={dst}:{expected.hex() if expected else ''}")
                    specs.append(f"{src}:{dst}")
                else:
                    specs.append(f"+{src}:{dst}")
            else:
                specs.append(f"{src}:{dst}")
        code, out = git.run(["push", "--porcelain", *leases, "--", self.url, *specs], ok=(0, 1),
                            what=f"git push to {self.url}")
        faults.step("git-push:pushed")
        statuses = _statuses(out, dsts)
        if len(statuses) != len(updates):
            raise TransportError(f"git push to {self.url} did not report every branch",
                                 hint="run `vcs fetch` to see where the remote's branches are")
        moves = []
        for dst, branch in dsts.items():
            if statuses[branch] in ("ok", "up to date"):
                new = updates[branch][1]
                ref = f"{self.prefix}heads/{branch}"
                moves.append(f"delete {ref}\n" if new is None else f"update {ref} {mapping.to_git[bytes(new)].hex()}\n")
        if moves:
            git.run(["update-ref", "--stdin"], input="".join(moves).encode(), what="git update-ref (the mirror)")
        return statuses


def _present(git: Git, shas: list[bytes]) -> list[bytes]:
    """Those of `shas` that the mirror holds as commits."""
    if not shas:
        return []
    out = git.out(["cat-file", "--batch-check=%(objectname) %(objecttype)"],
                  input=b"".join(s.hex().encode() + b"\n" for s in shas), what="git cat-file (the mirror)")
    have = {line.split(b" ")[0] for line in out.splitlines() if line.endswith(b" commit")}
    return [s for s in shas if s.hex().encode() in have]


def _warn_unkept(repo: Repository, git: Git, shas: list[bytes]) -> None:
    """One warning for the fetched commits vcs cannot write back exactly by itself."""
    if not shas:
        return
    out = git.out(["cat-file", "--batch"], input=b"".join(s.hex().encode() + b"\n" for s in shas),
                  what="git cat-file (the mirror)")
    signed = encoded = at = 0
    while at < len(out):
        eol = out.index(b"\n", at)
        size = int(out[at:eol].split(b" ")[2])
        body = out[eol + 1:eol + 1 + size]
        at = eol + 2 + size
        headers = body.split(b"\n\n", 1)[0]
        if b"\ngpgsig" in headers or b"\nmergetag " in headers:
            signed += 1
        elif b"\nencoding " in headers:
            encoded += 1
    parts = ([f"{signed} carry a signature (gpgsig or mergetag)"] if signed else []) + \
            ([f"{encoded} declare an encoding other than UTF-8"] if encoded else [])
    if parts:
        repo.warn(f"of the {len(shas)} commits fetched, {' and '.join(parts)}, which vcs does not store: through "
                  "this git remote they keep their git ids (vcs remembers them), but `vcs export` writes them "
                  "without it, with new ids")


def _to_send(repo: Repository, git: Git, mapping: gitmap.GitMap, tips: list[int]) -> list[int]:
    """The revisions the mirror lacks among `tips` and their ancestors, oldest first: those
    with no git id, and those whose git commit the mirror lost (rebuilt, then checked)."""
    send, seen, stack = set(), set(), list(tips)
    while stack:
        frontier = {}
        while stack:
            rev = stack.pop()
            if rev in seen:
                continue
            seen.add(rev)
            gid = mapping.to_git.get(bytes(repo.commit_info(rev).id))
            if gid is not None:
                frontier[rev] = gid
                continue
            send.add(rev)
            stack.extend(repo.parents(rev))
        have = set(_present(git, list(frontier.values())))
        for rev, gid in frontier.items():
            if gid not in have:
                send.add(rev)
                stack.extend(repo.parents(rev))
    return sorted(send)


def _fast_import(repo: Repository, git: Git, mapping: gitmap.GitMap, revs: list[int]) -> list[tuple[bytes, bytes]]:
    """Write `revs` (oldest first) into the mirror as git commits; the (vcs id, git id) pairs."""
    sending = set(revs)
    workdir = tempfile.mkdtemp(prefix="push", dir=repo.path("git"))
    try:
        marks = os.path.join(workdir, "marks")
        with open(os.path.join(workdir, "err"), "w+b") as err:
            proc = git.popen(["fast-import", "--quiet", "--force", "--done", f"--export-marks={marks}"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
            try:
                _write_commits(repo, mapping, revs, sending, proc.stdin)
                proc.stdin.close()
            except BrokenPipeError:
                pass
            finally:
                if proc.wait():
                    err.seek(0)
                    raise failure("git fast-import (the mirror)", proc.returncode, err.read())
        faults.step("git-push:imported")
        got = {}
        with open(marks) as f:
            for line in f:
                mark, _, sha = line.strip().partition(" ")
                got[int(mark[1:])] = bytes.fromhex(sha)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    pairs = []
    for rev in revs:
        vcs_id = bytes(repo.commit_info(rev).id)
        sha, had = got[rev + 1], mapping.to_git.get(vcs_id)
        if had is not None and had != sha:
            raise TransportError(f"revision {rev} is git commit {had.hex()}, which the mirror lost, and vcs cannot "
                                 "rebuild it exactly (it held what vcs does not store: a signature)",
                                 hint="nothing was pushed; fetch it again from a git remote that has it")
        if had is None:
            pairs.append((vcs_id, sha))
    return pairs


def _write_commits(repo: Repository, mapping: gitmap.GitMap, revs: list[int], sending: set[int], out) -> None:
    """The fast-import stream of `revs`: each commit's changes against its first parent, its
    parents by mark (sent now) or by git id (in the mirror)."""
    w = out.write
    w(b"feature done\n")
    blob_marks: dict[bytes, int] = {}
    next_mark = len(repo) + 1  # commits have marks rev + 1
    ref = EXPORT_REF.encode()
    for rev in revs:
        c = repo.read_commit(rev)
        next_mark = write_blobs(repo, c, blob_marks, next_mark, w)
        parents = repo.parents(rev)
        if not parents:
            w(b"reset %s\n\n" % ref)
        write_commit(w, ref, rev + 1, c, [b":%d" % (p + 1) if p in sending else
                                          mapping.to_git[bytes(repo.commit_info(p).id)].hex().encode()
                                          for p in parents], blob_marks)
    w(b"done\n")


def _statuses(out: bytes, dsts: dict[str, str]) -> dict[str, str]:
    """branch -> ok / up to date / rejected: ..., from `git push --porcelain`."""
    statuses = {}
    for line in out.decode("utf-8", "replace").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or len(parts[0]) != 1:
            continue
        flag, spec, summary = parts
        branch = dsts.get(spec.rpartition(":")[2])
        if branch is None:
            continue
        if flag in " +-*":
            statuses[branch] = "ok"
        elif flag == "=":
            statuses[branch] = "up to date"
        elif "non-fast-forward" in summary or "fetch first" in summary:
            statuses[branch] = "rejected: not a fast-forward"
        elif "stale info" in summary:
            statuses[branch] = "rejected: the remote branch moved"
        else:
            said = "".join(ch if ch.isprintable() else "?" for ch in summary.strip())[:200]
            statuses[branch] = f"rejected: {said}"
    return statuses


def connect(url: str, name: str | None = None) -> GitRemote:
    """The Remote for a git URL (vcs.cli's transport choice calls it when `is_git_url`)."""
    return GitRemote(url, name)
