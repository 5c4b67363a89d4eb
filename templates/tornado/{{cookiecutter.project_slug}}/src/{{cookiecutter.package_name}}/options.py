"""Configuration with ``tornado.options``.

Layers, each overriding the one before: the defaults given to ``define``, the config file for the
environment (``config/<environment>.py``, shipped in the package), environment variables named
``{{ cookiecutter.__env_prefix }}<OPTION>``, then the command line. ``--help`` shows the values the
first three layers give.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tornado.options import Error as OptionsError
from tornado.options import OptionParser

from . import settings
from .settings import ConfigError, env_var

CONFIG_DIR = Path(__file__).resolve().parent / "config"
GROUP = "application"
COMMANDS = ("serve", "migrate")
# The contract's LOG_LEVEL sets the option tornado calls ``logging``.
ENVIRON_NAMES = {"logging": "LOG_LEVEL"}
# Never shown by --help: the value may be a secret.
HIDDEN = ("secret_key",)

# name: (built-in default, type, help). Tornado's bool parser takes anything but false/0/f as
# true, so booleans are parsed here first (parse_bool).
OPTIONS: dict[str, tuple[Any, type, str]] = {
    "host": (settings.DEFAULTS["HOST"], str, "interface to listen on"),
    "port": (settings.DEFAULTS["PORT"], int, "port to listen on"),
    "logging": (settings.DEFAULTS["LOG_LEVEL"].lower(), str, "log level: debug, info, warning..."),
    "secret_key": (None, str, "signs secure cookies; required in production"),
    "debug": (False, bool, "autoreload, tracebacks in error responses; never in production"),
    "access_log": (True, bool, "log every request; off: only failed ones (4xx, 5xx)"),
    "workers": (1, int, "production worker processes (1-64); more than 1 needs redis_url"),
    "database_url": (None, str, "SQLAlchemy URL; default: var/<environment>.sqlite3"),
    "redis_url": (None, str, "Redis for the feed's events between processes"),
    "xheaders": (False, bool, "trust X-Real-Ip / X-Forwarded-For from a reverse proxy"),
    "trusted_downstream": ("", str, "comma-separated proxy addresses skipped in X-Forwarded-For"),
    "poll_timeout": (60.0, float, "seconds a long poll waits before answering with nothing"),
    "max_waiters": (10_000, int, "most feed clients (long polls + WebSockets) per process"),
    "history": (200, int, "most messages in one answer, and messages cached per process"),
    "upstream_url": (None, str, "base URL of the upstream HTTP service"),
    "upstream_connect_timeout": (2.0, float, "seconds to connect to the upstream"),
    "upstream_request_timeout": (5.0, float, "seconds for a whole upstream request"),
    "max_clients": (10, int, "concurrent upstream requests (AsyncHTTPClient max_clients)"),
    "max_body_size": (1024 * 1024, int, "largest request body in bytes (413 above it)"),
    "max_header_size": (256 * 1024, int, "bytes of request line + headers the server reads"),
}
POSITIVE = (
    "poll_timeout",
    "max_waiters",
    "history",
    "upstream_connect_timeout",
    "upstream_request_timeout",
    "max_clients",
    "max_body_size",
    "max_header_size",
)


def new_parser(defaults: Mapping[str, Any] | None = None) -> OptionParser:
    """A parser with the application's options; ``defaults`` replace the built-in ones."""
    parser = OptionParser()
    for name, (default, kind, description) in OPTIONS.items():
        default = (defaults or {}).get(name, default)
        parser.define(name, default=default, type=kind, help=description, group=GROUP)
    return parser


def config_file(environment: str) -> Path:
    return CONFIG_DIR / f"{environment}.py"


def environ_name(option: str) -> str:
    return env_var(ENVIRON_NAMES.get(option, option.upper()))


def parse_bool(raw: str, name: str) -> bool:
    """The shared rule (settings.as_bool); ``name`` is the variable or the ``--flag``."""
    flag = settings.as_bool(raw)
    if flag is None:
        raise ConfigError(f"{name} {settings.BOOL_RULE}, not {raw!r}")
    return flag


def apply_environ(parser: OptionParser, environ: Mapping[str, str]) -> None:
    """Set options from prefixed environment variables, parsed like their command-line flags."""
    for option, (_, kind, _) in OPTIONS.items():
        name = environ_name(option)
        raw = environ.get(name)
        if raw is None:
            continue
        if kind is bool:
            setattr(parser, option, parse_bool(raw, name))
            continue
        try:
            parser.parse_command_line(["", f"--{option}={raw}"], final=False)
        except (OptionsError, ValueError):
            kind_name = {int: "a whole number", float: "a number"}.get(kind, "text")
            raise ConfigError(f"{name} must be {kind_name}, not {raw!r}") from None


def split_command(argv: Sequence[str]) -> tuple[str, list[str]]:
    """``[serve|migrate] [--option=value ...]``: the command (serve by default) and the flags."""
    args = list(argv[1:])
    command = "serve"
    if args and not args[0].startswith("-"):
        command = args.pop(0)
        if command not in COMMANDS:
            raise ConfigError(
                f"usage: unknown command {command!r}; commands: {', '.join(COMMANDS)} (see --help)"
            )
    return command, args


def print_help(parser: OptionParser, program: str) -> None:
    out = io.StringIO()
    parser.print_help(out)
    usage = f"Usage: {program} [{'|'.join(COMMANDS)}] [OPTIONS]\n"
    sys.stdout.write(usage + out.getvalue().split("\n", 1)[1])


def parse_flags(layered: OptionParser, flags: list[str], program: str) -> dict[str, Any]:
    """The options given on the command line, parsed by tornado.options; ``--help`` prints the
    options with the layered values as defaults and exits 0."""
    shown = {name: value for name, value in layered.as_dict().items() if name not in HIDDEN}
    if shown.get("database_url"):
        shown["database_url"] = settings.check_database_url(shown["database_url"]).redacted()
    parser = new_parser(shown)
    given: list[str] = []
    normalized = []
    for flag in flags:
        name, equals, value = flag.removeprefix("--").partition("=")
        name = name.replace("-", "_")
        if flag in ("--help", "-h"):
            print_help(parser, program)
            raise SystemExit(0)
        if not flag.startswith("--") or name not in OPTIONS:
            raise ConfigError(f"usage: unknown argument {flag!r} (see {program} --help)")
        if OPTIONS[name][1] is bool and equals:
            value = str(parse_bool(value, f"--{name}")).lower()
        given.append(name)
        normalized.append(f"--{name}{equals}{value}")
    try:
        parser.parse_command_line(["", *normalized], final=False)
    except (OptionsError, ValueError) as error:
        raise ConfigError(f"usage: {error}") from None
    return {name: getattr(parser, name) for name in given}


def check(parser: OptionParser, environment: str) -> None:
    """Validate the layered result: every rule names the variable that sets the option."""
    parser.host = settings.check_host(parser.host)
    parser.port = settings.check_port(parser.port)
    parser.logging = settings.check_log_level(parser.logging).lower()
    parser.workers = settings.check_workers(parser.workers)
    for option in POSITIVE:
        if getattr(parser, option) <= 0:
            value = getattr(parser, option)
            raise ConfigError(f"{environ_name(option)} must be positive, not {value!r}")
    if parser.debug and environment == "production":
        raise ConfigError(f"{environ_name('debug')} must be off in production")
    if parser.debug and parser.workers != 1:
        # Tornado's autoreload cannot supervise forked workers.
        raise ConfigError(f"{environ_name('workers')} must be 1 when debug is on")
    if parser.workers > 1 and not parser.redis_url:
        raise ConfigError(
            f"{environ_name('workers')}={parser.workers} needs {environ_name('redis_url')}: "
            "without it a message posted to one worker would not reach the others' clients"
        )
    if parser.redis_url:
        settings.check_redis_url(parser.redis_url)
    parser.database_url = settings.check_database_url(
        parser.database_url or settings.default_database_url(environment)
    ).url
    if parser.upstream_url and not parser.upstream_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"{environ_name('upstream_url')} must be an http:// or https:// URL, "
            f"not {parser.upstream_url!r}"
        )


def load_options(
    environment: str,
    argv: Sequence[str] = ("",),
    environ: Mapping[str, str] | None = None,
) -> tuple[str, OptionParser]:
    """The command and the layered options for ``environment``; ConfigError on a bad value."""
    command, flags = split_command(argv)
    parser = new_parser()
    parser.parse_config_file(str(config_file(environment)), final=False)
    apply_environ(parser, environ if environ is not None else {})
    program = Path(argv[0]).name if argv and argv[0] else "{{ cookiecutter.project_slug }}"
    for name, value in parse_flags(parser, flags, program).items():
        setattr(parser, name, value)
    check(parser, environment)
    parser.secret_key = settings.resolve_secret_key(environment, parser.secret_key)
    return command, parser
