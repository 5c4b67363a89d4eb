"""Packaging information that CubicWeb reads from every cube (mandatory, even with pyproject.toml).

The version lives in one place, ``pyproject.toml``: CubicWeb compares this cube's ``numversion``
with the one stored in the database to pick the ``migration/<version>_Any.py`` scripts that
``{{ cookiecutter.project_slug }} migrate`` applies. After changing it, reinstall (``pip install -e .``) so that the
installed metadata follows.
"""

import re
from importlib.metadata import metadata

modname = "cubicweb_{{ cookiecutter.package_name }}"
distname = "{{ cookiecutter.project_slug }}"

_metadata = metadata(distname)
# CubicWeb compares cube versions as three integers: "1.2rc1" -> (1, 2, 0).
_match = re.match(r"\d+(?:\.\d+)*", _metadata["Version"])
_release = [int(part) for part in _match.group().split(".")] if _match else []
numversion = tuple((_release + [0, 0, 0])[:3])
version = ".".join(str(number) for number in numversion)

description = _metadata["Summary"] or ""
author = {{ cookiecutter.author_name | py_str }}
author_email = {{ cookiecutter.author_email | py_str }}

# "cubicweb-<name>" requirements are the cubes this one uses: CubicWeb adds them to the instance.
# Keep them in step with pyproject.toml's dependencies, which install them.
__depends__ = {"cubicweb": ">= 5.0.1, < 6.0.0", "cubicweb-web": ">= 1.6.2, < 2.0.0"}
__recommends__: dict[str, str] = {}
