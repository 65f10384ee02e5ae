"""Who is calling: a Bearer token (the phone client) or the browser session (pages that fetch JSON).

Tokens come from `POST /api/v1/auth/token` and go through the same lock-out and audit as the login
page (accounts.services). The two are separate paths (issue 12, hole 2): a request that carries
an `Authorization` header is judged by that header alone, so a wrong, expired, empty or
non-Bearer credential is refused outright with 401 and never falls back to a session cookie that
happens to travel with it; a request without the header is a session request, and the session
middleware has already applied its idle and absolute time-outs.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.services import api_token_issue, api_token_revoke, api_token_user
from qiaomen.api.errors import FORBIDDEN_MESSAGE, responses
from qiaomen.core.errors import Forbidden


def presented_token(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class BearerAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> User | None:
        if "Authorization" not in request.headers:
            return None  # the session path (SessionAuth, next in API_AUTH)
        token = presented_token(request)
        if token is None:
            raise AuthenticationError  # another scheme, or "Bearer" with nothing after it
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        # Unknown, expired and revoked tokens and disabled users all look alike to the caller.
        user = api_token_user(token)
        if user is None:
            raise AuthenticationError
        return user


class PageSessionAuth(SessionAuth):
    """The browser session of the staff pages. A temporary password (after a reset) opens only
    the password change page, so its session reaches no API operation either."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if isinstance(user, User) and user.must_change_password:
            return None
        return user  # type: ignore[return-value]


# Session requests keep Django's CSRF check for unsafe methods (ninja's SessionAuth does it);
# Bearer requests need none, as no browser attaches the header by itself.
API_AUTH = [BearerAuth(), PageSessionAuth()]


def api_user(request: HttpRequest) -> User:
    """The caller of an operation that passed API_AUTH (set by ninja as request.auth)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


def api_user_with(request: HttpRequest, capability: Capability) -> User:
    """The caller if their role has `capability`; 403 before any record is looked up, so that a
    refused role cannot tell records that exist from those that do not."""
    user = api_user(request)
    if not user.can(capability):
        raise Forbidden("forbidden", FORBIDDEN_MESSAGE)
    return user


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    # Bounded so that nobody makes the server hash megabytes with Argon2.
    password: str = Field(min_length=1, max_length=1024)
    # The second factor: required for admin roles and for anyone who has set up an authenticator
    # (six digits, or one of the recovery codes).
    otp: str = Field(default="", max_length=32)


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


router = Router(tags=["auth"])


@router.post("/token", auth=None, response=responses(TokenOut, 400, 403, 422), url_name="auth_token")
def token_issue(request: HttpRequest, credentials: TokenIn) -> dict[str, object]:
    """Exchange a username and password for a Bearer token (shown once, only its hash is kept).

    Failures, lock-out and per-IP throttling all answer 403 with one generic message; a missing or
    wrong second factor answers 403 `second_factor_failed`, an admin without an authenticator
    403 `second_factor_enrolment_needed`.
    """
    token, record = api_token_issue(
        username=credentials.username, password=credentials.password, otp=credentials.otp, request=request
    )
    return {"token": token, "expires_at": record.expires_at}


@router.post("/revoke", auth=BearerAuth(), response=responses(None, 401, ok_status=204), url_name="auth_revoke")
def token_revoke(request: HttpRequest) -> Status[None]:
    """Revoke the token this request presents; it stops working at once."""
    api_token_revoke(token=cast(str, presented_token(request)), user=api_user(request), request=request)
    return Status(204, None)
