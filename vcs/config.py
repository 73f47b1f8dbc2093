"""Configuration: a TOML file per user and one per repository.

The user file is `$XDG_CONFIG_HOME/vcs/config.toml` (default
`~/.config/vcs/config.toml`); the repository's is `.vcs/config.toml`. A key set
in the repository wins over the user's. Values are strings, numbers or booleans
in tables one level deep (`[user] name = "Ada"`).
"""
from __future__ import annotations

import os

from vcs.errors import StateError
from vcs.store import atomic_write

Config = dict  # {section: {name: value}}


def user_config_path() -> str:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "vcs", "config.toml")


def load(path: str) -> Config:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise StateError(f"cannot read {path}: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise StateError(f"{path} is not valid TOML: {e}", hint="fix or remove the file") from None
    data = _simple(text)
    if data is not None:
        return data
    import tomllib  # only for files beyond the simple form: its import costs several ms
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise StateError(f"{path} is not valid TOML: {e}", hint="fix or remove the file") from None
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def _simple(text: str) -> Config | None:
    """Parse the form vcs itself writes ([section] and key = "string" | true | false |
    integer lines), or None for anything else, which tomllib then reads."""
    cfg: Config = {}
    section = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]") and _bare(line[1:-1]):
            if line[1:-1] in cfg:
                return None
            section = cfg[line[1:-1]] = {}
            continue
        key, eq, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or section is None or not _bare(key) or key in section:
            return None
        if value in ("true", "false"):
            section[key] = value == "true"
        elif value.isascii() and value.lstrip("-").isdigit() and (
                value.lstrip("-") == "0" or not value.lstrip("-").startswith("0")):
            section[key] = int(value)
        elif len(value) >= 2 and value[0] == value[-1] == '"' and "\\" not in value \
                and '"' not in value[1:-1]:
            section[key] = value[1:-1]
        else:
            return None
    return cfg


def _bare(key: str) -> bool:
    return bool(key) and key.isascii() and all(c.isalnum() or c in "-_" for c in key)


def get(configs: list[Config], key: str, default=None):
    """Look `section.name` up in each config in turn (most specific first)."""
    section, _, name = key.partition(".")
    for cfg in configs:
        value = cfg.get(section, {}).get(name)
        if value is not None:
            return value
    return default


def save(path: str, cfg: Config) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    atomic_write(path, dumps(cfg).encode("utf-8"))


def dumps(cfg: Config) -> str:
    out = []
    for section in sorted(cfg):
        out.append(f"[{_key(section)}]")
        for name in sorted(cfg[section]):
            out.append(f"{_key(name)} = {_value(cfg[section][name])}")
        out.append("")
    return "\n".join(out)


def _key(k: str) -> str:
    if k and all(c.isalnum() or c in "-_" for c in k) and k.isascii():
        return k
    return _string(k)


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return _string(str(v))


def _string(s: str) -> str:
    escaped = s.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " and c != "\x7f" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'
