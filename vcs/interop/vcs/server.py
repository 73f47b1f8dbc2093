"""`vcs serve --stdio PATH`: one repository served over stdin and stdout (vcs.interop.vcs.wire).

The server opens the repository whose root is PATH (no search upwards, nothing read
outside its .vcs/), reads it as any reading command does (the committed state, no
lock), and writes only when a client pushes: the bundle is first spooled to a file
in .vcs/tmp (so a slow client never holds the lock), then applied under the lock in
one transaction with the branch updates, each checked there (a fast-forward of what
the branch names at that moment, unless forced). Concurrent pushes are serialized by
the lock; each lands whole or is refused. The working tree is never touched: a push
that moves the checked-out branch leaves the working tree where it was, and the
repository's next `status` says so.
"""
from __future__ import annotations

import os
import tempfile

from vcs.errors import StateError, VcsError
from vcs.interop.vcs.wire import PROTOCOL, Malformed, Wire, hex_id, refs_lines
from vcs.model.objects import ObjectId
from vcs.model.refs import branch_name_problem
from vcs.repo.exchange import Receiver, items, known, outgoing
from vcs.repo.repository import Repository, VCS_DIR
from vcs import faults

MAX_HAVES = 100_000


def open_served(path: str, warn=None) -> Repository:
    root = os.path.abspath(path)
    if not os.path.lexists(root):
        raise StateError(f"{path} does not exist", hint="give the path of a repository's root folder")
    if not os.path.isdir(os.path.join(root, VCS_DIR)):
        raise StateError(f"{path} is not a vcs repository (it has no {VCS_DIR}/)",
                         hint="give the path of a repository's root folder")
    return Repository(os.fsencode(root), warn)


def serve(path: str, rfile, wfile, warn=None) -> None:
    """Answer one client's requests until it hangs up; an error is sent to the client
    as an X frame (and raised)."""
    wire = Wire(rfile, wfile, "the client")
    try:
        repo = open_served(path, warn)
        kind, hello = wire.recv(b"H")
        if not hello.startswith(PROTOCOL):
            raise Malformed(f"the client speaks {hello[:40]!r}, not {PROTOCOL!r}", hint="upgrade vcs on one side")
        wire.send(b"H", PROTOCOL + b" push")
        wire.flush()
        while True:
            if wire.at_end():
                return
            lines = wire.recv_lines(b"Q")
            if not lines:
                raise Malformed("the client sent an empty request")
            command = lines[0]
            repo.refresh()
            if command == b"refs":
                wire.send_lines(b"R", refs_lines(repo.state.view))
            elif command == b"getbundle":
                _getbundle(repo, wire, lines[1:])
            elif command == b"unbundle":
                _unbundle(repo, wire, lines[1:])
            else:
                raise Malformed(f"the client asked for {command[:40]!r}, which this server does not know")
            wire.flush()
    except VcsError as e:
        try:
            wire.send(b"X", (e.message + ("\n" + e.hint if e.hint else "")).encode("utf-8", "replace"))
            wire.flush()
        except OSError:
            pass
        raise


def _getbundle(repo: Repository, wire: Wire, lines: list[bytes]) -> None:
    if len(lines) > MAX_HAVES:
        raise Malformed(f"the client sent {len(lines)} commits it has (at most {MAX_HAVES})")
    haves = []
    for line in lines:
        word, _, rest = line.partition(b" ")
        if word != b"have":
            raise Malformed(f"unknown getbundle line {line[:40]!r}")
        haves.append(hex_id(rest))
    view = repo.state.view
    wire.send_lines(b"R", refs_lines(view))
    wanted = known(repo, [*view.branches.values(), *view.tags.values()])
    common = known(repo, haves)
    wire.send_items(items(repo, outgoing(repo, wanted, common), common))


def _unbundle(repo: Repository, wire: Wire, lines: list[bytes]) -> None:
    updates: dict[str, tuple[bytes | None, bytes | None]] = {}
    force = False
    for line in lines:
        word, _, rest = line.partition(b" ")
        if word == b"force":
            force = rest == b"1"
        elif word == b"update":
            old, new, name = rest.split(b" ", 2) if rest.count(b" ") >= 2 else (b"", b"", b"")
            branch = name.decode("utf-8", "surrogateescape")
            if not branch or branch in updates:
                raise Malformed(f"malformed or repeated update line {line[:60]!r}")
            updates[branch] = (None if old == b"-" else hex_id(old), None if new == b"-" else hex_id(new))
        else:
            raise Malformed(f"unknown unbundle line {line[:40]!r}")
    os.makedirs(repo.path("tmp"), exist_ok=True)
    with tempfile.TemporaryFile(dir=repo.path("tmp"), prefix="push-") as spool:
        spooled = Wire(None, spool)
        while True:  # frames as they came, checked again when applied
            kind, payload = wire.recv(b"CVE")
            spooled.send(kind, payload)
            if kind == b"E":
                break
        spool.seek(0)
        faults.step("serve:spooled")
        bundle = Wire(spool, None, "the client")
        statuses = apply_push(repo, bundle.recv_items, updates, force)
    wire.send_lines(b"S", [b"%s\t%s" % (b.encode("utf-8", "surrogateescape"), s.encode()) for b, s in statuses.items()])


class _NothingLanded(Exception):
    """Every update was refused: the received commits are rolled back with the transaction."""


def apply_push(repo: Repository, feed, updates, force: bool, source: str = "the pushing client") -> dict[str, str]:
    """Receive a bundle (`feed(receiver)` hands it every item) and move the branches,
    under the lock, in one transaction."""
    statuses: dict[str, str] = {}
    try:
        with repo.lock():
            with repo.transaction("receive push") as tx:
                feed(Receiver(repo, source))
                faults.step("serve:received")
                view = tx.view
                for branch, (old, new) in updates.items():
                    statuses[branch] = _update(repo, view, branch, old, new, force)
                if not any(s == "ok" for s in statuses.values()):
                    raise _NothingLanded
                moved = sorted(b for b, s in statuses.items() if s == "ok")
                tx.description = "receive push of " + ", ".join(moved)
            faults.step("serve:committed")
    except _NothingLanded:
        pass
    return statuses


def _update(repo: Repository, view, branch: str, old: bytes | None, new: bytes | None, force: bool) -> str:
    problem = branch_name_problem(branch)
    if problem:
        return f"rejected: {problem}"
    current = view.branches.get(branch)
    if force and current != old and current != new:
        # --force drops only what the pusher saw there (git's --force-with-lease, as the
        # git transport pushes): never commits someone pushed since its last fetch.
        return "rejected: the remote branch moved"
    if new is None:
        if current is None:
            return "up to date"
        if branch == view.head_branch:
            return "rejected: it is the branch checked out there"
        if not force:
            return "rejected: deleting a branch needs --force"
        del view.branches[branch]
        view.heads.add(current)  # its commits stay visible, as a deleted branch's do
        return "ok"
    if repo.changelog.find(new) is None:
        return "rejected: the push did not bring its commit"
    if current == new:
        return "up to date"
    if branch == view.head_branch and view.merge is not None:
        return f"rejected: a {view.merge.op} is in progress on that branch there"
    rev = repo.rev_of(new)
    if current is not None and not force and not repo.changelog.is_ancestor(repo.rev_of(current), rev):
        return "rejected: not a fast-forward"
    view.branches[branch] = ObjectId(new)
    for h in list(view.heads):
        if h != new and repo.changelog.is_ancestor(repo.rev_of(h), rev):
            view.heads.discard(h)
    view.heads.add(ObjectId(new))
    return "ok"

