"""Add the chosen framework's files and the local secret, then say what to do next.

Cookiecutter renders this file, then runs it.
"""

import json
import os
import sys

REPO_DIR = r"""{{ starter_repo_dir() }}"""
sys.path[:0] = [REPO_DIR, os.path.join(REPO_DIR, "hooks")]

from assembly import assemble  # noqa: E402
from next_steps import print_next_steps  # noqa: E402

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
assemble(ANSWERS, REPO_DIR)
print_next_steps(ANSWERS, REPO_DIR)
