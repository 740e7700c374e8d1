"""Every way the suite authenticates a request, by the name the replay command takes (`auth_modes`): correctly
signed, unsigned, and the ways to get a signature wrong that a verifying server must each refuse with 401 (an
altered signature, a wrong secret key, a stale `X-Sdk-Date`, a dropped or altered security token, an altered
token), plus another tenant's and temporary credentials."""

from __future__ import annotations

import dataclasses
import datetime

import requests
import requests.auth

from .auth import AkSkSigner, IamTokenAuth
from .model import Target

# Stale by more than the 15 minutes the gateway tolerates.
STALE = datetime.timedelta(minutes=-20)


@dataclasses.dataclass(frozen=True, repr=False)
class _FlippedSignature(requests.auth.AuthBase):
    signer: AkSkSigner

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self.signer(request)
        value = str(request.headers["Authorization"])
        request.headers["Authorization"] = value[:-1] + ("0" if value[-1] != "0" else "1")
        return request


def tampered_signers(signer: AkSkSigner) -> dict[str, requests.auth.AuthBase]:
    """Ways to get the signature wrong that a verifying server must each reject with 401."""
    return {
        "signature altered": _FlippedSignature(signer),
        "wrong secret key": dataclasses.replace(signer, secret_key=signer.secret_key + "-wrong"),
        "X-Sdk-Date 20 minutes old": dataclasses.replace(signer, clock_skew=STALE),
    }


@dataclasses.dataclass(frozen=True, repr=False)
class _AlteredToken(requests.auth.AuthBase):
    signer: AkSkSigner

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        token = self.signer.security_token or ""
        return dataclasses.replace(self.signer, security_token=token[:-1] + ("0" if token[-1:] != "0" else "1"))(
            request
        )


def auth_modes(target: Target) -> dict[str, requests.auth.AuthBase | None]:
    """Every way a probe authenticates, by the name the replay command takes (`--auth`)."""
    modes: dict[str, requests.auth.AuthBase | None] = {"signed": target.auth, "unsigned": None}
    if isinstance(target.auth, AkSkSigner):
        tampered = tampered_signers(target.auth)
        modes |= {name.replace(" ", "-").lower(): how for name, how in tampered.items()}
    elif isinstance(target.auth, IamTokenAuth):
        modes["token-altered"] = IamTokenAuth(target.auth.token + "0")
    if target.foreign_auth is not None:
        modes["other-tenant"] = target.foreign_auth
    temporary = target.temporary_auth
    if temporary is not None:
        modes["temporary"] = temporary
        modes["security-token-dropped"] = dataclasses.replace(temporary, security_token=None)
        modes["security-token-altered"] = _AlteredToken(temporary)
    return modes


TAMPERED_MODES = ("signature-altered", "wrong-secret-key", "x-sdk-date-20-minutes-old")
assert STALE.total_seconds() < 0  # the stale-date mode dates requests in the past
