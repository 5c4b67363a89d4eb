"""Packaging information that CubicWeb reads from every cube (mandatory, even with pyproject.toml).

The distribution's own metadata lives in pyproject.toml; this module tells CubicWeb the cube's
version and which cubes it depends on.
"""

import re

from {{ cookiecutter.package_name }} import DESCRIPTION, __version__

modname = "cubicweb_{{ cookiecutter.package_name }}"
distname = "{{ cookiecutter.project_slug }}"

# CubicWeb compares cube versions as three integers: "1.2rc1" -> (1, 2, 0).
_release = [int(part) for part in re.match(r"\d+(?:\.\d+)*", __version__).group().split(".")]
numversion = tuple((_release + [0, 0])[:3])
version = ".".join(str(number) for number in numversion)

description = DESCRIPTION
author = {{ cookiecutter.author_name | py_str }}
author_email = {{ cookiecutter.author_email | py_str }}

# "cubicweb-<name>" requirements are the cubes this one uses: CubicWeb adds them to the instance.
# Keep them in step with pyproject.toml's dependencies, which install them.
__depends__ = {"cubicweb": ">= 5.0.1, < 6.0.0", "cubicweb-web": ">= 1.6.2, < 2.0.0"}
__recommends__: dict[str, str] = {}
