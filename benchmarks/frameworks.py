"""What each framework's production mode runs, so the bare app can be served the same way.

The worker/thread counts are the starters' production defaults; they are also passed to the
baked server explicitly, so that both sides of a comparison always use the same number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
BARE_DIR = Path(__file__).resolve().parent / "bare"
# The template's own list: adding a framework there adds it here.
FRAMEWORKS: tuple[str, ...] = tuple(
    json.loads((REPO_DIR / "cookiecutter.json").read_text(encoding="utf-8"))["framework"]
)

PROJECT_NAME = "Café Ünïcode"
PROJECT_SLUG = "cafe-unicode"
PACKAGE_NAME = "cafe_unicode"
ENV_PREFIX = "CAFE_UNICODE_"


@dataclass(frozen=True)
class Serving:
    """How production serves one framework, for both the baked and the bare app."""

    server: str  # shown in the report
    # Contract settings (without the prefix) given to the baked server on top of the defaults.
    baked_settings: dict[str, str] = field(default_factory=dict)
    # Distributions whose versions the report shows.
    distributions: tuple[str, ...] = ()
    startup_timeout: float = 30.0


SERVING: dict[str, Serving] = {
    "flask": Serving(
        "gunicorn, 2 sync workers",
        {"WORKERS": "2"},
        ("flask", "werkzeug", "gunicorn"),
    ),
    "tornado": Serving(
        "tornado HTTPServer, 1 process",
        {"PROCESSES": "1"},
        ("tornado",),
    ),
    "cherrypy": Serving(
        "cheroot (CherryPy engine), 10 threads",
        {},
        ("cherrypy", "cheroot"),
    ),
    "bottle": Serving(
        "waitress adapter, 4 threads",
        {"SERVER": "waitress"},
        ("bottle", "waitress"),
    ),
    "cubicweb": Serving(
        "waitress, 8 threads",
        {"THREADS": "8"},
        ("cubicweb", "cubicweb-web", "pyramid", "waitress"),
        startup_timeout=180.0,
    ),
}


def bare_command(framework: str, python: Path, port: int, instance_dir: Path) -> list[str]:
    """The command that serves ``benchmarks/bare/<framework>_app.py`` like the starter does."""
    script = BARE_DIR / f"{framework}_app.py"
    if framework == "flask":
        # The starter embeds gunicorn (BaseApplication); the CLI runs the same arbiter.
        return [
            str(python),
            "-m",
            "gunicorn",
            "--workers",
            SERVING["flask"].baked_settings["WORKERS"],
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(BARE_DIR),
            "--graceful-timeout",
            "3",
            "--no-control-socket",
            "flask_app:app",
        ]
    command = [str(python), str(script), "--port", str(port)]
    if framework == "cubicweb":
        command += [
            "--instance-dir",
            str(instance_dir),
            "--instance",
            PACKAGE_NAME,
            "--threads",
            SERVING["cubicweb"].baked_settings["THREADS"],
        ]
    return command


def has_data_layer(framework: str) -> bool:
    """The starter stores data in a database and has ``<slug> migrate`` (framework.json)."""
    info = json.loads((REPO_DIR / "templates" / framework / "framework.json").read_text("utf-8"))
    return bool(info.get("data_layer"))
