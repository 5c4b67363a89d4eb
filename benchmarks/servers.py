"""Start, measure and stop the baked and the bare production servers."""

from __future__ import annotations

import subprocess
from pathlib import Path

from live_server import LiveServer, find_free_port, start

from benchmarks import procfs
from benchmarks.bare.data import DATABASE_ENV
from benchmarks.frameworks import ENV_PREFIX, SERVING, bare_command, has_data_layer
from benchmarks.project import Installed, clean_environ

# Production needs these; the values only matter to the benchmark.
BENCH_SECRET = "benchmark-secret-not-for-production"
BENCH_ADMIN_PASSWORD = "benchmark-admin-password"
STOP_TIMEOUT = 10.0


def peak_rss_mib(server: LiveServer) -> float:
    return procfs.tree_peak_rss_bytes(server.process.pid) / 2**20


def cpu_seconds(server: LiveServer) -> float:
    return procfs.tree_cpu_seconds(server.process.pid)


def stop(server: LiveServer) -> int:
    """SIGTERM to the main process (as a supervisor does); SIGKILL the group if it hangs."""
    code = server.stop(timeout=STOP_TIMEOUT)
    if code is None:
        server.kill()
        code = server.process.returncode
    return code


def instance_dir(log_dir: Path) -> Path:
    """Where the CubicWeb instance lives for this run (shared by the baked and bare app)."""
    return log_dir / "cubicweb-instances"


def start_baked(project: Installed, log_dir: Path, database_url: str | None = None) -> LiveServer:
    """The project's console script in production, as its README runs it; on its default
    database unless ``database_url`` is given."""
    port = find_free_port()
    settings = {
        "ENV": "production",
        "SECRET_KEY": BENCH_SECRET,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "ADMIN_PASSWORD": BENCH_ADMIN_PASSWORD,
        "INSTANCE_DIR": str(instance_dir(log_dir)),
        **SERVING[project.framework].baked_settings,
    }
    if database_url:
        settings["DATABASE_URL"] = database_url
    env = clean_environ({ENV_PREFIX + key: value for key, value in settings.items()})
    log_path = log_dir / f"{project.framework}-baked.log"
    command = [str(project.console_script)]
    if has_data_layer(project.framework):
        # As the README deploys it: production never migrates by itself. Idempotent.
        migrate = subprocess.run(
            [*command, "migrate"],
            cwd=project.project_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if migrate.returncode != 0:
            raise RuntimeError(f"{project.framework} migrate failed:\n{migrate.stderr}")
    return start(command, port=port, log_path=log_path, env=env, cwd=project.project_dir)


def start_bare(project: Installed, log_dir: Path, database_url: str | None = None) -> LiveServer:
    """``benchmarks/bare/<framework>_app.py`` with the project's interpreter and packages,
    reading ``database_url`` (see ``bare/data.py``)."""
    port = find_free_port()
    command = bare_command(project.framework, project.python, port, instance_dir(log_dir))
    log_path = log_dir / f"{project.framework}-bare.log"
    return start(
        command,
        port=port,
        log_path=log_path,
        env=clean_environ({DATABASE_ENV: database_url or ""}),
        cwd=log_dir,
    )
