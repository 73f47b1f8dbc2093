"""The dates `log --since` and `--until` read (vcs.porcelain.dates), in a fixed zone:
the relative ones give what `git rev-parse --since=...` gives for the same moment."""
from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from vcs.errors import UsageError
from vcs.porcelain import dates

NOW = 1_796_181_220  # 2026-12-02 03:13:40 UTC


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("text, when", [
    ("2024-01-31", 1706659200), ("2024-01-31 12:00", 1706702400), ("2024-01-31T12:00:00", 1706702400),
    ("2024-01-31 12:00:30", 1706702430), ("2024-01-31T12:00:00Z", 1706702400), ("2024-01-31 12:00 +0200", 1706695200),
    ("2024-01-31 12:00 -05:30", 1706722200), ("@1700000000", 1700000000), ("now", NOW), ("yesterday", NOW - 86400),
    ("2.weeks", NOW - 14 * 86400), ("3 days ago", NOW - 3 * 86400), ("1 day", NOW - 86400),
    ("10.minutes.ago", NOW - 600), ("2 weeks 3 days ago", NOW - 17 * 86400), ("1 hour ago", NOW - 3600),
    ("1 month ago", 1793589220), ("1.year", 1764645220), ("  3  DAYS  AGO ", NOW - 3 * 86400),
])
def test_dates(text, when):
    assert dates.parse(text, now=NOW) == when


def test_a_day_alone_is_the_whole_day():
    assert dates.parse("2024-01-31", end_of_day=True) - dates.parse("2024-01-31") == 86399
    assert dates.parse("2024-01-31 12:00", end_of_day=True) == dates.parse("2024-01-31 12:00")


@pytest.mark.parametrize("text", ["", "x", "3 fortnights", "ago", "2024-13-01", "2024-01-32", "99999999999 days",
                                  "999999999 years ago", "2024-01-31 25:00", "3", "days 3", "-3 days"])
def test_what_is_no_date_is_a_usage_error(text):
    with pytest.raises(UsageError) as e:
        dates.parse(text, now=NOW)
    assert "cannot read the date" in e.value.message


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("text", ["2.weeks", "3 days ago", "yesterday", "1 month ago", "1.year", "2 weeks 3 days ago",
                                  "2024-01-31 12:00", "2024-01-31 12:00 +0200", "10.minutes.ago"])
def test_relative_dates_agree_with_git(tmp_path, text):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    before = time.time()
    out = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", f"--since={text}"], capture_output=True,
                         text=True, env={**os.environ, "TZ": "UTC"}, check=True).stdout
    after = time.time()
    theirs = int(out.strip().split("=")[1])
    assert dates.parse(text, now=before) - 2 <= theirs <= dates.parse(text, now=after) + 2
