"""`vcs tag`: name a revision, delete tags, list them.

Tags live in the repository's state: a tag is set or deleted by a transaction,
which the operation log records. Returns plain data and never prints.
"""
from __future__ import annotations

from vcs.errors import StateError, UsageError
from vcs.model.objects import ObjectId
from vcs.model.refs import refname_problem
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve


def valid_tag_name(name: str) -> bool:
    """No spaces or ~^:\\ (they would make it a revision expression), not a number,
    HEAD or @ (those are revisions already), no leading `-` (it would read as an
    option; git refuses it too): git's refname rules, and not a number."""
    return refname_problem(name) is None and not name.isdigit()


def tag(repo: Repository, name: str, rev_spec: str | None = None, force: bool = False) -> tuple[str, int]:
    if not valid_tag_name(name):
        raise UsageError(f"invalid tag name {name!r}",
                         hint="a tag name has no spaces or ~^:\\, does not start with -, and is not a number, "
                              "HEAD or @")
    with repo.lock():
        repo.refresh()
        rev = resolve(repo, rev_spec or "HEAD")
        tags = repo.tags()
        if name in tags and not force:
            raise StateError(f"tag {name!r} already exists (revision {repo.rev_of(tags[name])})",
                             hint="use --force to move it")
        with repo.transaction(f"tag {name} at {rev}") as tx:
            tx.view.tags[name] = repo.commit_info(rev).id
        return name, rev


def tag_delete(repo: Repository, names: list[str]) -> list[tuple[str, int]]:
    """Delete tags; (name, the revision it named) for each. All or nothing: an unknown
    name deletes none."""
    with repo.lock():
        repo.refresh()
        tags = repo.tags()
        for name in names:
            if name not in tags:
                import difflib
                close = difflib.get_close_matches(name, list(tags), n=1, cutoff=0.5)
                raise UsageError(f"no tag {name!r}; no tag was deleted",
                                 hint=f"did you mean {close[0]!r}?" if close else "`vcs tag` lists the tags")
        deleted = [(name, repo.rev_of(tags[name])) for name in dict.fromkeys(names)]
        with repo.transaction("tag -d " + " ".join(name for name, _ in deleted)) as tx:
            for name, _ in deleted:
                del tx.view.tags[name]
        return deleted


def tags(repo: Repository) -> list[tuple[str, int, ObjectId]]:
    """(name, revision, id) for every tag, the newest revision first."""
    return sorted(((name, repo.rev_of(oid), oid) for name, oid in repo.tags().items()),
                  key=lambda t: (-t[1], t[0]))
