"""The config reader: the simple form vcs writes is parsed without tomllib, exactly as
tomllib would; anything else goes to tomllib."""
from __future__ import annotations

import tomllib

import pytest

from vcs.repo import config
from vcs.errors import StateError

SAMPLES = [
    '[storage]\npolicy = "auto"\n',
    '[user]\nname = "Ada L"\nemail = "ada@example.com"\n[ui]\ncolor = true\nwidth = 80\nneg = -3\n',
    '# comment\n\n[a]\nk = 0\n',
    '[a]\nk = "x\\"y"\n', '[a.b]\nk = 1\n', 'top = 1\n', '[a]\nk = 1.5\n', '[a]\n"q" = 1\n',
    "[a]\nk = 'literal'\n", '[a]\nk = "v" # trailing comment\n', '[a]\nk = [1, 2]\n',
    '[a]\nk = "caf\u00e9"\n', '[a]\nk = "a\\\\b"\n',
    '[a]\nk = 9223372036854775807\n', '[a]\nk = -9223372036854775808\n', '[a]\nk = 99999999999999999999\n',
]
INVALID = ['[a]\nk = 007\n', '[a]\n[a]\n', '[a]\nk = 1\nk = 2\n', '[a]\nk = "unterminated\n', '[a\n']


@pytest.mark.parametrize("text", SAMPLES)
def test_simple_form_matches_tomllib(text, tmp_path):
    simple = config._simple(text)
    want = {k: v for k, v in tomllib.loads(text).items() if isinstance(v, dict)}
    if simple is not None:
        assert simple == want
    path = tmp_path / "c.toml"
    path.write_text(text)
    assert config.load(str(path)) == want


@pytest.mark.parametrize("text", INVALID)
def test_invalid_toml_is_a_clear_error(text, tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(StateError, match="not valid TOML"):
        config.load(str(path))


def test_round_trip_through_dumps(tmp_path):
    cfg = {"user": {"name": 'Quote " and \\ back', "email": "e@x"}, "storage": {"policy": "delta"},
           "ui": {"color": False, "n": 3}, "alias": {"st": "status"}}
    path = str(tmp_path / "c.toml")
    config.save(path, cfg)
    assert config.load(path) == cfg
    assert tomllib.loads(open(path).read()) == cfg
