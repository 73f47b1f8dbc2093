"""The client side of vcs's sync protocol: a `Remote` (vcs.porcelain.remote) that talks
to `vcs serve --stdio` over a child process's pipes (ssh, or vcs itself for a local
path). See vcs.interop.vcs.wire for the frames."""
from __future__ import annotations

import subprocess

from vcs.errors import StateError
from vcs.interop.vcs.wire import PROTOCOL, Cut, Malformed, Wire, parse_refs
from vcs.porcelain.remote import RemoteRefs
from vcs.repo.exchange import Receiver, items, known, outgoing
from vcs.repo.repository import Repository

# A fetch tells the server what it has: every commit its refs name, and for each head
# a sample of its first-parent ancestors (1, 2, 4, 8... back), so that the server finds
# a common commit near the tip even when the tip itself is new to it.
MAX_HAVES = 4000


class VcsRemote:
    def __init__(self, argv: list[str], url: str, name: str | None = None):
        self.url, self.name = url, name
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 20)
        except OSError as e:
            raise StateError(f"cannot run {argv[0]!r} to reach {url}: {e.strerror}",
                             hint="set VCS_SSH or ui.ssh to the ssh command" if argv[0] != "python" else None) \
                from None
        self.wire = Wire(self.proc.stdout, self.proc.stdin, url)
        self.closed = False
        try:
            self.wire.send(b"H", PROTOCOL)
            self.wire.flush()
            _, hello = self.wire.recv(b"H")
        except Malformed:
            self.close()
            said = self.wire.last_header.decode("utf-8", "backslashreplace")
            raise StateError(f"{url} did not answer as `vcs serve` does: what came back began {said!r}",
                             hint="a login script there that prints to stdout (.bashrc, a banner), or another "
                                  "program named vcs there (remote.NAME.vcs names the command)") from None
        except (OSError, StateError) as e:
            self.close()
            if isinstance(e, StateError) and not (isinstance(e, Cut) and self.wire.received == 0):
                raise
            raise StateError(f"{url} did not answer: the command that reaches it ({argv[0]}) or the vcs there "
                             "failed (its own message, if any, is above)",
                             hint="check that the ssh command reaches the host and runs `vcs` there "
                                  "(remote.NAME.vcs names another command)") from None
        if not hello.startswith(PROTOCOL):
            self.close()
            raise Malformed(f"{url} speaks {hello[:40]!r}, not {PROTOCOL!r}", hint="upgrade vcs on one side")

    @property
    def bytes_sent(self) -> int:
        return self.wire.sent

    @property
    def bytes_received(self) -> int:
        return self.wire.received

    def _request(self, lines: list[bytes]) -> None:
        try:
            self.wire.send_lines(b"Q", lines)
            self.wire.flush()
        except OSError as e:
            raise StateError(f"the connection to {self.url} was cut: {e.strerror or e}",
                             hint="nothing was changed; try again") from None

    def fetch(self, repo: Repository) -> RemoteRefs:
        self._request([b"getbundle"] + [b"have " + h.hex().encode() for h in haves(repo)])
        head, branches, tags, _ = parse_refs(self.wire.recv_lines(b"R"), self.url)
        self.wire.recv_items(Receiver(repo, self.url))
        return RemoteRefs(head, branches, tags)

    def push(self, repo: Repository, updates, force: bool) -> dict[str, str]:
        self._request([b"refs"])
        _, branches, tags, heads = parse_refs(self.wire.recv_lines(b"R"), self.url)
        if all(branches.get(b) == new for b, (_, new) in updates.items()):
            return {b: "up to date" for b in updates}
        # Only what the remote says it has now: our remote-tracking branches are what it
        # had, and a remote made anew (or another one at that URL) has none of it.
        theirs = [*branches.values(), *tags.values(), *heads]
        common = known(repo, theirs)
        wanted = known(repo, [new for _, new in updates.values() if new is not None])
        lines = [b"unbundle", b"force %d" % force]
        for branch, (old, new) in updates.items():
            lines.append(b"update %s %s %s" % (old.hex().encode() if old else b"-", new.hex().encode() if new else b"-",
                                                branch.encode("utf-8", "surrogateescape")))
        self._request(lines)
        try:
            self.wire.send_items(items(repo, outgoing(repo, wanted, common), common))
            self.wire.flush()
        except OSError as e:
            raise StateError(f"the connection to {self.url} was cut while sending: {e.strerror or e}",
                             hint="the remote keeps nothing of a push that did not arrive whole; try again") \
                from None
        statuses = {}
        for line in self.wire.recv_lines(b"S"):
            branch, tab, status = line.decode("utf-8", "surrogateescape").partition("\t")
            if not tab or branch not in updates:
                raise Malformed(f"{self.url} answered for a branch it was not sent: {branch[:60]!r}")
            statuses[branch] = status
        for branch in updates:
            statuses.setdefault(branch, "rejected: the remote did not answer for it")
        return statuses

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def haves(repo: Repository) -> list[bytes]:
    """What this repository tells a server it has: every commit its refs name, and for
    the newest SAMPLED_HEADS of them, their first-parent ancestors 1, 2, 4 ... 64 back
    (see MAX_HAVES). A server that knows none of these sends more than needed, never less."""
    view = repo.state.view
    if not len(repo):
        return []
    find = repo.changelog.find
    out = dict.fromkeys(oid for oid in sorted(view.targets()) if find(oid) is not None)
    tips = sorted({r for r in map(find, view.heads | set(view.branches.values()) | set(view.remotes.values()))
                   if r is not None}, reverse=True)[:SAMPLED_HEADS]
    for rev in tips:
        distance = 0
        for step in (1, 1, 2, 4, 8, 16, 32):
            for _ in range(step):
                parents = repo.parents(rev)
                if not parents:
                    break
                rev = parents[0]
            else:
                out[repo.commit_info(rev).id] = None
                distance += step
                continue
            break
    return list(out)[:MAX_HAVES]


SAMPLED_HEADS = 16
