"""Which transport reaches a URL: the one place that picks a `Remote` implementation
(vcs.porcelain.remote names the interface; the porcelain never imports a transport).

A git host (`git+URL`, `https://`, `git@host:`, `git://`, a path to a git repository)
goes through git itself (vcs.interop.git.remote); anything else is a vcs repository,
reached by vcs's own protocol (vcs.interop.vcs): in process for a local path (or, with
VCS_SYNC_SUBPROCESS=1, through a `vcs serve --stdio` child process, as the tests also run
it), over ssh otherwise.
"""
from __future__ import annotations

import os

from vcs.errors import UsageError


def is_git(url: str) -> bool:
    from vcs.interop.git.urls import is_git_url  # the git transport's own rule (its docstring)
    return is_git_url(url)


def normalize(url: str) -> str:
    """The URL a clone records: a local path made absolute (the clone is elsewhere)."""
    if is_git(url) and not os.path.isdir(url):
        return url
    from vcs.interop.vcs import transport
    where = transport.parse(url)
    return os.path.abspath(where.path) if where.kind == "local" and not url.startswith("file://") else url


def connect(url: str, name: str | None, repo=None):
    """A connected Remote for `url` (`name`: the remote's name in the config, if any;
    `repo`: the repository whose config names the ssh and remote vcs commands)."""
    if is_git(url):
        try:
            from vcs.interop.git import remote as git_remote
        except ImportError:
            raise UsageError(f"{url} is a git repository, and this vcs has no git transport",
                             hint="`git fast-export --all | vcs import` reads its history into an empty repository") \
                from None
        return git_remote.connect(url, name)
    from vcs.interop.vcs import client, transport
    where = transport.parse(url)
    if where.kind == "local" and not os.environ.get("VCS_SYNC_SUBPROCESS"):
        from vcs.cli import render
        from vcs.interop.vcs.local import LocalRemote
        return LocalRemote(where.path, url, name, render.warn)
    ssh, remote_vcs = "ssh", "vcs"
    if where.kind == "ssh":
        ssh = os.environ.get("VCS_SSH") or _config(repo, "ui.ssh") or "ssh"
        remote_vcs = (_config(repo, f"remote.{name}.vcs") if name else None) or "vcs"
    return client.VcsRemote(transport.argv(where, ssh, remote_vcs), url, name)


def _config(repo, key: str):
    if repo is not None:
        value = repo.config(key)
    else:
        from vcs.repo import config as configmod
        value = configmod.get([configmod.load(p) for p in configmod.files(None)], key)
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{key} in the config must be a string")
    return value
