"""What clone, fetch, pull, push and remote print (plain lines; errors carry the hints)."""
from __future__ import annotations

import re

from vcs.errors import StateError
from vcs.cli.render import plural, text


def default_directory(source: str) -> str:
    """The folder a clone makes when none is named: the source's last component
    (`ssh://host/srv/project` -> `project`, `host:work/app.vcs` -> `app`, `https://host/x.git`
    and `/srv/x/.git` -> `x`), as git's."""
    words = re.split(r"[/:]", source.rstrip("/"))
    if len(words) > 1 and words[-1] == ".git":
        words.pop()
    tail = words[-1] or "clone"
    tail = tail[:-4] if tail.endswith((".vcs", ".git")) and len(tail) > 4 else tail
    if tail in (".", "..") or tail.startswith("-"):
        raise StateError(f"cannot name a folder after {source!r}", hint="name one: vcs clone SOURCE DIR")
    return tail


def _branches(n: int) -> str:
    return f"{n} branch{'es' * (n != 1)}"


def _short(oid) -> str:
    return oid.hex()[:12] if oid is not None else "nothing"


def _moves(out, moved) -> None:
    for m in moved:
        if m.old is None:
            out.line(f"  new branch {text(m.name)} at {_short(m.new)}")
        elif m.new is None:
            out.line(f"  {text(m.name)} is gone from the remote")
        else:
            out.line(f"  {text(m.name)}: {_short(m.old)} -> {_short(m.new)}")


def fetched(out, r, quiet_if_nothing: bool = False) -> None:
    if not r.commits and not r.moved and not r.new_tags:
        if not quiet_if_nothing:
            out.line(f"from {text(r.url)}: already up to date")
        return
    out.line(f"from {text(r.url)}: {plural(r.commits, 'new commit')}")
    _moves(out, r.moved)
    if r.new_tags:
        out.line(f"  new tags: {', '.join(text(t) for t in r.new_tags)}")
    if r.skipped_tags:
        out.line(f"  kept our tags {', '.join(text(t) for t in r.skipped_tags)} (the remote's differ)")


def cloned(out, r) -> None:
    f = r.fetch
    out.line(f"cloned {text(r.url)} into {text(r.path)}: {plural(f.commits, 'commit')}, "
             f"{_branches(len(f.moved))}, "
             f"{plural(len(f.new_tags), 'tag')}")
    if r.checkout is not None:
        out.line(f"checked out {text(r.branch)} at revision {r.checkout.rev} ({len(r.checkout.written)} "
                 f"file{'s' * (len(r.checkout.written) != 1)})")
    else:
        out.line("the remote has no commits yet: the working tree is empty")


def pulled(out, r) -> None:
    fetched(out, r.fetch, quiet_if_nothing=True)
    if r.outcome == "no branch":
        raise StateError("HEAD is detached: pull fetched, and has no branch to move",
                         hint="`vcs checkout BRANCH` first, or `vcs merge origin/main` here")
    if r.outcome == "up to date":
        out.line(f"{text(r.branch)} is up to date with {text(r.upstream)}")
    elif r.outcome == "ahead":
        out.line(f"{text(r.branch)} is ahead of {text(r.upstream)}: nothing to pull (`vcs push` sends it)")
    elif r.outcome == "diverged":
        raise StateError(f"{text(r.branch)} and {text(r.upstream)} have diverged: each has commits the other "
                         "lacks, so pull cannot fast-forward",
                         hint=f"`vcs merge {text(r.upstream)}` joins them (then `vcs push`)")
    else:
        done = r.checkout
        out.line(f"fast-forward {text(r.branch)}: {_short(r.old)} -> {_short(r.new)} (revision {done.rev}; "
                 f"{plural(len(done.written), 'file')} written, {len(done.deleted)} deleted)")


def pushed(out, r) -> None:
    if all(s == "up to date" for s in r.statuses.values()):
        out.line(f"to {text(r.url)}: everything up to date")
        return
    out.line(f"to {text(r.url)}:")
    olds = {m.name: m for m in r.moved}
    for branch, status in r.statuses.items():
        m = olds.get(branch)
        if status == "ok" and m is not None:
            what = "deleted" if m.new is None else f"{_short(m.old)} -> {_short(m.new)}" if m.old else \
                f"new branch at {_short(m.new)}"
            out.line(f"  {text(branch)}: {what}")
        else:
            out.line(f"  {text(branch)}: {status}")
    rejected = r.rejected
    if rejected:
        ff = any("fast-forward" in r.statuses[b] for b in rejected)
        raise StateError(f"the remote refused {_branches(len(rejected))}: {', '.join(text(b) for b in rejected)}",
                         hint=f"it has commits yours lack: `vcs fetch {r.remote}` then `vcs merge "
                              f"{r.remote}/{rejected[0]}` joins them, then push again; --force drops them"
                         if ff else f"it has commits your last fetch did not see: `vcs fetch {r.remote}` shows "
                                    f"them (`vcs log {r.remote}/{rejected[0]}`); push --force again to drop them"
                         if any("moved" in r.statuses[b] for b in rejected) else None)


def remote_list(out, rows, verbose: bool) -> None:
    for name, url in rows:
        out.line(f"{text(name)}\t{text(url)}" if verbose else text(name))


def moved_under(repo) -> tuple[str, str] | None:
    """(note, hint) when HEAD's branch moved away from the working tree's parent (a push
    to this repository moved it), else None."""
    view = repo.state.view
    if view.head_branch is None or view.head is None or view.wc is None or view.head == view.wc:
        return None
    head, wc = repo.rev_of(view.head), repo.rev_of(view.wc)
    return (f"branch {text(view.head_branch)} was moved to revision {head} (a push to this repository?); the "
            f"working tree is still on revision {wc}, and status compares with it",
            f"`vcs checkout {text(view.head_branch)}` brings the working tree up to date (your uncommitted "
            "changes are kept where they do not conflict)")
