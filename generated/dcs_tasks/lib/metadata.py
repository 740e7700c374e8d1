"""Temporary credentials from the cloud metadata service, got and refreshed as the vendor SDK does.

On an ECS server with an agency, ``GET {url}/openstack/latest/securitykey`` answers
``{"credential": {"access", "secret", "securitytoken", "expires_at"}}``. A session token comes
first (``PUT {url}/meta-data/latest/api/token``, sent back as ``X-Metadata-Token``); a service
without session tokens (404, 405 or 503 to the ``PUT``) is asked without one. The keys are fetched
on first use and again once less than ``refresh_before`` seconds (40 minutes, the vendor's
threshold) remain; a failed refresh keeps the current keys while they are still valid.

Opt-in (see ``config.py``): a client uses the metadata service only when given
``MetadataCredentials(...)`` or when ``DCS_METADATA_URL`` is set, so a laptop without one never
waits on ``169.254.169.254``. Requests to it never go through a proxy.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from .credentials import Credentials
from .errors import CredentialsError
from .logs import logger
from .variables import METADATA_URL_VARIABLE, checked_url, environment, variable

DEFAULT_URL = "http://169.254.169.254"
TOKEN_PATH = "/meta-data/latest/api/token"  # noqa: S105 - a path, not a token
SECURITY_KEY_PATH = "/openstack/latest/securitykey"
REFRESH_BEFORE = 40 * 60.0
SESSION_TOKEN_TTL = 6 * 3600
NO_SESSION_TOKENS = frozenset({404, 405, 503})  # the service predates session tokens: ask without one
AGENCY_MISSING = "Please configure Cloud Service Agency first"


class MetadataCredentials:
    """AK/SK + security token of the server's agency, from the metadata service at ``url``.

    ``url`` defaults to ``DCS_METADATA_URL``, else ``http://169.254.169.254``; ``timeout`` bounds
    each request to it (seconds); ``clock`` (epoch seconds) and ``transport`` are for tests.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        project_id: str | None = None,
        refresh_before: float = REFRESH_BEFORE,
        timeout: float = 3.0,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        configured = variable(environment(environ), METADATA_URL_VARIABLE)
        name = "url=" if url is not None else METADATA_URL_VARIABLE if configured else "the default"
        self.url = checked_url(url if url is not None else configured or DEFAULT_URL, name)
        self.project_id = project_id
        self.refresh_before = refresh_before
        self._timeout = timeout
        self._clock = clock
        self._transport = transport
        self._lock = threading.Lock()
        self._keys: Credentials | None = None
        self._expires_at = 0.0

    def with_project(self, project_id: str) -> MetadataCredentials:
        return MetadataCredentials(
            self.url,
            project_id=project_id,
            refresh_before=self.refresh_before,
            timeout=self._timeout,
            clock=self._clock,
            transport=self._transport,
        )

    def needs_refresh(self) -> bool:
        return self._keys is None or self._expires_at - self._clock() < self.refresh_before

    def current(self) -> Credentials:
        """The keys to sign with now, fetched when there are none yet or they expire within ``refresh_before``."""
        with self._lock:
            if self.needs_refresh():
                try:
                    self._keys, self._expires_at = self._fetch()
                except CredentialsError as error:
                    if self._keys is None or self._expires_at <= self._clock():
                        raise
                    logger.warning("keeping the current metadata credentials until they expire: %s", error)
            assert self._keys is not None
            return self._keys

    def _fetch(self) -> tuple[Credentials, float]:
        try:
            with httpx.Client(transport=self._transport, timeout=self._timeout, trust_env=False) as http:
                token = self._session_token(http, required=False)
                answer = self._security_key(http, token)
                if answer.status_code == 401 and AGENCY_MISSING not in answer.text:
                    answer = self._security_key(http, self._session_token(http, required=True))
        except httpx.HTTPError as error:
            raise CredentialsError(
                f"cannot get credentials from the metadata service at {self.url}: {type(error).__name__}: {error}"
            ) from error
        if answer.status_code >= 400:
            hint = " (give the server an agency)" if AGENCY_MISSING in answer.text else ""
            raise CredentialsError(
                f"the metadata service at {self.url} answered HTTP {answer.status_code}{hint}: {answer.text[:200]!r}"
            )
        keys, expires_at = parse_security_key(answer.text, self.url)
        logger.info("credentials from the metadata service at %s, valid until %s", self.url, _utc(expires_at))
        return Credentials(keys[0], keys[1], security_token=keys[2], project_id=self.project_id), expires_at

    def _session_token(self, http: httpx.Client, *, required: bool) -> str | None:
        answer = http.put(self.url + TOKEN_PATH, headers={"X-Metadata-Token-Ttl-Seconds": str(SESSION_TOKEN_TTL)})
        if answer.status_code == 200:
            return answer.text.strip()
        if answer.status_code in NO_SESSION_TOKENS and not required:
            return None
        raise CredentialsError(f"the metadata service at {self.url} refused a session token: HTTP {answer.status_code}")

    def _security_key(self, http: httpx.Client, token: str | None) -> httpx.Response:
        return http.get(self.url + SECURITY_KEY_PATH, headers={"X-Metadata-Token": token} if token else {})

    def __repr__(self) -> str:
        return f"MetadataCredentials(url={self.url!r}, project_id={self.project_id!r})"


def parse_security_key(text: str, url: str = DEFAULT_URL) -> tuple[tuple[str, str, str | None], float]:
    """(access key, secret key, security token) and the expiry (epoch seconds) of a securitykey answer."""
    try:
        body: Any = json.loads(text)
        fields: Mapping[str, Any] = body.get("credential") or body.get("credentials") or body
        access, secret = fields.get("access"), fields.get("secret")
        token, expires = fields.get("securitytoken"), fields.get("expires_at")
        moment = datetime.datetime.fromisoformat(str(expires))
        expires_at = (moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)).timestamp()  # the Z form
    except (ValueError, TypeError, AttributeError) as error:
        raise CredentialsError(f"the metadata service at {url} answered no usable credential: {error}") from error
    if not (isinstance(access, str) and access and isinstance(secret, str) and secret):
        raise CredentialsError(f"the metadata service at {url} answered a credential without access and secret")
    return (access, secret, token if isinstance(token, str) and token else None), expires_at


def _utc(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch, datetime.UTC).isoformat(timespec="seconds")
