"""Refuse bad answers before anything is written. Cookiecutter renders this file, then runs it."""

import json
import os
import sys

REPO_DIR = r"""{{ starter_repo_dir() }}"""
sys.path.insert(0, os.path.join(REPO_DIR, "hooks"))

from answers import refuse_bad_answers  # noqa: E402

refuse_bad_answers(json.loads(r"""{{ cookiecutter | tojson }}"""))
