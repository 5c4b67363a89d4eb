"""The shared security policy: its values, its settings and when HSTS is sent."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.security_headers import (
    DEFAULT_CONTENT_SECURITY_POLICY,
    HSTS,
    load_policy,
)

CSP = settings.env_var("CONTENT_SECURITY_POLICY")
PROXIES = settings.env_var("TRUSTED_PROXIES")


def test_the_default_policy() -> None:
    policy = load_policy({})
    assert dict(policy.plain)["Content-Security-Policy"] == DEFAULT_CONTENT_SECURITY_POLICY
    assert HSTS not in policy.plain
    assert policy.secure == (*policy.plain, HSTS)


def test_the_policy_is_configurable() -> None:
    policy = load_policy({CSP: " default-src 'none' ;  img-src 'self' data: ; "})
    expected = "default-src 'none'; img-src 'self' data:"
    assert dict(policy.plain)["Content-Security-Policy"] == expected


@pytest.mark.parametrize(
    "value", ["42", "default-src 'self'\r\nX-Injected: 1", "default-src 'self', img-src *", ";"]
)
def test_a_bad_policy_is_one_line_naming_the_variable(value: str) -> None:
    with pytest.raises(settings.ConfigError, match=CSP) as raised:
        load_policy({CSP: value})
    assert "\n" not in str(raised.value).replace(repr(value), "")


@pytest.mark.parametrize("value", ["proxy.local", "10.0.0.300", "*, 10.0.0.1"])
def test_trusted_proxies_are_ip_addresses_or_a_star(value: str) -> None:
    with pytest.raises(settings.ConfigError, match=PROXIES):
        load_policy({PROXIES: value})


def test_hsts_only_when_the_request_came_over_https() -> None:
    untrusting = load_policy({})
    assert untrusting.is_https("https", "203.0.113.9", None)
    assert not untrusting.is_https("http", "127.0.0.1", "https")
    trusting = load_policy({PROXIES: "10.0.0.2, ::1"})
    assert trusting.is_https("http", "10.0.0.2", "https")
    assert trusting.is_https("http", "::1", "http, HTTPS")
    assert not trusting.is_https("http", "::1", "https, http")
    assert not trusting.is_https("http", "10.0.0.3", "https")
    assert not trusting.is_https("http", "10.0.0.2", "http")
    assert not trusting.is_https("http", "10.0.0.2", None)
    assert load_policy({PROXIES: "*"}).is_https("http", "198.51.100.7", "https")
    environ = {"wsgi.url_scheme": "http", "REMOTE_ADDR": "10.0.0.2"}
    assert trusting.is_https_environ({**environ, "HTTP_X_FORWARDED_PROTO": "https"})
    assert not trusting.is_https_environ(environ)


def test_headers_a_view_set_are_kept() -> None:
    policy = load_policy({})
    missing = dict(policy.missing(True, ["content-security-policy", "X-Frame-Options"]))
    assert "Content-Security-Policy" not in missing and "X-Frame-Options" not in missing
    assert missing[HSTS[0]] == HSTS[1]
    assert len(missing) == len(policy.secure) - 2


def test_the_servers_trust_the_same_proxies() -> None:
    assert load_policy({}).forwarded_allow_ips == ""
    assert load_policy({}).waitress_options() == {}
    one = load_policy({PROXIES: "10.0.0.2"})
    assert one.forwarded_allow_ips == "10.0.0.2"
    assert one.waitress_options()["trusted_proxy"] == "10.0.0.2"
    with pytest.raises(settings.ConfigError, match=PROXIES):
        load_policy({PROXIES: "10.0.0.2,10.0.0.3"}).waitress_options()
