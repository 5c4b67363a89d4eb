"""What to do after a successful bake, printed by the post-generation hook."""

from __future__ import annotations

import json
import os
import shlex
import tempfile
from pathlib import Path
from typing import Any


def where(project_dir: Path) -> str:
    """The project directory as the user's shell reaches it.

    Hooks run with the new project as working directory; PWD still names the user's shell's one.
    """
    shell_dir = os.environ.get("PWD")
    if not shell_dir:
        return str(project_dir)
    relative = os.path.relpath(project_dir, shell_dir)
    return relative if len(relative) < len(str(project_dir)) else str(project_dir)


def next_steps(answers: dict[str, Any], info: dict[str, Any], project_dir: Path) -> list[str]:
    slug = answers["project_slug"]
    steps = [f"cd {shlex.quote(where(project_dir))}"]
    if info.get("system_packages"):
        steps.append(f"sudo apt-get install {' '.join(info['system_packages'])}")
    steps += [
        f"python -m venv .venv && . .venv/bin/activate  # Python {info['requires_python']}",
        'pip install -e ".[dev]"',
        f"{slug}  # development server on http://127.0.0.1:8000",
        "pytest  # the tests, with coverage",
    ]
    return [f"Created {answers['project_name']}. Next steps:", *(f"  {step}" for step in steps)]


def is_throwaway(project_dir: Path) -> bool:
    """cruft update (and diff, check) renders the template into a fresh ``tempfile.mkdtemp()``
    directory only to compare it with the project: nobody will cd there."""
    parent = project_dir.resolve().parent
    temp = Path(tempfile.gettempdir()).resolve()
    return parent.parent == temp and parent.name.startswith("tmp")


def print_next_steps(answers: dict[str, Any], repo_dir: str) -> None:
    if is_throwaway(Path.cwd()):
        return
    path = Path(repo_dir) / "templates" / answers["framework"] / "framework.json"
    info = json.loads(path.read_text(encoding="utf-8"))
    print("\n".join(next_steps(answers, info, Path.cwd())))
