"""Which remotes are git's, and the URL git is given for one.

A remote is a git remote (vcs.interop.git.remote) when its URL says so:

    git+ANYTHING                  always (the prefix is dropped: git+ssh://host/x, git+file:///x)
    https://... http://... git://...   always (vcs's own protocol runs over ssh only)
    ssh://host/path.git, git@host:path, host:path.git
                                  ssh URLs of git hosts: the user `git` or a path ending in .git
                                  (any other ssh URL is a vcs remote, `vcs serve` on the other side)
    PATH or file://PATH           a git repository (bare or not) that is not a vcs repository

A URL is hostile input: one that starts with `-`, an ssh host that starts with `-` (it
would reach ssh as an option), a `TRANSPORT::ADDRESS` (a git remote helper, which can
run any command: `ext::sh -c ...`) and control characters are refused.
"""
from __future__ import annotations

import os
import re

from vcs.errors import UsageError

_SCP = re.compile(r"^(?:(?P<user>[^@/:]+)@)?(?P<host>[^/:]+):(?P<path>.*)$")
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)$")
_GIT_SCHEMES = ("http", "https", "git")


def _scp(url: str):
    """The parts of an scp-like `[user@]host:path`, or None (a colon after a slash, or
    a one-letter host, is a local path, as git reads it)."""
    m = _SCP.match(url)
    if m is None or "://" in url or len(m.group("host")) < 2:
        return None
    return m


def _local_path(url: str, cwd: str | None) -> str | None:
    if url.startswith("file://"):
        return url[7:]
    if _SCHEME.match(url) or _scp(url):
        return None
    return os.path.join(cwd or os.getcwd(), url)


def is_git_repository(path: str) -> bool:
    """A git repository: a bare one (HEAD, objects/, refs/) or a working tree with .git."""
    if os.path.exists(os.path.join(path, ".git")):
        return True
    return all(os.path.exists(os.path.join(path, part)) for part in ("HEAD", "objects", "refs"))


def is_git_url(url: str, cwd: str | None = None) -> bool:
    """Whether `url` names a git remote (the module's docstring says when)."""
    if url.startswith("git+"):
        return True
    m = _SCHEME.match(url)
    if m:
        scheme = m.group("scheme").lower()
        if scheme in _GIT_SCHEMES:
            return True
        if scheme == "ssh":
            authority = m.group("rest").split("/", 1)[0]
            user = authority.rsplit("@", 1)[0] if "@" in authority else None
            return user == "git" or m.group("rest").rstrip("/").endswith(".git")
    scp = _scp(url)
    if scp is not None:
        return scp.group("user") == "git" or scp.group("path").rstrip("/").endswith(".git")
    path = _local_path(url, cwd)
    if path is None:
        return False
    return is_git_repository(path) and not os.path.isdir(os.path.join(path, ".vcs"))


def git_url(url: str, cwd: str | None = None) -> str:
    """The URL to hand git for a git remote: without `git+`, a local path made absolute;
    a hostile one is refused."""
    raw = url[4:] if url.startswith("git+") else url
    if not raw or any(ord(c) < 0x20 or c == "\x7f" for c in raw):
        raise UsageError(f"{url!r} is not a URL a git remote can have (it is empty or holds control characters)")
    if raw.startswith("-"):
        raise UsageError(f"refusing the URL {url!r}: it starts with '-', and git would read it as an option")
    m = _SCHEME.match(raw)
    if m is None and "::" in raw.split("/", 1)[0]:
        raise UsageError(f"refusing the URL {url!r}: `TRANSPORT::ADDRESS` runs a git remote helper, which vcs "
                         "does not do", hint="give an https://, ssh:// or git:// URL, or a path")
    if m is not None:
        scheme = m.group("scheme").lower()
        if scheme not in (*_GIT_SCHEMES, "ssh", "file"):
            raise UsageError(f"refusing the URL {url!r}: vcs's git remotes use https, http, ssh, git and file "
                             f"URLs, not {scheme}")
        host = m.group("rest").split("/", 1)[0].rsplit("@", 1)[-1]
        if host.startswith("-") or m.group("rest").startswith("-"):
            raise UsageError(f"refusing the URL {url!r}: its host starts with '-' (ssh would read it as an option)")
        return raw
    scp = _scp(raw)
    if scp is not None:
        if scp.group("host").startswith("-") or (scp.group("user") or "").startswith("-"):
            raise UsageError(f"refusing the URL {url!r}: its host starts with '-' (ssh would read it as an option)")
        return raw
    return os.path.abspath(os.path.join(cwd or os.getcwd(), raw))
