"""The regions DCS is offered in, as the official SDK 3.1.219 lists them (``dcs_region.py``).

``DcsClient(region=…)`` (and ``DCS_REGION``, ``--region``) checks the name before sending anything,
as the official SDK does; an endpoint outside this list is still reachable with ``endpoint=``.
"""

from __future__ import annotations

from .errors import ConfigurationError

REGIONS = (
    "af-south-1", "cn-north-2", "cn-north-4", "cn-north-1", "cn-east-2", "cn-east-3", "cn-south-1",
    "cn-south-2", "cn-southwest-2", "ap-southeast-2", "ap-southeast-1", "ap-southeast-3", "ru-northwest-2",
    "sa-brazil-1", "la-north-2", "la-south-2", "cn-north-9", "na-mexico-1", "ae-ad-1", "tr-west-1",
    "ap-southeast-4", "eu-west-101", "me-east-1", "eu-west-0", "cn-east-5", "my-kualalumpur-1",
    "ru-moscow-1", "cn-east-4", "ap-southeast-5", "cn-north-12", "cn-south-4", "cn-southwest-3",
    "cn-north-11", "af-north-1",
)  # fmt: skip
ENDPOINT_TEMPLATE = "https://dcs.{region}.myhuaweicloud.com"


def endpoint_for_region(region: object, name: str = "region=", escape: str = "endpoint=") -> str:
    """The regional endpoint; an unknown region raises ``ConfigurationError`` naming the nearest known ones.

    ``name`` is where the region came from (``region=``, ``--region``, ``DCS_REGION``), ``escape``
    how to reach an endpoint outside the list; both for the message.
    """
    if isinstance(region, str) and region.strip() in REGIONS:
        return ENDPOINT_TEMPLATE.format(region=region.strip())
    if not isinstance(region, str):
        raise ConfigurationError(f"{name} must be a region name such as 'cn-north-4', got {type(region).__name__}")
    import difflib  # noqa: PLC0415 - only for the error message; keeps client construction cheap

    nearest = difflib.get_close_matches(region, REGIONS, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(map(repr, nearest))}?" if nearest else ""
    raise ConfigurationError(
        f"unknown DCS region {region!r} (from {name}){hint} (use {escape} for an endpoint outside the list)"
    )
