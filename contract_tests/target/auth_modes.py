"""Every way the suite authenticates a request, by the name the replay command takes (`auth_modes`): correctly
signed, unsigned, the ways to get a signature wrong that a verifying server must each refuse with 401 (an altered,
shortened, lengthened or upper-cased signature, a wrong secret key, an `X-Sdk-Date` past the allowed skew either
way, a dropped or altered security token, an altered token), the ways to send something other than what was
signed (`altered`: the method, a path segment, the query, a signed header), header names in another case, plus
another tenant's and temporary credentials."""

from __future__ import annotations

import dataclasses
import datetime

import requests
import requests.auth

from ..spec.api import ApiSpec, load_spec
from . import altered
from .auth import AkSkSigner, IamTokenAuth
from .model import Target

# Past the 15 minutes the gateway tolerates by as much again: a server whose clock is up to 15 minutes off (and so
# still accepts the suite's correct requests) refuses these too.
SKEW = datetime.timedelta(minutes=30)
OLD, AHEAD = (f"x-sdk-date-{SKEW.seconds // 60}-minutes-{way}" for way in ("old", "ahead"))

# Failing signatures: `tampered_signature_rejected`.
TAMPERED_MODES = (
    "signature-altered",
    "signature-shortened",
    "signature-lengthened",
    "signature-upper-cased",
    "wrong-secret-key",
    OLD,
    AHEAD,
)
# What is sent differs from what was signed: `signature_binds_request`.
METHOD_MODE = "signed-as-another-method"
QUERY_MODES = {
    "query-parameter-added": altered.query_parameter_added,
    "query-parameter-removed": altered.query_parameter_removed,
    "query-value-changed": altered.query_value_changed,
}
RECASED_MODE = "header-names-recased"  # correctly signed: `header_names_case_insensitive`


def segment_mode(index: int) -> str:
    """The mode signing path segment `index` (1: the first after the leading `/`) in the other case."""
    return f"path-segment-{index}-case-swapped"


def header_mode(name: str) -> str:
    """The mode sending header `name` changed after signing."""
    return f"{name}-changed"


@dataclasses.dataclass(frozen=True, repr=False)
class _AlteredToken(requests.auth.AuthBase):
    signer: AkSkSigner

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        token = self.signer.security_token or ""
        return dataclasses.replace(self.signer, security_token=token[:-1] + ("0" if token[-1:] != "0" else "1"))(
            request
        )


def tampered_signers(signer: AkSkSigner) -> dict[str, requests.auth.AuthBase]:
    """Ways to get the signature wrong that a verifying server must each reject with 401."""
    mangled = {
        "signature-altered": altered.signature_flipped,
        "signature-shortened": altered.signature_shortened,
        "signature-lengthened": altered.signature_lengthened,
        "signature-upper-cased": altered.signature_upper_cased,
    }
    return {name: altered.MangledSignature(signer, mangle) for name, mangle in mangled.items()} | {
        "wrong-secret-key": dataclasses.replace(signer, secret_key=signer.secret_key + "-wrong"),
        OLD: dataclasses.replace(signer, clock_skew=-SKEW),
        AHEAD: dataclasses.replace(signer, clock_skew=SKEW),
    }


def path_depth(spec: ApiSpec) -> int:
    """The most segments a path of the spec has."""
    return max((len(op.path.strip("/").split("/")) for op in spec.operations), default=0)


def signed_headers(signer: AkSkSigner) -> list[str]:
    """The headers `signer` signs on every probe: the SDK's four, `x-project-id` with a project, `x-security-token`
    with a token (the official SDK's `content-type;host;user-agent;x-project-id;x-sdk-date`)."""
    headers = ["content-type", "host", "user-agent", "x-sdk-date"]
    headers += ["x-project-id"] if signer.project_id else []
    return headers + (["x-security-token"] if signer.security_token else [])


def binding_signers(signer: AkSkSigner, depth: int) -> dict[str, requests.auth.AuthBase]:
    """Ways to send something other than what was signed, one covered part each, that a server must reject with
    401; the headers are those `signer` signs."""
    headers = signed_headers(signer)
    modes: dict[str, altered.Alteration] = {METHOD_MODE: altered.another_method}
    modes |= {segment_mode(index): altered.segment_case_swapped(index) for index in range(1, depth + 1)}
    modes |= QUERY_MODES
    modes |= {header_mode(name): altered.HEADER_CHANGES[name] for name in headers}
    return {name: altered.SignedOtherwise(signer, alter) for name, alter in modes.items()}


def auth_modes(target: Target, spec: ApiSpec | None = None) -> dict[str, requests.auth.AuthBase | None]:
    """Every way a probe authenticates, by the name the replay command takes (`--auth`); the path modes reach as
    deep as the spec's (default: the project's) deepest path."""
    modes: dict[str, requests.auth.AuthBase | None] = {"signed": target.auth, "unsigned": None}
    if isinstance(target.auth, AkSkSigner):
        modes |= tampered_signers(target.auth)
        modes |= binding_signers(target.auth, path_depth(spec or load_spec()))
        modes[RECASED_MODE] = altered.RecasedHeaderNames(target.auth)
    elif isinstance(target.auth, IamTokenAuth):
        modes["token-altered"] = IamTokenAuth(target.auth.token + "0")
    if target.foreign_auth is not None:
        modes["other-tenant"] = target.foreign_auth
    temporary = target.temporary_auth
    if temporary is not None:
        modes["temporary"] = temporary
        modes["security-token-dropped"] = dataclasses.replace(temporary, security_token=None)
        modes["security-token-altered"] = _AlteredToken(temporary)
        token_changed = header_mode("x-security-token")
        modes[token_changed] = altered.SignedOtherwise(temporary, altered.HEADER_CHANGES["x-security-token"])
    return modes


def access_key(auth: requests.auth.AuthBase | None) -> str | None:
    """The access key a mode signs with (None: unsigned, or a token)."""
    if isinstance(auth, AkSkSigner):
        return auth.access_key
    signer = getattr(auth, "signer", None)
    return signer.access_key if isinstance(signer, AkSkSigner) else None
