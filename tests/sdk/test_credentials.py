"""Credentials from arguments and from both families of environment variables."""

from __future__ import annotations

import pytest
from dcs_tasks import Credentials, CredentialsError, DcsClient, TokenCredentials


def test_official_sdk_names_are_read_with_project_and_token() -> None:
    credentials = Credentials.from_env(
        {
            "HUAWEICLOUD_SDK_AK": "ak1",
            "HUAWEICLOUD_SDK_SK": "sk1",
            "HUAWEICLOUD_SDK_PROJECT_ID": "p1",
            "HUAWEICLOUD_SDK_SECURITY_TOKEN": "st",
            "CLOUD_SDK_AK": "ak2",
            "CLOUD_SDK_SK": "sk2",
        }
    )
    assert (credentials.access_key, credentials.secret_key) == ("ak1", "sk1")
    assert (credentials.project_id, credentials.security_token) == ("p1", "st")


def test_vendor_example_names_are_read() -> None:
    credentials = Credentials.from_env({"CLOUD_SDK_AK": "ak2", "CLOUD_SDK_SK": "sk2"})
    assert (credentials.access_key, credentials.secret_key, credentials.project_id) == ("ak2", "sk2", None)


def test_pairs_are_never_mixed() -> None:
    with pytest.raises(CredentialsError, match="HUAWEICLOUD_SDK_SK is not set"):
        Credentials.from_env({"HUAWEICLOUD_SDK_AK": "ak1", "CLOUD_SDK_AK": "ak2", "CLOUD_SDK_SK": "sk2"})


def test_missing_credentials_say_what_to_set() -> None:
    with pytest.raises(CredentialsError, match="CLOUD_SDK_AK/CLOUD_SDK_SK"):
        Credentials.from_env({})


def test_client_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOUD_SDK_AK", "ak")
    monkeypatch.setenv("CLOUD_SDK_SK", "sk")
    with DcsClient(region="ap-southeast-1") as client:
        assert client.credentials == Credentials("ak", "sk")
        assert client.base_url == "https://dcs.ap-southeast-1.myhuaweicloud.com"
    monkeypatch.delenv("CLOUD_SDK_AK")
    with pytest.raises(CredentialsError):
        DcsClient()


def test_empty_values_are_rejected_and_secrets_not_shown() -> None:
    with pytest.raises(CredentialsError):
        Credentials("", "sk")
    with pytest.raises(CredentialsError):
        TokenCredentials("")
    shown = repr(Credentials("ak", "very-secret", security_token="tok-secret"))
    assert "very-secret" not in shown
    assert "tok-secret" not in shown
    assert "tok" not in repr(TokenCredentials("tok"))
