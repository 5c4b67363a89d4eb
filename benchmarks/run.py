"""Run the benchmarks and write the Markdown report: ``python -m benchmarks [options]``."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks import machine
from benchmarks.connections import measure_connections, open_files_ceiling
from benchmarks.frameworks import FRAMEWORKS, PROJECT_SLUG, REPO_DIR, SERVING
from benchmarks.postgres import Postgres
from benchmarks.project import Installed, bake_api, bake_cli, install, time_to_green
from benchmarks.reads import database_schemes
from benchmarks.report import FrameworkResults, render
from benchmarks.runtime import RuntimeResult, measure_runtime
from benchmarks.wrk import choose_tool

SECTIONS = ("bake", "green", "runtime", "connections")
DEFAULT_OUTPUT = REPO_DIR / "docs" / "benchmarks.md"
# Everything after this line in the output file is written by hand and kept on regeneration.
KEEP_MARKER = "<!-- Hand-written below: kept when the file is regenerated. -->"

METHOD_NOTES = [
    "Bake: a fresh output directory per run. The process figure includes Python start-up and "
    "imports; the in-process figure is `cookiecutter.main.cookiecutter()` in the runner, so "
    "only its first run pays for imports.",
    "Time to green: each run bakes a new project (not timed), creates a fresh virtual "
    'environment and installs `-e ".[dev]"` with uv (pip when uv is absent), compiling '
    "bytecode as pip does. The package cache is warm: an untimed install of the same project "
    "ran first. Then the project's own `python -m pytest` (with its coverage gate), with "
    "bytecode written as on a developer's machine (`PYTHONDONTWRITEBYTECODE` is dropped from "
    "its environment).",
    "Runtime: one baked and installed project per framework serves every measurement. Its "
    "console script runs in production (`PREFIX_ENV=production`, the same worker/thread count "
    "as the bare app, set explicitly). The bare app (`benchmarks/bare/<framework>_app.py`) "
    "runs with the same interpreter and packages under the same server with the same settings "
    "(CherryPy: backlog 1024, 10 threads, as the starter's common.conf). Both listen on "
    "127.0.0.1, are warmed up, then loaded in alternation (bare, baked, baked, bare, ...) "
    "with the same bounded load. The ratio is median baked req/s ÷ median bare req/s; in "
    "brackets the lowest and highest ratio of one round (two loads back to back). Load "
    "generator and servers share the machine's CPUs.",
    "Read endpoint: one item is created through the starter's API (the request of the repo's "
    "persistence test, `persistence.write` in framework.json) and read back by id at its "
    "`Location` on both servers: the starter through its data layer, the bare app with the "
    "same framework, driver and ORM (Flask, CherryPy: SQLAlchemy + pysqlite/psycopg 3; "
    "Tornado: SQLAlchemy asyncio + aiosqlite/psycopg 3; Bottle: sqlite3, a connection per "
    "request, then the file) on the same database. Both answers are checked equal first. "
    "PostgreSQL 15 is a server of the benchmark's own (tests/services.py), fsync off. "
    "CubicWeb: /health only (its API writes need the admin's credentials; a read benchmark "
    "is still to be written).",
    "Server CPU µs/request: user + system CPU time of the server's processes during a load, "
    "divided by the requests answered (from /proc); the CPU ratio is bare ÷ baked of their "
    "medians, the req/s ratio the servers would reach with CPUs to themselves.",
    "CubicWeb: the bare app is CubicWeb's own Pyramid integration (`cubicweb.pyramid`) on "
    "the same instance with no other includes, answering `/health` with a constant in a tween "
    "over CubicWeb's, the layer where the starter answers it (with a repository check cached "
    "for one second); the starter adds auth, session and RDF includes, which `/health` skips.",
    "Memory: sum of VmHWM (peak resident set) of the server process and its descendants "
    "(gunicorn master + workers), read from /proc; pages shared between processes count once "
    "per process.",
    "Tornado connections: the baked project's own `benchmarks/connections.py -n N`, one "
    "server process, polls from 127.0.0.1, .2, ... (25,000 per source address, under the "
    "ephemeral port range); N is the goal capped by the hard open-file limit, which an "
    "unprivileged process cannot raise; KiB per connection = (RSS held − RSS idle) ÷ held.",
]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--frameworks", default=",".join(FRAMEWORKS), help="comma-separated (default: all)"
    )
    parser.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per load")
    parser.add_argument("--green-runs", type=int, default=1, help="time-to-green runs (default 1)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument(
        "--load", choices=("auto", "wrk", "python"), default="auto", help="load generator"
    )
    parser.add_argument("--tornado-connections", type=int, default=50_000, metavar="N")
    parser.add_argument("--connection-runs", type=int, default=1, help="default: 1")
    parser.add_argument(
        "--no-postgres", dest="postgres", action="store_false", help="skip the PostgreSQL reads"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown file")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--note", action="append", default=[], help="add a line to the notes")
    args = parser.parse_args(argv)
    args.frameworks = [name for name in args.frameworks.split(",") if name]
    args.sections = [name for name in args.sections.split(",") if name]
    unknown = set(args.frameworks) - set(FRAMEWORKS) | set(args.sections) - set(SECTIONS)
    if unknown or args.runs < 1 or args.duration <= 0 or args.connections < 1:
        parser.error(f"bad value(s): {sorted(unknown) or 'runs/duration/connections'}")
    return args


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_framework(
    framework: str, args: argparse.Namespace, tool: str, postgres: Postgres
) -> FrameworkResults:
    results = FrameworkResults(framework)
    with tempfile.TemporaryDirectory(prefix=f"bench-{framework}-") as scratch:
        root = Path(scratch)
        if "bake" in args.sections:
            for run in range(args.runs):
                for kind, bake in (("cli", bake_cli), ("api", bake_api)):
                    output = root / f"bake-{kind}-{run}"
                    output.mkdir()
                    getattr(results, f"bake_{kind}").append(bake(framework, output))
            progress(f"{framework}: baked {args.runs}× two ways")
        # The project every later measurement uses; its install also warms the package cache.
        needs_project = {"green", "runtime", "connections"} & set(args.sections)
        if not needs_project:
            return results
        (root / "main").mkdir()
        bake_cli(framework, root / "main")
        project, seconds = install(framework, root / "main" / PROJECT_SLUG, root / "venv")
        results.versions = machine.versions(project.python, SERVING[framework].distributions)
        progress(f"{framework}: installed in {seconds:.1f} s ({results.versions})")
        if "green" in args.sections:
            for _ in range(args.green_runs):
                install_seconds, test_seconds = time_to_green(framework)
                results.install.append(install_seconds)
                results.tests.append(test_seconds)
            progress(f"{framework}: time to green {results.install} + {results.tests}")
        if "runtime" in args.sections:
            results.runtime = runtime(project, root, args, tool, postgres)
        if "connections" in args.sections and framework == "tornado":
            try:
                results.connections = connections(project, args)
            except Exception as error:  # keep the framework's other figures
                progress(f"tornado: connections FAILED: {error}")
                results.failures.append(f"tornado connections: {str(error).splitlines()[0]}")
    return results


def runtime(
    project: Installed, root: Path, args: argparse.Namespace, tool: str, postgres: Postgres
) -> list[RuntimeResult]:
    """/health and the SQLite read on the starter's servers, then the PostgreSQL read."""
    logs = root / "logs"
    logs.mkdir()
    load = (tool, args.runs, args.duration, args.connections)
    schemes = database_schemes(project.framework)
    sqlite = ("SQLite", f"sqlite:///{logs / 'bench.sqlite3'}") if "sqlite" in schemes else None
    results = measure_runtime(project, logs, *load, database=sqlite)
    if "postgresql" in schemes and args.postgres:
        url = postgres.database()
        if url:
            results += measure_runtime(project, logs, *load, ("PostgreSQL", url), health=False)
    for result in results:
        rates = [round(x.requests_per_second) for x in result.bare.loads + result.baked.loads]
        progress(f"{project.framework}: {result.endpoint} bare+baked req/s {rates}")
    return results


def connections(project: Installed, args: argparse.Namespace) -> list[dict[str, object]]:
    runs = args.connection_runs
    # About 15 s for 10,000 on a quiet machine; 270 s for 19,500 on a loaded one.
    timeout = max(60.0, min(args.tornado_connections, open_files_ceiling()) / 40)
    reports = [measure_connections(project, args.tornado_connections, timeout) for _ in range(runs)]
    progress(f"tornado: connections {[report['held'] for report in reports]}")
    return reports


def kept_part(path: Path) -> str:
    """The hand-written analysis at the end of an existing report, marker included."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    index = text.find(KEEP_MARKER)
    return "" if index < 0 else "\n" + text[index:]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tool = choose_tool(args.load)
    started = time.monotonic()
    results = []
    failures = []
    with Postgres() as postgres:
        for framework in args.frameworks:
            progress(f"{framework}: start")
            try:
                results.append(bench_framework(framework, args, tool, postgres))
            except Exception as error:  # one framework's failure must not lose the others' figures
                progress(f"{framework}: FAILED: {error}")
                failures.append(f"{framework} failed, no figures: {str(error).splitlines()[0]}")
        failures += postgres.failures
        failures += [failure for result in results for failure in result.failures]
    settings = (
        f"{args.runs} run(s) per figure; load {args.duration:g} s × {args.connections} "
        f"connections per run with {tool}; {args.tornado_connections:,} Tornado long polls; "
        f"total {time.monotonic() - started:.0f} s"
    )
    markdown = render(results, machine.describe(), settings, [*failures, *METHOD_NOTES, *args.note])
    print(markdown)
    if not args.no_write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(markdown + kept_part(args.output), encoding="utf-8")
        progress(f"wrote {args.output}")
    return 1 if failures else 0
