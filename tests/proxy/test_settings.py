"""The proxy's settings (the rows of the suite's table that apply to it: flags, then variables, then defaults;
credentials from the SDK's configuration) and its pacing."""

from __future__ import annotations

import asyncio

import pytest
from dcs_tasks import Credentials, CredentialsError, TokenCredentials

from contract_tests.proxy import ProxyConfigError, load_settings
from contract_tests.proxy.__main__ import parse_args
from contract_tests.proxy.config import given_flags
from contract_tests.proxy.pacing import Pacer
from contract_tests.settings.docs import settings_table
from contract_tests.settings.table import Kind, rows

KEYS = {"HUAWEICLOUD_SDK_AK": "AKPROXY", "HUAWEICLOUD_SDK_SK": "secret", "DCS_PROJECT_ID": "p1"}


def test_defaults_and_credentials_come_from_the_sdks_configuration() -> None:
    settings = load_settings(environ={**KEYS, "UPSTREAM": "https://dcs.example.test/"})
    assert settings.upstream == "https://dcs.example.test"
    assert (settings.host, settings.port) == ("127.0.0.1", 8081)
    assert settings.read_only
    assert settings.rate_limit is None
    assert settings.duration is None
    assert settings.request_timeout == 120
    assert settings.credentials.value == Credentials("AKPROXY", "secret", project_id="p1")
    assert settings.describe_credentials() == "AK AKPR… from HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK"
    with_token = {
        "CLOUD_SDK_AK": "AKCLOUD",
        "CLOUD_SDK_SK": "s",
        "CLOUD_SDK_SECURITY_TOKEN": "t",
        "DCS_ENDPOINT": "http://h",
    }
    keys = load_settings(environ=with_token).credentials.value
    assert isinstance(keys, Credentials)
    assert keys.security_token == "t"
    iam = load_settings(environ={"DCS_AUTH_TOKEN": "token", "DCS_ENDPOINT": "http://h"})
    assert isinstance(iam.credentials.value, TokenCredentials)
    assert iam.describe_credentials() == "an IAM token from DCS_AUTH_TOKEN"


def test_flags_win_over_variables() -> None:
    environ = {**KEYS, "UPSTREAM": "http://a", "RATE_LIMIT": "1/s", "ALLOW_CHANGES": "0", "DURATION": "5"}
    flags = {"UPSTREAM": "http://b:9000", "RATE_LIMIT": "600/m", "ALLOW_CHANGES": "1", "DURATION": None}
    settings = load_settings(flags, port=0, environ=environ)
    assert settings.upstream == "http://b:9000"
    assert settings.rate_limit == 10
    assert settings.allow_changes
    assert not settings.read_only
    assert settings.duration == 5


def test_they_are_the_rows_of_the_suites_table_that_apply_to_the_proxy() -> None:
    """One table: the proxy's flags are its rows', a former name is read with the suite's deprecation line, and the
    suite's own rows (a shell exports both commands' variables) are no settings of the proxy's."""
    proxy_rows = {row.name for _, row in rows() if Kind.PROXY in row.kinds}
    shared = {"RATE_LIMIT", "REQUEST_TIMEOUT", "ALLOW_CHANGES", "PROGRESS", "REPORTS_DIR"}
    assert proxy_rows == {"UPSTREAM", "DURATION", *shared}
    assert "| `UPSTREAM` (`--upstream`) | — | proxy |" in settings_table()
    args = parse_args(["--allow-changes", "--duration", "3", "--reports-dir", "out", "--port", "0"])
    assert given_flags(args)["ALLOW_CHANGES"] == "1"
    settings = load_settings(given_flags(args), port=0, environ={**KEYS, "UPSTREAM": "http://h", "DCS_TASKS": "i/t"})
    assert (settings.allow_changes, settings.duration, str(settings.table.reports_dir)) == (True, 3, "out")
    assert settings.table.kind is Kind.PROXY
    assert settings.table.notes == ()  # DCS_TASKS is the suite's: not said to be ignored
    former = load_settings(environ={**KEYS, "UPSTREAM": "http://h", "ALLOW_DESTRUCTIVE": "1"})
    assert former.allow_changes
    assert former.table.notes == (
        "ALLOW_DESTRUCTIVE is deprecated: it is ALLOW_CHANGES now (the old name is read one more minor version)",
    )
    with pytest.raises(ProxyConfigError, match="not a setting of the proxy: MAX_EXAMPLES"):
        load_settings({"MAX_EXAMPLES": "3"}, environ={**KEYS, "UPSTREAM": "http://h"})


def test_the_upstream_must_be_named_never_the_default_region() -> None:
    with pytest.raises(ProxyConfigError, match="no upstream: set UPSTREAM"):
        load_settings(environ=KEYS)
    assert (
        load_settings(environ={**KEYS, "DCS_REGION": "cn-north-4"}).upstream
        == "https://dcs.cn-north-4.myhuaweicloud.com"
    )
    with pytest.raises(ProxyConfigError, match="UPSTREAM must be an http"):
        load_settings(environ={**KEYS, "UPSTREAM": "dcs.example.test"})
    with pytest.raises(CredentialsError, match="no credentials found"):
        load_settings(environ={"UPSTREAM": "http://h", "HUAWEICLOUD_SDK_CREDENTIALS_FILE": "/dev/null"})


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ({"RATE_LIMIT": "fast"}, "RATE_LIMIT must look like 10/s"),
        ({"RATE_LIMIT": "0/s"}, "RATE_LIMIT must look like 10/s"),
        ({"RATE_LIMIT": "10/d"}, "RATE_LIMIT must look like 10/s"),
        ({"ALLOW_CHANGES": "please"}, "ALLOW_CHANGES must be 1 or 0"),
        ({"DURATION": "-1"}, "DURATION must be positive"),
        ({"REQUEST_TIMEOUT": "nan"}, "REQUEST_TIMEOUT must be a number of seconds"),
    ],
)
def test_a_bad_setting_is_named(given: dict[str, str], error: str) -> None:
    with pytest.raises(ProxyConfigError, match=error):
        load_settings(given, environ={**KEYS, "UPSTREAM": "http://h"})


def test_it_listens_on_loopback_only_and_never_forwards_to_itself() -> None:
    environ = {**KEYS, "UPSTREAM": "http://127.0.0.1:8081"}
    with pytest.raises(ProxyConfigError, match="loopback only"):
        load_settings(host="0.0.0.0", environ=environ)  # noqa: S104 - the address refused
    with pytest.raises(ProxyConfigError, match="is the proxy itself"):
        load_settings(environ=environ)
    assert load_settings(host="::1", port=8082, environ=environ).host == "::1"


def test_the_pacer_spaces_requests_in_arrival_order() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    pacer = Pacer(4, clock=lambda: now[0], sleep=sleep)

    async def five() -> list[float]:
        return [await pacer.turn() for _ in range(5)]

    assert asyncio.run(five()) == [0, 0.25, 0.5, 0.75, 1.0]  # the clock stood still: each waits one more slot
    now[0] = 102.0  # idle for a while: no credit saved up, the next goes at once and the one after waits
    assert asyncio.run(five())[:2] == [0, 0.25]
    assert asyncio.run(Pacer(None).turn()) == 0
