"""Creating and upgrading a repository: `vcs init` and `vcs upgrade`.

Plain data in and out, as all of vcs.porcelain; nothing here prints.
"""
from __future__ import annotations

import os

from vcs.errors import StateError
from vcs.repo.repository import Repository


def init(directory: str, policy: str = "auto", branch: str | None = None) -> Repository:
    """A new repository whose HEAD names `branch`, else init.defaultBranch from your
    config, else main (the branch exists from its first commit)."""
    if branch is None:
        from vcs.repo import config
        path = config.user_config_path()
        branch = config.get([config.load(path)], "init.defaultBranch")
        if branch is not None:
            problem = None if isinstance(branch, str) else "it is not a string"
            from vcs.model.refs import branch_name_problem
            problem = problem or branch_name_problem(branch)
            if problem:
                raise StateError(f"init.defaultBranch in {path} is not a valid branch name: {problem}",
                                 hint="fix it: vcs config set --user init.defaultBranch main")
    else:
        from vcs.porcelain.branch import check_name
        check_name(branch)
    return Repository.init(os.fsencode(os.path.abspath(directory)), policy, branch or "main")



def upgrade(repo: Repository, progress=None) -> tuple[int, int]:
    """Upgrade the repository to the current format (taking the lock does it) and build
    the line origins it lacks (vcs.repo.origins); returns the format it had and how
    many file history entries got their origins."""
    from vcs.repo import origins
    before = repo.format
    with repo.lock():
        built = 0
        if not origins.complete(repo):
            with repo.transaction("build line origins"):
                built = origins.build(repo, progress)
    return before, built
