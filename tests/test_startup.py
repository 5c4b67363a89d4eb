"""Start-up refusals and boolean settings, the same in every starter.

A start-up failure (the port taken, a deployer's config file that cannot be read or parsed, a
boolean setting that is not one) is one line naming the cause and exit status 2, no traceback.
Every boolean setting listed in the probes ("booleans": variable -> a Python expression that loads
the starter's configuration and gives the value it ended up with) takes true/false, 1/0, yes/no,
on/off in any case, and refuses anything else naming the variable.
"""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from live_server import HOST

from tests.harness import (
    ENV_PREFIX,
    FRAMEWORKS,
    PACKAGE_NAME,
    ProjectEnv,
    framework_info,
    probes,
    production_settings,
    start_server,
    startup_timeout,
)

TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")
SPELLINGS = [case(word) for word in TRUE_WORDS + FALSE_WORDS for case in (str.lower, str.upper)]
SPELLINGS += ["True", "Off", "yEs", " on "]
REFUSED = ["maybe", "2", "-1", "tru", "offf", "enabled", "y"]
# Runs in the project's venv: sets the variable to each value in turn and evaluates the probe's
# expression (``module`` is importlib.import_module, ``env`` the environment).
RUNNER = """
import importlib, json, os, sys
expression, name, values = json.loads(sys.argv[1])
results = []
for value in values:
    os.environ[name] = value
    try:
        result = eval(expression, {"module": importlib.import_module, "env": os.environ})
        results.append({"value": result if isinstance(result, bool) else repr(result)})
    except BaseException as error:
        kinds = [kind.__name__ for kind in type(error).__mro__]
        results.append({"error": kinds, "message": str(error)})
print(json.dumps(results))
"""


def boolean_cases(framework: str) -> list[tuple[str, str]]:
    return [(name, expr) for name, expr in probes(framework).get("booleans", {}).items()]


def evaluate(
    project_env: ProjectEnv, framework: str, name: str, expression: str, values: list[str]
) -> list[dict[str, Any]]:
    variable = ENV_PREFIX + name
    arguments = json.dumps([expression.replace("{package}", PACKAGE_NAME), variable, values])
    result = subprocess.run(
        [str(project_env.bin_dir / "python"), "-c", RUNNER, arguments],
        cwd=project_env.project_dir,
        env=project_env.environ(**production_settings(framework)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_boolean_setting_takes_every_spelling_and_refuses_the_rest(
    project_env: ProjectEnv, framework: str
) -> None:
    cases = boolean_cases(framework)
    if not cases:
        pytest.skip(f"{framework} lists no boolean setting")
    problems = []
    for name, expression in cases:
        results = evaluate(project_env, framework, name, expression, SPELLINGS + REFUSED)
        for value, outcome in zip(SPELLINGS + REFUSED, results, strict=True):
            if value in REFUSED:
                refused = "ConfigError" in outcome.get("error", [])
                if not (refused and ENV_PREFIX + name in outcome["message"]):
                    problems.append(f"{name}={value!r} not refused by name: {outcome}")
                elif "\n" in outcome["message"]:
                    problems.append(f"{name}={value!r}: the error is not one line")
            elif outcome.get("value") is not (value.strip().lower() in TRUE_WORDS):
                problems.append(f"{name}={value!r} gave {outcome}")
    assert problems == [], "\n".join(problems)


def assert_one_line_exit_2(
    project_env: ProjectEnv, settings: dict[str, str], cause: list[str], log: Path
) -> None:
    """The console script with ``settings`` exits 2 with a line naming every word of ``cause``,
    and no traceback."""
    server = start_server(project_env, log, **settings)
    try:
        code = server.wait(startup_timeout(project_env.framework))
    finally:
        server.kill()
    output = server.output()
    assert code == 2, f"exit status {code}:\n{output[-2000:]}"
    assert "Traceback" not in output, output[-2000:]
    named = [line for line in output.splitlines() if all(word in line for word in cause)]
    assert named, f"no line names {cause}:\n{output[-2000:]}"


def test_a_bad_boolean_stops_the_start_with_one_line(
    project_env: ProjectEnv, framework: str, tmp_path: Path
) -> None:
    cases = boolean_cases(framework)
    if not cases:
        pytest.skip(f"{framework} lists no boolean setting")
    name = cases[0][0]
    settings = production_settings(framework) | {name: "maybe"}
    assert_one_line_exit_2(project_env, settings, [ENV_PREFIX + name], tmp_path / "bool.log")


def test_a_port_in_use_stops_the_start_with_one_line(
    project_env: ProjectEnv,
    production_config: dict[str, str],
    tmp_path: Path,
) -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        settings = production_config | {"PORT": port}
        assert_one_line_exit_2(project_env, settings, [port], tmp_path / "port.log")


def bad_config_files(tmp_path: Path) -> dict[str, Path]:
    syntax = tmp_path / "syntax.conf"
    syntax.write_text("[global\nserver.socket_port = = 8080\n", encoding="utf-8")
    not_utf8 = tmp_path / "latin1.conf"
    not_utf8.write_bytes(b"[global]\napp.log_level = 'INFO' # caf\xe9\n")
    folder = tmp_path / "a-folder.conf"
    folder.mkdir()
    return {"syntax": syntax, "not_utf8": not_utf8, "folder": folder, "missing": tmp_path / "no"}


@pytest.mark.parametrize("kind", ["syntax", "not_utf8", "folder", "missing"])
def test_a_bad_config_file_stops_the_start_with_one_line(
    framework: str, kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    variable = probes(framework).get("config_file_env")
    if not variable:
        pytest.skip(f"{framework} reads no deployer config file")
    project_env: ProjectEnv = request.getfixturevalue("project_env")
    path = bad_config_files(tmp_path)[kind]
    settings = production_settings(framework) | {variable: str(path)}
    assert_one_line_exit_2(project_env, settings, [path.name], tmp_path / "config.log")


def test_every_framework_lists_its_booleans() -> None:
    """The suite above can only check what the probes name: each starter names at least one."""
    for name in FRAMEWORKS:
        booleans = framework_info(name)["probes"].get("booleans", {})
        assert booleans, name
        assert all("{package}" in expression for expression in booleans.values()), name
