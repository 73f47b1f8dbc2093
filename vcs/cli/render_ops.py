"""Rendering for the operation log and what replays it: `op log`, undo, redo, op
restore, the refs of `status --at-op`, and the stash. Plain text (no rich); user
text through render.text, as every other command prints it.
"""
from __future__ import annotations

from vcs.cli.render import _json_line, date, plural, text, where
from vcs.cli.terminal import Out
from vcs.model.objects import ObjectId


def _rev(repo, oid) -> str:
    """A commit as a person reads it: its revision number (its id where it is not stored)."""
    if oid is None:
        return "nothing"
    n = repo.changelog.find(oid)
    return oid.hex()[:12] if n is None else str(n)


def _head(repo, value) -> str:
    if value is None:
        return "nothing"
    return f"branch {text(value)}" if isinstance(value, str) else f"{_rev(repo, value)} (detached)"


def ref_changes(repo, changes) -> list[str]:
    """Each ref an operation moved, as `branch main: 13 -> 14`."""
    out = []
    for what, old, new in changes.refs:
        show = _head if what == "HEAD" else _rev
        out.append(f"{text(what)}: {show(repo, old)} -> {show(repo, new)}")
    return out


def _id(value):
    if value is None:
        return None
    return value.hex() if isinstance(value, bytes) else value


def op_log(out: Out, repo, lines, as_json: bool = False) -> None:
    current = repo.state.op[1] if repo.state.op else None
    for line in lines:
        e, op, ch = line.entry, line.entry.op, line.changes
        if as_json:
            _json_line(out, {
                "id": e.id.hex(), "parent": _id(op.parent), "current": e.id == current,
                "time": op.time, "tz": date(op.time, op.tz).rsplit(" ", 1)[1], "user": op.user, "host": op.host,
                "command": list(op.command), "description": op.description,
                "target": None if op.target is None else {"kind": op.target[0], "id": op.target[1].hex()},
                "tree": None if op.tree is None else {"from": _id(op.tree[0]), "to": _id(op.tree[1])},
                "refs": [{"ref": what, "old": _id(old), "new": _id(new)} for what, old, new in ch.refs],
                "added": ch.added, "hidden": ch.hidden})
            continue
        mark = out.paint("@", "head") if e.id == current else " "
        out.line(f"{mark} {out.paint(e.id.hex()[:12], 'rev')} {date(op.time, op.tz)} {text(op.user)}@{text(op.host)}")
        out.line(f"    {text(' '.join(op.command))}")
        out.line(f"    {text(op.description)}")
        what = ref_changes(repo, ch)
        if ch.added:
            what.append(f"added {_revs(ch.added)}")
        if ch.hidden:
            what.append(f"hid {_revs(ch.hidden)}")
        if what:
            out.line(out.paint(f"    {'; '.join(what)}", "dim"))


def _revs(revs: list[int]) -> str:
    shown = ", ".join(str(r) for r in sorted(revs)[:8])
    return shown + (f" and {len(revs) - 8} more" if len(revs) > 8 else "")


def undone(out: Out, repo, r) -> None:
    """One line: what an undo, redo or op restore did."""
    verb = {"undo": "undid", "redo": "redid", "restore": "restored the view of"}[r.kind]
    parts = []
    for what, old, new in r.changes.refs:
        if what == "working tree":
            continue
        if what == "HEAD":
            parts.append(f"HEAD is on branch {text(new)} again" if isinstance(new, str) else
                         f"HEAD is at {_rev(repo, new)} again (detached)")
        elif what.startswith("stash "):
            # The view numbers a stash for good; a person knows it by its place in `stash list`.
            listed = sorted(r.after.stashes, reverse=True)
            n = int(what[len("stash "):])
            parts.append(f"the stash of revision {_rev(repo, old)} is gone" if new is None or n not in listed else
                         f"stash {listed.index(n)} is at {_rev(repo, new)} again")
        elif new is None:
            parts.append(f"{text(_short(what))} is gone")
        else:
            parts.append(f"{text(_short(what))} is at {_rev(repo, new)} again")
    if r.tree == "moved":
        how = {"undo": "is back as it was", "redo": "is as it left it", "restore": "is as it was then"}[r.kind]
        parts.append(f"the working tree {how} ({plural(len(r.written), 'file')} written, {len(r.deleted)} deleted)")
    elif r.tree == "kept":
        parts.append("its changes are in your working tree" if r.kind == "undo" else
                     f"the working tree is on {_rev(repo, r.after.wc)} again, its files untouched")
    if r.changes.hidden:
        parts.append(f"{plural(len(r.changes.hidden), 'commit')} hidden (`vcs log --hidden`)")
    # A remote-tracking branch moved back is this repository's record only: a push stays pushed.
    remotes = sorted({w[len("remote "):].split("/", 1)[0] for w, _, _ in r.changes.refs if w.startswith("remote ")})
    if remotes and r.kind != "restore" and r.op.op.description.startswith("push "):
        parts.append(f"{text(', '.join(remotes))} itself is unchanged (only this repository's refs move)")
    what = f"{verb} {text(r.op.op.description)}" if r.kind != "restore" else \
        f"{verb} operation {r.op.id.hex()[:12]} ({text(r.op.op.description)})"
    out.line(what + (": " + "; ".join(parts) if parts else ""))


def _short(what: str) -> str:
    """`branch main` as `main`, as a person says it; tags and the rest keep their kind."""
    return what[len("branch "):] if what.startswith("branch ") else what


def refs(out: Out, repo, as_json: bool = False) -> None:
    """`status --at-op`: the refs of that operation (the files are today's)."""
    v = repo.state.view
    if as_json:
        _json_line(out, {"operation": repo.at_operation.id.hex(), "head_branch": v.head_branch,
                         "head": _id(v.head), "wc": _id(v.wc), "heads": sorted(h.hex() for h in v.heads),
                         "branches": {n: i.hex() for n, i in sorted(v.branches.items())},
                         "tags": {n: i.hex() for n, i in sorted(v.tags.items())},
                         "remotes": {n: i.hex() for n, i in sorted(v.remotes.items())}})
        return
    out.line(f"at operation {repo.at_operation.id.hex()[:12]} ({text(repo.at_operation.op.description)}):")
    out.line(f"HEAD: {_head(repo, v.head_branch if v.head_branch is not None else v.detached)}"
             + (f" at {_rev(repo, v.head)}" if v.head_branch is not None and v.head is not None else ""))
    out.line(f"working tree's parent: {_rev(repo, v.wc)}")
    for name, oid in sorted(v.branches.items()):
        out.line(f"branch {text(name)}: {_rev(repo, oid)}")
    for name, oid in sorted(v.tags.items()):
        out.line(f"tag {text(name)}: {_rev(repo, oid)}")
    for name, oid in sorted(v.remotes.items()):
        out.line(f"remote {text(name)}: {_rev(repo, oid)}")
    out.line("heads: " + ", ".join(sorted((_rev(repo, ObjectId(h)) for h in v.heads), key=_num)))


def _num(s: str):
    return (0, int(s)) if s.isdigit() else (1, s)


def _first(message: str) -> str:
    return text(message.strip().split("\n")[0])


def stash_list(out: Out, entries) -> None:
    for e in entries:
        out.line(f"stash {e.n}: {_first(e.message)} (revision {e.rev})")


def stash_dropped(out: Out, e) -> None:
    out.line(f"dropped stash {e.n}: {_first(e.message)} (revision {e.rev}; `vcs undo` brings it back)")


def stashed(out: Out, action: str, r) -> None:
    files = f"{plural(len(r.written), 'file')} written, {len(r.deleted)} deleted"
    if action == "push":
        out.line(f"saved your changes as stash 0: {_first(r.entry.message)} ({files}; the working tree is clean)")
        return
    out.line(f"applied stash {r.entry.n}: {_first(r.entry.message)} ({files})")
    if r.conflicts:
        out.line("conflicts in: " + ", ".join(text(where(out, p)) for p in r.conflicts))
        out.line(f"the stash is kept; resolve the conflicts, then `vcs stash drop {r.entry.n}`"
                 if action == "pop" else "resolve the conflicts (the markers are in the files)")
    elif r.dropped:
        out.line(f"dropped stash {r.entry.n}")
