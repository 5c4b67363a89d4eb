"""Validation of the generator's answers, shared by the hooks and the repo's tests.

Each broken rule gives one line that names the variable and the rule, so a refusal reads the same
whether it comes from an interactive prompt, ``--no-input`` or pytest-cookies, and every problem
is reported in one go.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from pathlib import Path
from typing import Any

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# PEP 508 names, normalised to the lower-case form that slugify produces.
DISTRIBUTION_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
PACKAGE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# Plausible, not RFC 5322: one @, no spaces, a dot in the domain.
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
# PEP 440 public versions without epochs or local parts.
VERSION = re.compile(r"^\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?$")
# Names a generated package must not take although no standard library module has them.
RESERVED_NAMES = {
    "tests": "the project's own tests package",
    "test": "CPython's regression-test package and the CubicWeb tests directory",
    "conftest": "pytest's per-directory configuration module",
    "pytest": "the test runner every project installs",
    "setup": "the setuptools script name that tools look for",
    "live_server": "the live-server test helper every project ships",
    "site": "the module Python imports at start-up",
}
SINGLE_LINE_FIELDS = ("project_name", "description", "author_name")
MAX_NAME_LENGTH = 200
# Generated code and tests must stay ruff-format stable whatever the name: longer names would
# push import lines past the line length and make the formatter rewrap them.
MAX_PACKAGE_LENGTH = 32


def framework_modules(framework: str) -> set[str]:
    """Top-level modules of the framework and its runtime dependencies, from framework.json."""
    info = json.loads((TEMPLATES_DIR / framework / "framework.json").read_text(encoding="utf-8"))
    return set(info["modules"])


def problems(answers: dict[str, Any]) -> list[str]:
    """Every rule the answers break, one line each; empty when they are fine."""
    found: list[str] = []
    for field in SINGLE_LINE_FIELDS:
        value = str(answers[field])
        if not value.strip():
            found.append(f"{field} must not be empty")
        elif any(not char.isprintable() for char in value):
            found.append(f"{field} must be a single line without control characters")
    if len(str(answers["project_name"])) > MAX_NAME_LENGTH:
        found.append(f"project_name must be at most {MAX_NAME_LENGTH} characters")

    slug = str(answers["project_slug"])
    if not DISTRIBUTION_NAME.match(slug):
        found.append(
            f"project_slug {slug!r} must be a valid distribution name: lower-case letters, "
            "digits, '-', '_' or '.', starting and ending with a letter or digit"
        )

    framework = str(answers["framework"])
    if not (TEMPLATES_DIR / framework / "framework.json").is_file():
        found.append(f"framework {framework!r} must be one of the templates/ directories")
        return found
    package = str(answers["package_name"])
    if not PACKAGE_NAME.match(package) or keyword.iskeyword(package):
        found.append(
            f"package_name {package!r} must be a Python identifier in lower-case ASCII "
            "(letters, digits, '_'; not starting with a digit) and not a keyword"
        )
    elif len(package) > MAX_PACKAGE_LENGTH:
        found.append(f"package_name {package!r} must be at most {MAX_PACKAGE_LENGTH} characters")
    elif package in sys.stdlib_module_names:
        found.append(f"package_name {package!r} must not shadow the standard library module")
    elif package in RESERVED_NAMES:
        found.append(f"package_name {package!r} must not shadow {RESERVED_NAMES[package]}")
    elif package in framework_modules(framework):
        found.append(f"package_name {package!r} must not shadow a module that {framework} uses")

    email = str(answers["author_email"])
    if not EMAIL.match(email):
        found.append(f"author_email {email!r} must be a plausible address like name@example.com")
    version = str(answers["version"])
    if not VERSION.match(version):
        found.append(f"version {version!r} must be a PEP 440 version like 0.1.0")
    return found


def refuse_bad_answers(answers: dict[str, Any]) -> None:
    """Exit non-zero with one line per broken rule, all at once, so that one more run fixes
    them all; cookiecutter then removes the project directory, so nothing is left on disk."""
    found = problems(answers)
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    if found:
        raise SystemExit(1)
