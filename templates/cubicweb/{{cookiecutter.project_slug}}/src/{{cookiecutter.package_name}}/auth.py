"""Authentication: CubicWeb's cookie policies, plus HTTP Basic credentials for API clients.

Listed in ``cubicweb.includes`` in place of ``cubicweb.pyramid.auth``, which it includes: the
policy set here, being closer to the configuration's root, wins over CubicWeb's (Pyramid's
conflict resolution). Basic credentials are checked by the repository's own authentication
(``Repository.authenticate_user``: its sources, password hashes and user states), as CubicWeb's
login form does; the user's groups and session then come from CubicWeb's ``get_principals``.
"""

from __future__ import annotations

from typing import Any

from cubicweb import AuthenticationError
from cubicweb.pyramid.core import get_principals
from pyramid.authentication import extract_http_basic_credentials
from pyramid.config import Configurator
from pyramid.interfaces import IAuthenticationPolicy
from pyramid.request import Request
from pyramid.settings import asbool
from pyramid_multiauth import MultiAuthenticationPolicy
from zope.interface import implementer


def basic_auth_eid(request: Request) -> int | None:
    """The eid of the user whose Basic credentials the request carries, if they are valid."""
    credentials = extract_http_basic_credentials(request)
    if credentials is None:
        return None
    repo = request.registry["cubicweb.repository"]
    try:
        with repo.internal_cnx() as cnx:
            user = repo.authenticate_user(cnx, credentials.username, password=credentials.password)
    except AuthenticationError:
        return None
    return int(user.eid)


def has_basic_credentials(request: Request) -> bool:
    """Whether the request sends Basic credentials at all (valid or not)."""
    return extract_http_basic_credentials(request) is not None


@implementer(IAuthenticationPolicy)
class BasicAuthenticationPolicy:
    """Stateless: nothing to remember or forget, the client sends its credentials every time."""

    def authenticated_userid(self, request: Request) -> int | None:
        eid: int | None = request.basic_auth_eid
        return eid

    unauthenticated_userid = authenticated_userid

    def effective_principals(self, request: Request) -> list[Any]:
        return []

    def remember(self, request: Request, userid: Any, **kw: Any) -> list[tuple[str, str]]:
        return []

    def forget(self, request: Request) -> list[tuple[str, str]]:
        return []


def includeme(config: Configurator) -> None:
    config.include("cubicweb.pyramid.auth")
    # Reified: the password hash is checked once per request, however often it is asked for.
    config.add_request_method(basic_auth_eid, "basic_auth_eid", reify=True)
    cubicweb_policies = [
        policy for _, policy in config.registry["cubicweb.authpolicy"].get_policies()
    ]
    groups = asbool(config.registry.settings.get("cubicweb.auth.groups_principals", True))
    # Basic first: a request that sends credentials is judged by them, not by a stray cookie.
    policy = MultiAuthenticationPolicy(
        [BasicAuthenticationPolicy(), *cubicweb_policies],
        callback=get_principals if groups else None,
    )
    config.registry["cubicweb.authpolicy"] = policy
    config.set_authentication_policy(policy)
