"""Configuration: a TOML file per user and one per repository.

The user file is `$XDG_CONFIG_HOME/vcs/config.toml` (default
`~/.config/vcs/config.toml`); the repository's is `.vcs/config.toml`. A key set
in the repository wins over the user's. Values are strings, numbers or booleans
in tables one level deep (`[user] name = "Ada"`).
"""
from __future__ import annotations

import os

from vcs.errors import StateError, UsageError
from vcs.storage.objects import POLICIES
from vcs.storage.log import atomic_write, make_folder

Config = dict  # {section: {name: value}}


def user_config_path() -> str:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "vcs", "config.toml")


def files(root: bytes | str | None) -> list[str]:
    """The config files vcs reads, most specific first: the repository's at `root`
    (None: outside a repository, or the user's file alone), then the user's."""
    user = user_config_path()
    if root is None:
        return [user]
    return [os.path.join(os.fsdecode(root), ".vcs", "config.toml"), user]


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
    except ValueError:  # tomllib reads integers with int(), which refuses 4,300 digits
        raise StateError(f"{path} holds a number too long to read", hint="fix or remove the file") from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise StateError(f"the config file {path} is nested too deeply", hint="fix or remove the file") from None
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
        elif value.isascii() and value.lstrip("-").isdigit() and len(value) <= 19 and (
                value.lstrip("-") == "0" or not value.lstrip("-").startswith("0")):  # (tomllib reads longer)
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
    """Look a key up in each config in turn (most specific first)."""
    for cfg in configs:
        value = lookup(cfg, key)
        if value is not None:
            return value
    return default


def save(path: str, cfg: Config) -> None:
    make_folder(os.path.dirname(path))
    atomic_write(path, dumps(cfg).encode("utf-8"))


def dumps(cfg: Config) -> str:
    """TOML for a config: tables one level deep, and one more for dict values
    (`[storage.rules]`)."""
    out = []
    for section in sorted(cfg):
        values = {k: v for k, v in cfg[section].items() if not isinstance(v, dict)}
        tables = {k: v for k, v in cfg[section].items() if isinstance(v, dict)}
        if values or not tables:
            out.append(f"[{_key(section)}]")
            for name in sorted(values):
                out.append(f"{_key(name)} = {_value(values[name])}")
            out.append("")
        for name in sorted(tables):
            out.append(f"[{_key(section)}.{_key(name)}]")
            for key in sorted(tables[name]):
                out.append(f"{_key(key)} = {_value(tables[name][key])}")
            out.append("")
    return "\n".join(out)


# The keys vcs knows, and the values each accepts (None: any string).
KNOWN = {
    "user.name": None, "user.email": None,
    "ui.color": ("auto", "always", "never"), "ui.pager": None,
    "storage.policy": ("auto", "delta", "full"),
    "init.defaultBranch": None,
    "merge.conflictStyle": ("merge", "diff3", "zdiff3"), "merge.rerere": ("true", "false"),
    "ui.ssh": None,
}
# remote.NAME.KEY: a remote's settings (vcs remote add writes url; vcs: the remote's vcs command).
REMOTE_KEYS = ("url", "vcs")


def split_key(key: str) -> tuple[str, str | None, str]:
    """`section.name` or `section.table.name` (the name may hold dots: `storage.rules.*.png`)."""
    section, dot, rest = key.partition(".")
    if not dot or not section or not rest:
        raise UsageError(f"invalid config key {key!r}", hint="keys look like user.name or storage.rules.*.png")
    if section == "storage" and rest.startswith("rules."):
        return section, "rules", rest[len("rules."):]
    if section == "remote" and "." in rest:
        name, _, setting = rest.rpartition(".")
        return section, name, setting
    return section, None, rest


def check(key: str, value: str) -> None:
    """Refuse a value vcs would not understand, before it is written."""
    section, table, name = split_key(key)
    if table == "rules":
        allowed = POLICIES
    elif section == "alias" or (section == "remote" and table is not None and name in REMOTE_KEYS):
        return
    elif key in KNOWN:
        allowed = KNOWN[key]
    else:
        import difflib
        close = difflib.get_close_matches(key, KNOWN, n=1, cutoff=0.75)
        raise UsageError(f"unknown config key {key!r}", hint=(f"did you mean {close[0]!r}? " if close else "")
                         + "known: " + ", ".join([*KNOWN, "storage.rules.GLOB", "alias.NAME",
                                                                       "remote.NAME.url", "remote.NAME.vcs"]))
    if allowed is not None and value not in allowed:
        raise UsageError(f"{key} must be one of {', '.join(allowed)}, not {value!r}")
    if key == "init.defaultBranch":
        from vcs.model.refs import branch_name_problem
        problem = branch_name_problem(value)
        if problem:
            raise UsageError(f"{key} must be a valid branch name, and {value!r} is not: {problem}")


def lookup(cfg: Config, key: str):
    section, table, name = split_key(key)
    where = cfg.get(section, {})
    if table is not None:
        where = where.get(table, {})
    return where.get(name) if isinstance(where, dict) else None


def assign(cfg: Config, key: str, value) -> None:
    """Set (value not None) or unset (None) a key in a config, in place."""
    section, table, name = split_key(key)
    where = cfg.setdefault(section, {})
    if table is not None:
        where = where.setdefault(table, {})
    if value is None:
        where.pop(name, None)
        if table is not None and not where:
            cfg[section].pop(table)
        if not cfg[section]:
            cfg.pop(section)
    else:
        where[name] = value


def flatten(cfg: Config) -> dict[str, object]:
    """key -> value for every key of a config."""
    out = {}
    for section, values in cfg.items():
        for name, value in values.items():
            if isinstance(value, dict):
                for sub, v in value.items():
                    out[f"{section}.{name}.{sub}"] = v
            else:
                out[f"{section}.{name}"] = value
    return out


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
