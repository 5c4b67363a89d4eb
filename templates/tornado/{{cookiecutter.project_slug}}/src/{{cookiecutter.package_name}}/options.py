"""Configuration with ``tornado.options``.

Layers, each overriding the one before: the defaults given to ``define`` (from
``settings.DEFAULTS``), the config file for the environment (``config/<environment>.py``, shipped
in the package), the command line, then environment variables named ``{{ cookiecutter.__env_prefix }}<OPTION>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tornado.log import define_logging_options
from tornado.options import Error as OptionsError
from tornado.options import OptionParser

from . import settings
from .settings import ConfigError, env_var

CONFIG_DIR = Path(__file__).resolve().parent / "config"
GROUP = "application"
# Tornado's own ``--logging`` option is set by the contract's LOG_LEVEL variable.
ENVIRON_NAMES = {"logging": "LOG_LEVEL"}
# The contract's checks give the same one-line message in every framework.
CONTRACT_CHECKS: dict[str, Callable[[Any], Any]] = {
    "host": settings.check_host,
    "port": settings.check_port,
    "logging": settings.check_log_level,
}


def define_options(parser: OptionParser) -> None:
    """Declare the application's options on ``parser`` (the global ``options`` in production)."""
    if "logging" not in parser:
        define_logging_options(parser)
    parser.logging = settings.DEFAULTS["LOG_LEVEL"].lower()

    def define(name: str, default: Any, description: str, kind: type) -> None:
        parser.define(name, default=default, type=kind, help=description, group=GROUP)

    define("host", settings.DEFAULTS["HOST"], "interface to listen on", str)
    define("port", settings.DEFAULTS["PORT"], "port to listen on", int)
    define("secret_key", None, "signs secure cookies; required in production", str)
    define("debug", False, "autoreload, tracebacks in error responses, no template cache", bool)
    define(
        "access_log",
        True,
        "log every request to tornado.access; off: only failed ones (4xx, 5xx)",
        bool,
    )
    define("processes", 1, "worker processes, 0 = one per CPU (production only)", int)
    define("poll_timeout", 60.0, "seconds a long poll waits before answering with nothing", float)
    define("max_waiters", 10_000, "most clients waiting on the feed (long polls + WebSockets)", int)
    define("history", 200, "messages the feed keeps", int)
    define("upstream_url", None, "base URL of the upstream HTTP service", str)
    define("upstream_connect_timeout", 2.0, "seconds to connect to the upstream", float)
    define("upstream_request_timeout", 5.0, "seconds for a whole upstream request", float)
    define("max_clients", 10, "concurrent upstream requests (AsyncHTTPClient max_clients)", int)
    define("max_body_size", 1024 * 1024, "largest request body in bytes (413 above it)", int)
    define(
        "max_header_size",
        256 * 1024,
        "bytes of request line + headers the server reads (closes the connection above it)",
        int,
    )


def new_parser() -> OptionParser:
    parser = OptionParser()
    define_options(parser)
    return parser


def config_file(environment: str) -> Path:
    return CONFIG_DIR / f"{environment}.py"


def environ_name(option: str) -> str:
    return env_var(ENVIRON_NAMES.get(option, option.upper()))


def apply_environ(parser: OptionParser, environ: Mapping[str, str]) -> None:
    """Set options from prefixed environment variables, parsed like their command-line flags."""
    for option in [*parser.group_dict(GROUP), *ENVIRON_NAMES]:
        name = environ_name(option)
        raw = environ.get(name)
        if raw is None:
            continue
        if option in CONTRACT_CHECKS:
            raw = str(CONTRACT_CHECKS[option](raw))
        try:
            parser.parse_command_line(["", f"--{option}={raw}"], final=False)
        except (OptionsError, ValueError) as error:
            raise ConfigError(f"{name} has a bad value {raw!r}: {error}") from None


def check(parser: OptionParser) -> None:
    """Validate the layered result: every rule names the variable that sets the option."""
    parser.host = settings.check_host(parser.host)
    parser.port = settings.check_port(parser.port)
    parser.logging = settings.check_log_level(parser.logging).lower()
    rules = {
        "processes": parser.processes >= 0,
        "poll_timeout": parser.poll_timeout > 0,
        "max_waiters": parser.max_waiters >= 1,
        "history": parser.history >= 1,
        "upstream_connect_timeout": parser.upstream_connect_timeout > 0,
        "upstream_request_timeout": parser.upstream_request_timeout > 0,
        "max_clients": parser.max_clients >= 1,
        "max_body_size": parser.max_body_size >= 1,
        "max_header_size": parser.max_header_size >= 1,
    }
    for option, ok in rules.items():
        if not ok:
            value = getattr(parser, option)
            raise ConfigError(f"{environ_name(option)} must be positive, not {value!r}")
    if parser.debug and parser.processes != 1:
        # Tornado's autoreload cannot supervise forked workers.
        raise ConfigError(f"{environ_name('processes')} must be 1 when debug is on")
    if parser.upstream_url and not parser.upstream_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"{environ_name('upstream_url')} must be an http:// or https:// URL, "
            f"not {parser.upstream_url!r}"
        )


def load_options(
    environment: str,
    argv: Sequence[str] = ("",),
    environ: Mapping[str, str] | None = None,
    parser: OptionParser | None = None,
) -> OptionParser:
    """Layer the configuration for ``environment``; raise ConfigError on a bad value.

    Parse callbacks (tornado's logging set-up) are not run here: the caller runs them once the
    whole configuration is known to be valid, so an error is the only output.
    """
    parser = parser if parser is not None else new_parser()
    parser.parse_config_file(str(config_file(environment)), final=False)
    try:
        extra = parser.parse_command_line(list(argv), final=False)
    except (OptionsError, ValueError) as error:
        raise ConfigError(f"command line: {error}") from None
    if extra:
        raise ConfigError(f"command line: unexpected argument {extra[0]!r}")
    apply_environ(parser, environ if environ is not None else {})
    check(parser)
    parser.secret_key = settings.resolve_secret_key(environment, parser.secret_key)
    return parser
