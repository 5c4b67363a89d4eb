"""Jinja extension loaded by cookiecutter (see ``_extensions`` in cookiecutter.json).

It gives the templates three things cookiecutter does not:

* ``starter_repo_dir()``: where this template lives, so the hooks can import the shared hook code
  and render the framework overlay, whichever way the template was fetched (path, git URL, cruft);
* ``framework_info(name)``: the data in ``templates/<name>/framework.json``;
* filters that quote user answers for the file format they land in, so a project name with
  quotes, backslashes or emoji still gives valid Python, TOML and Markdown.

It also keeps answers literal. Cookiecutter renders every ``--no-input`` / extra-context value as
a Jinja template, so a project name such as ``{{ 7*7 }}`` would become ``49`` and ``{{ }}`` would
crash with a traceback. Every template string this repository authors mentions ``cookiecutter``;
a string with Jinja syntax that does not is an answer, and is rendered as the literal text.

The module name is deliberately unusual: cookiecutter imports local extensions into one namespace.
That namespace outlives one render: ``cruft update`` renders the old and then the new template in
one process, and the second render gets the first one's module. So nothing here may depend on
where this file is or on a cache: the template directory is found from the working directory,
which cookiecutter sets to the template being rendered.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

# What marks this template's root directory.
_ROOT_MARKERS = ("cookiecutter.json", "web_starters_jinja.py", "templates")

_JINJA_SYNTAX = re.compile(r"{{|{%|{#")
_PY_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _is_unsafe(char: str) -> bool:
    """Control, format and separator characters are escaped rather than written raw."""
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def _python_escape(code: int) -> str:
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def python_string(value: Any) -> str:
    """A Python string literal, quoted the way ``ruff format`` would quote it."""
    text = str(value)
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = []
    for char in text:
        if char in _PY_ESCAPES:
            out.append(_PY_ESCAPES[char])
        elif char == quote:
            out.append("\\" + char)
        elif _is_unsafe(char):
            out.append(_python_escape(ord(char)))
        else:
            out.append(char)
    return quote + "".join(out) + quote


def toml_string(value: Any) -> str:
    """A TOML basic string."""
    out = []
    for char in str(value):
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif _is_unsafe(char):
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-!|&~")


def markdown_text(value: Any) -> str:
    """Inline Markdown text that renders as exactly ``value``: markup characters are escaped."""
    text = "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in str(value))
    # "1. x" at the start of a line would become a list item.
    digits = len(text) - len(text.lstrip("0123456789"))
    if digits and text[digits : digits + 1] in {".", ")"}:
        text = text[:digits] + "\\" + text[digits:]
    return text


def template_root() -> Path:
    """The template being rendered: cookiecutter renders hooks in its root and files one level
    below (``{{cookiecutter.project_slug}}/``, or ``templates/<framework>/...`` for the overlay)."""
    cwd = Path.cwd().resolve()
    for directory in (cwd, *cwd.parents):
        if all((directory / marker).exists() for marker in _ROOT_MARKERS):
            return directory
    raise RuntimeError(f"not rendering inside the web-starters template (cwd: {cwd})")


def framework_info(name: str) -> dict[str, Any]:
    """The per-framework data that shared files need (dependencies, Python versions, ...).

    Read on every call, never cached: see the module docstring."""
    path = template_root() / "templates" / name / "framework.json"
    return json.loads(path.read_text(encoding="utf-8"))


def starter_repo_dir() -> str:
    return str(template_root())


class StarterExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self._literals: list[str] = []
        environment.globals["starter_literal"] = self._literals.__getitem__
        environment.filters["py_str"] = python_string
        environment.filters["toml_str"] = toml_string
        environment.filters["md_text"] = markdown_text
        environment.globals["framework_info"] = framework_info
        environment.globals["starter_repo_dir"] = starter_repo_dir

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """Render answers that contain Jinja syntax as the literal text the user typed."""
        if name is None and _JINJA_SYNTAX.search(source) and "cookiecutter" not in source:
            self._literals.append(source)
            return "{{ starter_literal(" + str(len(self._literals) - 1) + ") }}"
        return source
