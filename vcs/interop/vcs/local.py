"""A vcs repository on this machine as a `Remote`, in process: the server's side of the
protocol (vcs.interop.vcs.server) called directly, without a child process or frames.
What moves and every check on it are the protocol's (vcs.repo.exchange): the items the
source yields go to the same Receiver a stream feeds, and a push is applied by the same
function, under the other repository's lock."""
from __future__ import annotations

from vcs.interop.vcs.client import haves
from vcs.interop.vcs.server import apply_push, open_served
from vcs.porcelain.remote import RemoteRefs
from vcs.repo.exchange import Receiver, items, known, outgoing
from vcs.repo.repository import Repository


def feed(receiver: Receiver, stream) -> None:
    for item in stream:
        if item[0] == "commit":
            receiver.commit(item[1], item[2], item[3])
        else:
            receiver.version(item[1])
    receiver.end()


class LocalRemote:
    def __init__(self, path: str, url: str, name: str | None = None, warn=None):
        self.url, self.name = url, name
        self.source = open_served(path, warn)

    def fetch(self, repo: Repository) -> RemoteRefs:
        src = self.source
        src.refresh()
        view = src.state.view
        wanted = known(src, [*view.branches.values(), *view.tags.values()])
        common = known(src, haves(repo))
        feed(Receiver(repo, self.url), items(src, outgoing(src, wanted, common), common))
        return RemoteRefs(view.head_branch, dict(view.branches), dict(view.tags))

    def push(self, repo: Repository, updates, force: bool) -> dict[str, str]:
        src = self.source
        src.refresh()
        view = src.state.view
        if all(view.branches.get(b) == new for b, (_, new) in updates.items()):
            return {b: "up to date" for b in updates}
        theirs = [*view.branches.values(), *view.tags.values(), *view.heads]
        common = known(repo, theirs)
        wanted = known(repo, [new for _, new in updates.values() if new is not None])
        stream = items(repo, outgoing(repo, wanted, common), common)
        return apply_push(src, lambda receiver: feed(receiver, stream), updates, force, "this repository")

    def close(self) -> None:
        pass
