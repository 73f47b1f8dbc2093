"""Shared fixtures: a repository in a real temporary folder, driven through the CLI.

`repo.vcs(...)` runs a command in-process through click's runner (fast);
`repo.run(...)` runs it as a user does, as a separate `python -m vcs` process.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from vcs.cli import cli


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("VCS_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("VCS_AUTHOR_EMAIL", "test@example.com")
    monkeypatch.setenv("VCS_LOCK_TIMEOUT", "5")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.delenv("VISUAL", raising=False)


@dataclass
class Result:
    code: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode("utf-8", "replace")


class Repo:
    """A working tree in a temporary folder and the commands to drive vcs in it."""

    def __init__(self, root: Path):
        self.root = root
        self.runner = CliRunner()

    def vcs(self, *args: str, ok: bool | int = True, cwd: Path | None = None, input: bytes | None = None) -> Result:
        old = os.getcwd()
        os.chdir(cwd or self.root)
        try:
            r = self.runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        finally:
            os.chdir(old)
        res = Result(r.exit_code, r.stdout_bytes, r.stderr)
        self._check(args, res, ok)
        return res

    def run(self, *args: str, ok: bool | int = True, cwd: Path | None = None,
            env: dict | None = None, input: bytes | None = None) -> Result:
        p = subprocess.run([sys.executable, "-P", "-m", "vcs", *args], cwd=cwd or self.root, capture_output=True,
                           env={**os.environ, **(env or {})}, input=input)
        res = Result(p.returncode, p.stdout, p.stderr.decode("utf-8", "replace"))
        self._check(args, res, ok)
        return res

    @staticmethod
    def _check(args, res: Result, ok: bool | int) -> None:
        if ok is True and res.code != 0:
            raise AssertionError(f"vcs {' '.join(args)} exited {res.code}: {res.err}{res.text}")
        if ok is not True and ok is not False and res.code != ok:
            raise AssertionError(f"vcs {' '.join(args)} exited {res.code}, expected {ok}: {res.err}")

    def write(self, path: str, data: bytes | str, mode: int | None = None) -> Path:
        p = self.root / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
        if mode is not None:
            p.chmod(mode)
        return p

    def read(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def tree(self) -> dict[str, bytes]:
        """Every file in the working tree (symlinks as their target), .vcs/ excluded."""
        out = {}
        for dirpath, dirs, files in os.walk(self.root):
            if Path(dirpath) == self.root:
                dirs[:] = [d for d in dirs if d != ".vcs"]
            for name in files:
                full = Path(dirpath) / name
                rel = str(full.relative_to(self.root))
                out[rel] = os.readlink(full).encode() if full.is_symlink() else full.read_bytes()
        return out


@pytest.fixture
def repo(tmp_path) -> Repo:
    r = Repo(tmp_path / "work")
    r.root.mkdir()
    r.vcs("init")
    return r


@pytest.fixture
def empty_dir(tmp_path) -> Repo:
    r = Repo(tmp_path / "work")
    r.root.mkdir()
    return r
