"""`vcs config get|set|unset|list`: read and write settings.

The repository's `.vcs/config.toml`, or with `user` the user's file; outside a
repository, the user's alone. Values are checked (vcs.repo.config) before
anything is written. Returns values and never prints.
"""
from __future__ import annotations

from vcs.errors import StateError, UsageError
from vcs.repo.repository import Repository


def _config_files(user: bool) -> list[str]:
    """The files `vcs config` reads: the user's alone with --user (or outside a
    repository), else the repository's, then the user's."""
    from vcs.repo import config
    if user:
        return config.files(None)
    try:
        return config.files(Repository.find().root)
    except StateError:
        return config.files(None)  # outside a repository: the user's config alone


def config_get(key: str, user: bool = False):
    """A key's value: from one file with --user, else as vcs sees it (repository, then user)."""
    from vcs.repo import config
    config.split_key(key)
    return config.get([config.load(path) for path in _config_files(user)], key)


def config_set(key: str, value: str | None, user: bool = False) -> str:
    """Set (or, with value None, unset) a key; returns the file written."""
    from contextlib import nullcontext

    from vcs.repo import config
    if value is not None:
        config.check(key, value)
    repo = None if user else Repository.find()
    path = config.user_config_path() if repo is None else repo.path("config.toml")
    with nullcontext() if repo is None else repo.lock():
        cfg = config.load(path)
        if repo is not None and value is None and config.lookup(cfg, key) is None:
            raise UsageError(f"{key} is not set in {path}")
        config.assign(cfg, key, value)
        config.save(path, cfg)
    return path


def config_list(user: bool = False) -> list[tuple[str, object, str]]:
    """(key, value, file) for every key set, the repository's over the user's."""
    from vcs.repo import config
    seen: dict[str, tuple[str, object, str]] = {}
    for path in reversed(_config_files(user)):
        for key, value in config.flatten(config.load(path)).items():
            seen[key] = (key, value, path)
    return sorted(seen.values())
