"""The security headers of every response: one policy, applied by the framework's own hook.

The names and values live here only. The app computes them once at start-up (``load_policy``);
its hook adds them to each response without replacing a header the view set itself, so one view
can loosen its own policy. ``Strict-Transport-Security`` goes only on answers to requests that
came over HTTPS: directly, or through a proxy listed in ``{{ cookiecutter.__env_prefix }}TRUSTED_PROXIES`` that says so
in ``X-Forwarded-Proto``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import settings

# Scripts, styles, images and fonts from this origin only: no inline code, no plugins, forms post
# here only, and no other site may frame the pages (clickjacking).
DEFAULT_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Sent with every response, HTML or not: a JSON body opened in a tab is a page too.
HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), geolocation=(), microphone=()"),
)
# A year, subdomains included: browsers then refuse plain HTTP for the site.
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
# A directive: a lower-case name, then source expressions; printable ASCII, no ';' or ','.
_DIRECTIVE = re.compile(r"[a-z][a-z-]*(?: +[\x21-\x2b\x2d-\x3a\x3c-\x7e]+)*")


def check_content_security_policy(value: Any) -> str:
    """A policy such as ``default-src 'self'; frame-ancestors 'none'``, on one line."""
    directives = [part.strip() for part in str(value).split(";")] if isinstance(value, str) else []
    if not any(directives) or not all(_DIRECTIVE.fullmatch(d) for d in directives if d):
        raise settings.ConfigError(
            f"{settings.env_var('CONTENT_SECURITY_POLICY')} must be directives separated by ';', "
            f"such as \"default-src 'self'; object-src 'none'\", not {value!r}"
        )
    return "; ".join(d for d in directives if d)


def check_trusted_proxies(value: Any) -> frozenset[str]:
    """Comma-separated IP addresses, or ``*`` for any peer (only where nothing else can connect)."""
    text = value if isinstance(value, str) else ""
    names = {name.strip() for name in text.split(",") if name.strip()}
    if names == {"*"}:
        return frozenset(names)
    try:
        return frozenset(str(ipaddress.ip_address(name)) for name in names)
    except ValueError:
        raise settings.ConfigError(
            f"{settings.env_var('TRUSTED_PROXIES')} must be comma-separated IP addresses of "
            f"reverse proxies, or *, not {value!r}"
        ) from None


@dataclass(frozen=True)
class SecurityPolicy:
    """The headers for an answer over plain HTTP and over HTTPS, computed once."""

    content_security_policy: str
    trusted_proxies: frozenset[str]
    plain: tuple[tuple[str, str], ...]
    secure: tuple[tuple[str, str], ...]

    def is_https(self, scheme: str, peer: str | None, forwarded_proto: str | None) -> bool:
        """Did the client use HTTPS? ``scheme`` is the server's own; a proxy's
        ``X-Forwarded-Proto`` counts only when ``peer`` (the connecting address) is trusted."""
        if scheme == "https":
            return True
        if not forwarded_proto or not self.trusted_proxies:
            return False
        if "*" not in self.trusted_proxies and peer not in self.trusted_proxies:
            return False
        # The last value is the trusted proxy's own; earlier ones may come from the client.
        return forwarded_proto.rsplit(",", 1)[-1].strip().lower() == "https"

    def is_https_environ(self, environ: Mapping[str, Any]) -> bool:
        """``is_https`` for a WSGI request."""
        return self.is_https(
            environ.get("wsgi.url_scheme", "http"),
            environ.get("REMOTE_ADDR"),
            environ.get("HTTP_X_FORWARDED_PROTO"),
        )

    def headers(self, https: bool) -> tuple[tuple[str, str], ...]:
        return self.secure if https else self.plain

    def missing(self, https: bool, present: Iterable[str]) -> list[tuple[str, str]]:
        """The policy's headers that are not among ``present`` (names, any case): those a view
        set itself are kept."""
        names = {name.lower() for name in present}
        return [(name, value) for name, value in self.headers(https) if name.lower() not in names]

    @property
    def forwarded_allow_ips(self) -> str:
        """The same trust for gunicorn, which otherwise believes 127.0.0.1 by default."""
        return ",".join(sorted(self.trusted_proxies))

    def waitress_options(self) -> dict[str, Any]:
        """The same trust for waitress, which drops every proxy header from untrusted peers
        and sets the scheme from a trusted one's; it trusts one address (or ``*``) only."""
        if not self.trusted_proxies:
            return {}
        if len(self.trusted_proxies) > 1:
            raise settings.ConfigError(
                f"{settings.env_var('TRUSTED_PROXIES')} must name one address (or *) with "
                f"waitress, which trusts one proxy, not {self.forwarded_allow_ips!r}"
            )
        [proxy] = self.trusted_proxies
        return {"trusted_proxy": proxy, "trusted_proxy_headers": {"x-forwarded-proto"}}


def load_policy(environ: Mapping[str, str] | None = None) -> SecurityPolicy:
    """The policy from ``{{ cookiecutter.__env_prefix }}CONTENT_SECURITY_POLICY`` and ``{{ cookiecutter.__env_prefix }}TRUSTED_PROXIES``, checked.

    Raises ``settings.ConfigError`` with one line naming the variable.
    """

    def read(name: str) -> str | None:
        if environ is None:
            return settings.from_environ(name)
        return environ.get(settings.env_var(name))

    csp = check_content_security_policy(
        read("CONTENT_SECURITY_POLICY") or DEFAULT_CONTENT_SECURITY_POLICY
    )
    plain = (*HEADERS, ("Content-Security-Policy", csp))
    trusted = check_trusted_proxies(read("TRUSTED_PROXIES"))
    return SecurityPolicy(csp, trusted, plain, (*plain, HSTS))
