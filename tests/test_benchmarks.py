"""Smoke test of ``python -m benchmarks`` on a tiny setting, so the scripts keep working.

It asserts that the pieces run and the report is complete, never a timing: these are
benchmarks, not tests. The load generator is the pure-Python fallback, so wrk is not needed.
"""

from __future__ import annotations

import re
from pathlib import Path

import cookiecutter.config
import pytest

from benchmarks import project, run
from benchmarks.report import FrameworkResults, connections_section
from benchmarks.wrk import parse_wrk

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8000/health
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.12ms    2.01ms  40.00ms   90.00%
    Req/Sec     2.61k   200.00     3.00k    70.00%
  Latency Distribution
     50%  850.00us
     75%    6.00ms
     90%    8.00ms
     99%    1.20s
  52100 requests in 10.01s, 7.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   5204.80
Transfer/sec:    716.00KB
"""


def test_wrk_output_is_parsed_with_units_and_errors() -> None:
    # wrk pads some values with a trailing space.
    result = parse_wrk(WRK_OUTPUT.replace("1.20s", "1.20s "))
    assert result.requests_per_second == pytest.approx(5204.8)
    assert result.p50_ms == pytest.approx(0.85)
    assert result.p99_ms == pytest.approx(1200.0)
    assert result.requests == 52100
    assert result.errors == 7


def test_connections_goal_is_reported_as_not_met_when_a_run_holds_fewer() -> None:
    report = {
        "connections": 100,
        "held": 90,
        "failed_to_connect": 10,
        "seconds_to_open": 0.5,
        "server_rss_idle_mib": 30.0,
        "server_rss_held_mib": 31.0,
        "server_kib_per_connection": 11.4,
        "health_p50_ms": 0.3,
        "health_p99_ms": 2.0,
    }
    lines = connections_section([FrameworkResults("tornado", connections=[report])])
    assert "Goal 100 held: NOT met in every run." in lines

    capped = report | {"target": 50_000, "limited_by": "the hard open-file limit (100)"}
    lines = connections_section([FrameworkResults("tornado", connections=[capped])])
    assert (
        "Goal 50,000 held: NOT met in every run. Asked 100 only: the hard open-file limit (100)."
        in lines
    )


@pytest.mark.xdist_group("benchmarks")
def test_tiny_run_writes_every_section_for_one_framework(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    arguments = ["--frameworks", "bottle", "--runs", "1", "--duration", "1", "--load", "python"]
    arguments += ["--sections", "bake,runtime", "--output", str(output)]
    assert run.main(arguments) == 0

    markdown = output.read_text(encoding="utf-8")
    for title in ("## 1. Bake time", "## 3. Runtime", "## 4. Memory"):
        assert title in markdown
    for endpoint in ("GET /health", "GET one item by id (SQLite)"):
        runtime_row = next(
            line for line in markdown.splitlines() if line.startswith(f"| bottle | {endpoint} |")
        )
        cells = [cell.strip() for cell in runtime_row.strip("|").split("|")]
        bare_rate, baked_rate = float(cells[3]), float(cells[6])
        assert bare_rate > 0 and baked_rate > 0
        assert re.fullmatch(r"\*\*\d+\.\d\d\*\*( ⚠)? \(\d+\.\d\d–\d+\.\d\d\)", cells[9])
        assert re.fullmatch(r"\d+ → \d+", cells[10]), "server CPU per request, bare → baked"
        assert re.fullmatch(r"\d+\.\d\d", cells[11]), "CPU ratio"
        assert cells[12] == "0", "the servers answered every request with 2xx"
        assert cells[13] == "0/0", "both servers stopped cleanly on SIGTERM"
    assert "| bottle | bottle 0.13" in markdown


def test_bakes_never_touch_the_users_cookiecutter_dirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ways the benchmarks bake use their own config, not ``~/.cookiecutter_replay/``."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("COOKIECUTTER_CONFIG", raising=False)
    # Cookiecutter computed its defaults from the real HOME when it was imported.
    monkeypatch.setattr(cookiecutter.config, "USER_CONFIG_PATH", str(home / ".cookiecutterrc"))
    defaults = {"replay_dir": ".cookiecutter_replay", "cookiecutters_dir": ".cookiecutters"}
    for key, name in defaults.items():
        monkeypatch.setitem(cookiecutter.config.DEFAULT_CONFIG, key, str(home / name))
    for bake in (project.bake_cli, project.bake_api):
        output = tmp_path / bake.__name__
        output.mkdir()
        bake("bottle", output)
        assert (output / "cafe-unicode" / "pyproject.toml").is_file()
    assert sorted(path.name for path in home.iterdir()) == []
