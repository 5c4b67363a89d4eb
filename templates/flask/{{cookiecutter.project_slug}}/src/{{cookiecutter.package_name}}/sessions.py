"""The signed session cookie, opened only when the request carries one.

Flask's ``SecureCookieSessionInterface`` builds its signing serializer (keys, salt, HMAC signer)
on every request, before it looks for the cookie. Most requests (health checks, the JSON API,
static files) carry none: this subclass returns the empty session for them straight away. The
serializer is still built per request when there is a cookie, so ``SECRET_KEY`` and
``SECRET_KEY_FALLBACKS`` are read afresh and key rotation works as in Flask.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class LazyCookieSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # Without a secret, Flask's null session (which refuses writes) is returned as before.
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = LazyCookieSessionInterface()
