"""Render the results as Markdown: the tables printed and written to docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.runtime import RuntimeResult, Side
from benchmarks.stats import Summary

COMMAND = "python -m benchmarks"
GOAL_RATIO = 0.95  # issue #20: every baked/bare ratio at least this


@dataclass
class FrameworkResults:
    framework: str
    versions: str = ""
    bake_cli: list[float] = field(default_factory=list)
    bake_api: list[float] = field(default_factory=list)
    install: list[float] = field(default_factory=list)
    tests: list[float] = field(default_factory=list)
    runtime: list[RuntimeResult] = field(default_factory=list)
    connections: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(row) for row in rows), ""]


def _summary(values: Sequence[float], digits: int = 2) -> str:
    return Summary.of(values).format(digits) if values else "–"


def throughput_ratio(result: RuntimeResult) -> float:
    """Median baked req/s over median bare req/s."""
    bare = Summary.of([load.requests_per_second for load in result.bare.loads]).median
    baked = Summary.of([load.requests_per_second for load in result.baked.loads]).median
    return baked / bare


def cpu_ratio(result: RuntimeResult) -> float:
    """Median bare over median baked server CPU per request: the req/s ratio the servers would
    reach if they had the CPUs to themselves (steadier on a shared machine)."""
    bare = Summary.of(result.bare.cpu_us_per_request).median
    return bare / Summary.of(result.baked.cpu_us_per_request).median


def _side_cells(side: Side) -> list[str]:
    return [
        _summary([load.requests_per_second for load in side.loads], 0),
        _summary([load.p50_ms for load in side.loads]),
        _summary([load.p99_ms for load in side.loads]),
    ]


def bake_section(results: Sequence[FrameworkResults]) -> list[str]:
    rows = [
        [r.framework, _summary(r.bake_cli), _summary(r.bake_api)] for r in results if r.bake_cli
    ]
    if not rows:
        return []
    header = ["Framework", "`cookiecutter --no-input` process (s)", "in-process API (s)"]
    return ["## 1. Bake time", "", *_table(header, rows)]


def green_section(results: Sequence[FrameworkResults]) -> list[str]:
    rows = [
        [
            r.framework,
            _summary(r.install),
            _summary(r.tests),
            _summary([a + b for a, b in zip(r.install, r.tests, strict=True)]),
        ]
        for r in results
        if r.install
    ]
    if not rows:
        return []
    header = ["Framework", "venv + install, warm cache (s)", "project tests (s)", "total (s)"]
    return ["## 2. Time to green", "", *_table(header, rows)]


def runtime_section(results: Sequence[FrameworkResults]) -> list[str]:
    runtimes = [runtime for r in results for runtime in r.runtime]
    if not runtimes:
        return []
    header = [
        "Framework",
        "Endpoint",
        "Server (both apps)",
        "bare req/s",
        "bare p50 ms",
        "bare p99 ms",
        "baked req/s",
        "baked p50 ms",
        "baked p99 ms",
        "ratio baked/bare (rounds min–max)",
        "server CPU µs/request bare → baked",
        "CPU ratio bare/baked",
        "errors",
        "exit on SIGTERM (bare/baked)",
    ]
    rows = []
    for result in runtimes:
        ratio = throughput_ratio(result)
        flag = "" if ratio >= GOAL_RATIO else " ⚠"
        rounds = Summary.of(result.round_ratios())
        errors = sum(load.errors for side in (result.bare, result.baked) for load in side.loads)
        rows.append(
            [
                result.framework,
                result.endpoint,
                result.server,
                *_side_cells(result.bare),
                *_side_cells(result.baked),
                f"**{ratio:.2f}**{flag} ({rounds.low:.2f}–{rounds.high:.2f})",
                f"{_summary(result.bare.cpu_us_per_request, 0)} → "
                f"{_summary(result.baked.cpu_us_per_request, 0)}",
                f"{cpu_ratio(result):.2f}",
                errors,
                f"{result.bare.exit_status}/{result.baked.exit_status}",
            ]
        )
    tool = runtimes[0].tool
    return [
        f"## 3. Runtime overhead: baked vs bare (load: {tool}; ⚠ under {GOAL_RATIO})",
        "",
        *_table(header, rows),
    ]


def memory_section(results: Sequence[FrameworkResults]) -> list[str]:
    runtimes = [runtime for r in results for runtime in r.runtime[:1]]
    if not runtimes:
        return []
    header = [
        "Framework",
        "bare after warm-up",
        "bare after load",
        "baked after warm-up",
        "baked after load",
        "baked − bare after load",
    ]
    rows = [
        [
            r.framework,
            f"{r.bare.rss_warm_mib:.1f}",
            f"{r.bare.rss_loaded_mib:.1f}",
            f"{r.baked.rss_warm_mib:.1f}",
            f"{r.baked.rss_loaded_mib:.1f}",
            f"{r.baked.rss_loaded_mib - r.bare.rss_loaded_mib:+.1f}",
        ]
        for r in runtimes
    ]
    return ["## 4. Memory: peak RSS in MiB (server + workers)", "", *_table(header, rows)]


def connections_section(results: Sequence[FrameworkResults]) -> list[str]:
    reports = [report for r in results for report in r.connections]
    if not reports:
        return []
    target = reports[0].get("target", reports[0]["connections"])
    header = [
        "Goal",
        "Connections asked",
        "source addresses",
        "held",
        "failed to connect",
        "seconds to open",
        "server RSS idle → held (MiB)",
        "KiB per connection",
        "/health p50 ms while held",
        "/health p99 ms while held",
    ]

    def values(key: str) -> list[float]:
        return [float(report[key]) for report in reports]

    rss = f"{_summary(values('server_rss_idle_mib'), 1)} → {_summary(values('server_rss_held_mib'), 1)}"
    row = [
        f"{target:,}",
        f"{reports[0]['connections']:,}",
        reports[0].get("source_addresses", 1),
        _summary(values("held"), 0),
        _summary(values("failed_to_connect"), 0),
        _summary(values("seconds_to_open")),
        rss,
        _summary(values("server_kib_per_connection"), 1),
        _summary(values("health_p50_ms")),
        _summary(values("health_p99_ms")),
    ]
    goal = "met" if min(values("held")) >= target else "NOT met"
    title = (
        "## 5. Tornado: long polls held by one process (the starter's `benchmarks/connections.py`)"
    )
    limit = reports[0].get("limited_by")
    why = f" Asked {reports[0]['connections']:,} only: {limit}." if limit else ""
    return [
        title,
        "",
        *_table(header, [row]),
        f"Goal {target:,} held: {goal} in every run.{why}",
        "",
    ]


def render(
    results: Sequence[FrameworkResults],
    machine: Sequence[tuple[str, str]],
    settings: str,
    notes: Sequence[str],
) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Regenerate with `{COMMAND}` from the repository root (see `{COMMAND} --help`);",
        "it writes this file. Every figure is the median of the runs with (min–max), unless",
        "there was a single measurement.",
        "",
        f"Settings: {settings}.",
        "",
        *bake_section(results),
        *green_section(results),
        *runtime_section(results),
        *memory_section(results),
        *connections_section(results),
        "## Machine and versions",
        "",
        *_table(["", ""], [*machine, *((f"{r.framework}", r.versions) for r in results)]),
    ]
    if notes:
        lines += ["## Notes", "", *(f"- {note}" for note in notes), ""]
    return "\n".join(lines).rstrip() + "\n"
