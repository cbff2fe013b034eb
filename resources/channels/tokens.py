"""The shop's credentials inside a channel client: app key/secret, the seller's token, its refresh.

Settings come from the environment through resources/env.py (a set variable is a dg.EnvVar, resolved at run
time and never shown in the UI); refreshed tokens live in the secrets file (orderhub/sources/credentials.py).
Each platform says how to refresh (`_refresh_call`) and exchange an authorization code (`_create_call`), and
how long before expiry a refresh is due (`refresh_margin`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import dagster as dg
import requests
from pydantic import Field, PrivateAttr

from orderhub.calllog import CallLog
from orderhub.http import ApiError
from orderhub.sources.credentials import ShopToken, TokenStore, effective, fingerprint, parse_time, secrets_path
from orderhub.sources.errors import AuthorizationError, PlatformError

log = logging.getLogger(__name__)


class ShopAuthorization(dg.ConfigurableResource):
    channel: str = Field(description="OrderHub channel code: taobao | douyin | pdd | jd")
    shop_id: str = Field(description="OrderHub's id of the shop these credentials belong to")
    app_key: str = Field(description="App key (PDD: client_id)")
    app_secret: str = Field(description="App secret used for signing; pass as EnvVar")
    access_token: str = Field(default="", description="The seller's authorization token (TOP: session); EnvVar")
    token_expires_at: str = Field(default="", description="When access_token expires (ISO or epoch s); empty = unknown")
    refresh_token: str = Field(default="", description="Refresh token, where the platform issues one; EnvVar")
    refresh_token_expires_at: str = Field(default="", description="When the refresh token expires; empty = unknown")
    secrets_file: str = Field(
        default="",
        description="JSON token store (refreshed tokens are written here); empty = $ORDERHUB_SECRETS_FILE, "
        "else $ORDERHUB_HOME/secrets/shops.json",
    )

    refresh_margin: ClassVar[timedelta] = timedelta(days=1)
    refreshable: ClassVar[bool] = True
    oauth_note: ClassVar[str] = ""

    _auth_failure: str | None = PrivateAttr(default=None)
    _auth_ok: bool = PrivateAttr(default=False)

    # ---- what callers and `orderhub shops` read --------------------------------------------------
    @property
    def authorization_failure(self) -> str | None:
        """Why the platform refused this shop's token during this client's life (None = it did not)."""
        return self._auth_failure

    @property
    def authorization_ok(self) -> bool:
        """A call with this shop's token succeeded during this client's life."""
        return self._auth_ok

    def token_warning(self) -> str | None:
        """'token expires <when>' when the token will lapse within `refresh_margin` and cannot be refreshed."""
        try:
            token = self.current_token()
        except ApiError:
            return None
        now = self._now()
        if token.expires_at is None or not token.refresh_due(now, self.refresh_margin):
            return None
        if self.refreshable and token.can_refresh(now):
            return None
        return f"the authorization token expires {token.expires_at:%Y-%m-%d %H:%M}Z and cannot be refreshed"

    def store(self) -> TokenStore:
        return TokenStore(secrets_path(self.secrets_file))

    def configured_token(self) -> ShopToken:
        return ShopToken(
            access_token=self.access_token,
            expires_at=parse_time(self.token_expires_at),
            refresh_token=self.refresh_token,
            refresh_expires_at=parse_time(self.refresh_token_expires_at),
            source="environment",
        )

    def current_token(self) -> ShopToken:
        """The token calls use now: the stored successor of the configured token, else the configured one."""
        try:
            stored = self.store().get(self.channel, self.shop_id)
        except ValueError as exc:
            raise ApiError(self.channel, "credentials", str(exc)) from exc
        return effective(self.configured_token(), stored)

    def refresh_now(self, calls: CallLog) -> ShopToken:
        """Refresh this shop's token now (`orderhub shops refresh`); raises ApiError if it cannot."""
        token = self.current_token()
        if not token.can_refresh(self._now()):
            raise ApiError(self.channel, "token refresh", "no usable refresh token: re-authorize the shop")
        with self._session() as session:
            new = self._refresh(session, calls, token, forced=True)
        if new is None:
            raise ApiError(self.channel, "token refresh", "the platform did not issue a new token")
        return new

    def authorize(self, code: str, calls: CallLog) -> ShopToken:
        """Exchange an authorization code the seller got from the platform for tokens, and store them."""
        with self._session() as session:
            data = self._create_call(session, code, calls)
        token = self._token_from(data, origin=fingerprint(self.access_token))
        with self.store().locked():
            self.store().put(self.channel, self.shop_id, token)
        return replace(token, source="secrets file")

    # ---- used by _call ---------------------------------------------------------------------------
    def _now(self) -> datetime:
        return datetime.now(UTC)

    def _fail_fast(self, endpoint: str) -> None:
        if self._auth_failure is not None:
            raise AuthorizationError(self.channel, self.shop_id, endpoint, self._auth_failure)

    def _usable_token(self, session: requests.Session, calls: CallLog) -> ShopToken:
        token = self.current_token()
        if self.refreshable and token.refresh_due(self._now(), self.refresh_margin) and token.can_refresh(self._now()):
            token = self._refresh(session, calls, token) or token
        return token

    def _refresh(
        self, session: requests.Session, calls: CallLog, token: ShopToken, forced: bool = False
    ) -> ShopToken | None:
        """Refresh under the secrets-file lock; another process may have refreshed already (then use its)."""
        if not self.refreshable:
            return None
        store = self.store()
        try:
            with store.locked():
                latest = self.current_token()
                if latest.access_token != token.access_token:
                    return latest
                data = self._refresh_call(session, token, calls)
                new = self._token_from(data, origin=token.origin or fingerprint(token.access_token), previous=token)
                store.put(self.channel, self.shop_id, new)
                return replace(new, source="secrets file")
        except ApiError as exc:
            if forced:
                log.warning("%s/%s token refresh failed: %s", self.channel, self.shop_id, exc)
            return None
        except OSError as exc:  # unwritable store: the new token still serves this process
            log.warning("%s/%s refreshed token not saved: %s", self.channel, self.shop_id, exc)
            return None

    def _token_from(self, data: dict[str, Any], origin: str, previous: ShopToken | None = None) -> ShopToken:
        now = self._now()

        def when(at: Any, seconds: Any) -> datetime | None:
            if at not in (None, "", 0):
                return parse_time(at)
            # some platforms return seconds-to-live, others an absolute epoch in the same field
            if seconds not in (None, "") and int(seconds) > 0:
                n = int(seconds)
                return parse_time(n) if n > 10**9 else now + timedelta(seconds=n)
            return None

        if not data.get("access_token"):
            raise ApiError(self.channel, "token", f"no access_token in the platform's answer: {list(data)}")
        return ShopToken(
            access_token=str(data["access_token"]),
            expires_at=when(data.get("expires_at") or data.get("expire_time"), data.get("expires_in")),
            refresh_token=str(data.get("refresh_token") or (previous.refresh_token if previous else "")),
            refresh_expires_at=when(
                data.get("refresh_token_expires_at") or data.get("refresh_token_valid_time"),
                data.get("refresh_token_expires_in", data.get("re_expires_in")),
            ),
            source="secrets file",
            origin=origin,
        )

    def _authorized(self, token: ShopToken) -> None:
        self._auth_ok = True
        if token.invalid_at is not None:  # the platform accepts it again (e.g. a lapsed grant was renewed)
            self.store().clear_invalid(self.channel, self.shop_id, token)

    def _unauthorized(self, endpoint: str, token: ShopToken, err: PlatformError) -> AuthorizationError:
        self._auth_failure = err.describe()
        self.store().mark_invalid(self.channel, self.shop_id, token, self._auth_failure)
        return AuthorizationError(self.channel, self.shop_id, endpoint, err)

    # ---- per platform ----------------------------------------------------------------------------
    def _refresh_call(self, session: requests.Session, token: ShopToken, calls: CallLog) -> dict[str, Any]:
        raise ApiError(self.channel, "token refresh", "this platform's tokens cannot be refreshed through the API")

    def _create_call(self, session: requests.Session, code: str, calls: CallLog) -> dict[str, Any]:
        raise ApiError(self.channel, "token create", "authorization codes are not supported for this platform")
