"""Add the chosen framework's files and the local secret. Cookiecutter renders this file, then runs it."""

import json
import os
import sys

REPO_DIR = r"""{{ starter_repo_dir() }}"""
sys.path[:0] = [REPO_DIR, os.path.join(REPO_DIR, "hooks")]

from assembly import assemble  # noqa: E402

assemble(json.loads(r"""{{ cookiecutter | tojson }}"""), REPO_DIR)
