"""`vcs branch` and `vcs heads`: name lines of work, list, delete and rename them, and
show every line's tip.

A branch is a name for a commit in the repository's view (vcs.model.refs). HEAD names
a branch (a commit then advances it) or, detached, a commit. Each change is one
transaction, which the operation log records. Deleting a branch deletes a name, never
a commit: a tip no other line contains stays a visible head (`vcs heads`). Returns
plain data and never prints.
"""
from __future__ import annotations

from vcs.errors import StateError, UsageError
from vcs.model.objects import ObjectId
from vcs.model.refs import branch_name_problem
from vcs.records import record
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve

# name None: HEAD detached at rev (listed first, as git's `(HEAD detached at ...)`).
BranchInfo = record("BranchInfo", "name rev id current summary remote", (False,))
# A line of work's tip: a commit no other visible commit has as a parent; current: it is
# HEAD's commit, on the branch head_branch (None: detached).
Head = record("Head", "rev id branches tags current head_branch summary")

NAME_RULES = ("a branch name has no spaces or ~^:?*[\\, no '..' or '@{', does not start with '-' or end "
              "with '/', '.' or '.lock', and is not a number, HEAD or @")


def check_name(name: str) -> None:
    problem = branch_name_problem(name)
    if problem:
        raise UsageError(f"invalid branch name {name!r}: {problem}", hint=NAME_RULES)


def _summary(repo: Repository, rev: int) -> str:
    lines = repo.read_commit(rev).message.strip().splitlines()
    return lines[0] if lines else ""


def branches(repo: Repository, summaries: bool = False) -> list[BranchInfo]:
    """Every branch by name; a detached HEAD first (name None)."""
    view = repo.state.view
    out = []
    if view.head_branch is None and view.detached is not None:
        rev = repo.rev_of(view.detached)
        out.append(BranchInfo(None, rev, view.detached, True, _summary(repo, rev) if summaries else ""))
    for name in sorted(view.branches):
        oid = view.branches[name]
        rev = repo.rev_of(oid)
        out.append(BranchInfo(name, rev, oid, name == view.head_branch, _summary(repo, rev) if summaries else ""))
    return out


def remote_branches(repo: Repository, summaries: bool = False) -> list[BranchInfo]:
    """Every remote-tracking branch (`origin/main`) by name; none is current."""
    remotes = repo.state.view.remotes
    out = []
    for name in sorted(remotes):
        rev = repo.rev_of(remotes[name])
        out.append(BranchInfo(name, rev, remotes[name], False, _summary(repo, rev) if summaries else "", True))
    return out


def _missing(view, name: str, what: str = "branch") -> UsageError:
    import difflib
    close = difflib.get_close_matches(name, list(view.branches), n=1, cutoff=0.5)
    return UsageError(f"no {what} named {name!r}",
                      hint=f"did you mean {close[0]!r}?" if close else "`vcs branch` lists the branches")


def create(repo: Repository, name: str, rev_spec: str | None = None, force: bool = False) -> tuple[int, int | None]:
    """Name a revision (default: HEAD); (its revision, the one the name had, moved by
    `force`, or None)."""
    check_name(name)
    with repo.lock():
        repo.refresh()
        rev = resolve(repo, rev_spec or "HEAD")
        view = repo.state.view
        old = view.branches.get(name)
        if old is not None:
            if not force:
                raise StateError(f"a branch named {name!r} already exists (at revision {repo.rev_of(old)})",
                                 hint="choose another name, or use -f to move it")
            if name == view.head_branch and old != repo.commit_info(rev).id:
                raise StateError(f"cannot move the branch {name!r}: HEAD is on it",
                                 hint="check out another branch or revision first")
        with repo.transaction(f"branch {name} at {rev}") as tx:
            tx.view.branches[name] = ObjectId(repo.commit_info(rev).id)
        return rev, None if old is None else repo.rev_of(old)


def delete(repo: Repository, names: list[str], force: bool = False) -> list[tuple[str, int]]:
    """Delete branches; (name, its revision) for each. Without `force` only branches
    merged into HEAD (their tip is HEAD or one of its ancestors). All or nothing: one
    that cannot go deletes none."""
    with repo.lock():
        repo.refresh()
        view = repo.state.view
        head = repo.head_rev()
        deleted = []
        for name in dict.fromkeys(names):
            if name not in view.branches:
                raise _missing(view, name)
            if name == view.head_branch:
                raise StateError(f"cannot delete the branch {name!r}: HEAD is on it; no branch was deleted",
                                 hint="check out another branch or revision first")
            rev = repo.rev_of(view.branches[name])
            if not force and (head is None or not repo.changelog.is_ancestor(rev, head)):
                raise StateError(f"the branch {name!r} is not merged into HEAD (its revision {rev} is not an "
                                 "ancestor of HEAD); no branch was deleted",
                                 hint=f"`vcs branch -D {name}` deletes it anyway (its commits stay visible: "
                                      "`vcs heads`)")
            deleted.append((name, rev))
        with repo.transaction("branch -d " + " ".join(name for name, _ in deleted)) as tx:
            for name, _ in deleted:
                del tx.view.branches[name]
        return deleted


def rename(repo: Repository, old: str | None, new: str, force: bool = False) -> str:
    """Rename a branch (None: the current one); HEAD follows it. Returns the old name.
    The current branch may be renamed before its first commit (HEAD alone names it)."""
    check_name(new)
    with repo.lock():
        repo.refresh()
        view = repo.state.view
        if old is None:
            if view.head_branch is None:
                raise StateError("HEAD is detached: there is no current branch to rename",
                                 hint="name the branch: vcs branch -m OLD NEW")
            old = view.head_branch
        unborn = old == view.head_branch and old not in view.branches
        if old not in view.branches and not unborn:
            raise _missing(view, old)
        if new in view.branches and new != old:
            if not force:
                raise StateError(f"a branch named {new!r} already exists (at revision "
                                 f"{repo.rev_of(view.branches[new])})", hint="choose another name, or use -f")
            if new == view.head_branch:
                raise StateError(f"cannot replace the branch {new!r}: HEAD is on it",
                                 hint="check out another branch or revision first")
        with repo.transaction(f"branch -m {old} {new}") as tx:
            if not unborn:
                tx.view.branches[new] = tx.view.branches.pop(old)
            if tx.view.head_branch == old:
                tx.view.head_branch = new
        return old


def heads(repo: Repository) -> list[Head]:
    """The tips of every visible line of work, newest revision first: the commits the view
    names (its heads, branches, tags, HEAD; not its stashes, which are no line of work)
    that no other visible commit has as a parent, each with the branches and tags on it."""
    view = repo.state.view
    candidates = {repo.rev_of(oid) for oid in view.targets() - set(view.stashes.values())}
    has_child: set[int] = set()
    for rev in repo.changelog.ancestors(candidates):
        has_child.update(repo.parents(rev))
    names: dict[bytes, tuple[list[str], list[str]]] = {}
    for i, refs in enumerate((view.branches, view.tags)):
        for name in sorted(refs):
            names.setdefault(refs[name], ([], []))[i].append(name)
    head = repo.state.head
    out = []
    for rev in sorted(candidates - has_child, reverse=True):
        oid = ObjectId(repo.commit_info(rev).id)
        branch_names, tag_names = names.get(oid, ([], []))
        out.append(Head(rev, oid, branch_names, tag_names, oid == head, view.head_branch, _summary(repo, rev)))
    return out
