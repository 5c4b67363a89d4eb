"""Custom `flask` commands, e.g. `flask --app {{ cookiecutter.package_name }} show-config`.

Flask-Migrate adds `flask --app {{ cookiecutter.package_name }} db ...` (upgrade, migrate, check, history).
"""

from __future__ import annotations

import json

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .config import masked


@click.command("show-config")
@click.option("--key", "keys", multiple=True, help="Show only this key (repeatable).")
@with_appcontext
def show_config(keys: tuple[str, ...]) -> None:
    """Print the effective configuration as JSON, with the secrets masked."""
    config = masked(current_app.config)
    unknown = [key for key in keys if key not in config]
    if unknown:
        raise click.BadParameter(f"no such key: {', '.join(unknown)}", param_hint="--key")
    shown = {key: config[key] for key in keys} if keys else config
    # default=str: timedeltas and the like are shown as text.
    click.echo(json.dumps(shown, indent=2, sort_keys=True, ensure_ascii=False, default=str))


def init_app(app: Flask) -> None:
    app.cli.add_command(show_config)
