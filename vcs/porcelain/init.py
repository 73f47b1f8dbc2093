"""Creating and upgrading a repository: `vcs init` and `vcs upgrade`.

Plain data in and out, as all of vcs.porcelain; nothing here prints.
"""
from __future__ import annotations

import os

from vcs.repo.repository import Repository


def init(directory: str, policy: str = "auto") -> Repository:
    return Repository.init(os.fsencode(os.path.abspath(directory)), policy)



def upgrade(repo: Repository) -> int:
    """Upgrade the repository to the current format (taking the lock does it); returns the
    format it had."""
    before = repo.format
    with repo.lock():
        pass
    return before
