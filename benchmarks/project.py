"""Bake a framework's project and install it: the timings of sections 1 and 2."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.frameworks import ENV_PREFIX, PROJECT_NAME, PROJECT_SLUG, REPO_DIR
from tests.environ import clean_environ as clean_project_environ
from tests.environ import uv_binary


class CommandFailed(RuntimeError):
    pass


def clean_environ(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without anything that would leak into a baked project."""
    return clean_project_environ(ENV_PREFIX, extra)


def run(command: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> float:
    """Run ``command``; return its wall-clock time in seconds; raise with its output if it fails."""
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=cwd,
        env=clean_environ() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-4000:]
        raise CommandFailed(f"{' '.join(command)} exited {result.returncode}:\n{output}")
    return elapsed


def bake_context(framework: str) -> dict[str, str]:
    return {"framework": framework, "project_name": PROJECT_NAME}


def cookiecutter_command() -> list[str]:
    """The ``cookiecutter`` console script of this interpreter, or ``python -m cookiecutter``."""
    script = Path(sys.executable).with_name("cookiecutter")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "cookiecutter"]


def isolated_config(directory: Path) -> Path:
    """A cookiecutter config whose replay and clone dirs are under ``directory``: a benchmark
    must never overwrite the user's own ``~/.cookiecutter_replay/``."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "cookiecutter.yaml"
    config.write_text(
        f"cookiecutters_dir: {directory / 'cookiecutters'}\nreplay_dir: {directory / 'replay'}\n",
        encoding="utf-8",
    )
    return config


def bake_cli(framework: str, output_dir: Path) -> float:
    """The whole ``cookiecutter --no-input`` process, start-up included."""
    config = isolated_config(output_dir / ".cookiecutter")
    answers = [f"{key}={value}" for key, value in bake_context(framework).items()]
    command = [*cookiecutter_command(), "--no-input", "-f", "--config-file", str(config)]
    command += ["-o", str(output_dir), str(REPO_DIR)]
    return run([*command, *answers], output_dir, 120)


def bake_api(framework: str, output_dir: Path) -> float:
    """``cookiecutter.main.cookiecutter`` in this process (imports already warm after run 1)."""
    from cookiecutter.main import cookiecutter

    config = isolated_config(output_dir / ".cookiecutter")
    started = time.perf_counter()
    cookiecutter(
        str(REPO_DIR),
        no_input=True,
        overwrite_if_exists=True,
        output_dir=str(output_dir),
        extra_context=bake_context(framework),
        config_file=str(config),
    )
    return time.perf_counter() - started


@dataclass(frozen=True)
class Installed:
    """A baked project installed with ``pip install -e ".[dev]"`` in its own virtual env."""

    framework: str
    project_dir: Path
    venv_dir: Path

    @property
    def python(self) -> Path:
        return self.venv_dir / "bin" / "python"

    @property
    def console_script(self) -> Path:
        return self.venv_dir / "bin" / PROJECT_SLUG


def install(framework: str, project_dir: Path, venv_dir: Path) -> tuple[Installed, float]:
    """Fresh venv + editable install with the dev extra (uv when available); return the time."""
    tool = uv_binary()
    python = venv_dir / "bin" / "python"
    if tool:
        create = [tool, "venv", "--quiet", "--python", sys.executable, str(venv_dir)]
        # pip compiles what it installs; uv only when asked. Without it the first test run
        # would pay for compiling the venv, and the figure would not be the README's command's.
        pip = [tool, "pip", "install", "--quiet", "--compile-bytecode", "--python", str(python)]
    else:
        create = [sys.executable, "-m", "venv", str(venv_dir)]
        pip = [str(python), "-m", "pip", "install", "--quiet"]
    seconds = run(create, project_dir, 120)
    seconds += run([*pip, "-e", ".[dev]"], project_dir, 900)
    return Installed(framework, project_dir, venv_dir), seconds


def run_tests(project: Installed) -> float:
    """The project's own test suite, as its README runs it."""
    command = [str(project.python), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    environ = clean_environ({"PATH": f"{project.venv_dir / 'bin'}{os.pathsep}{os.environ['PATH']}"})
    return run(command, project.project_dir, 900, environ)


def time_to_green(framework: str) -> tuple[float, float]:
    """A freshly baked project (not timed), a fresh venv: return (install, tests) seconds.

    Each run bakes again so that nothing the tests leave behind (e.g. a test database) helps
    the next run.
    """
    with tempfile.TemporaryDirectory(prefix=f"bench-green-{framework}-") as scratch:
        root = Path(scratch)
        bake_cli(framework, root)
        project, install_seconds = install(framework, root / PROJECT_SLUG, root / "venv")
        return install_seconds, run_tests(project)
