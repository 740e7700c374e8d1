"""Both timestamp forms, offsets, fractions and garbage; the parser agrees with the spec's pattern."""

from __future__ import annotations

import datetime
import re

import pytest
from dcs_tasks import SchemaMismatchError, parse_timestamp
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import load_spec

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-06-17T07:38:42.503Z", datetime.datetime(2020, 6, 17, 7, 38, 42, 503000, tzinfo=UTC)),
        ("2022-09-01 11:52:24", datetime.datetime(2022, 9, 1, 11, 52, 24, tzinfo=UTC)),
        ("2022-09-01T11:52:24", datetime.datetime(2022, 9, 1, 11, 52, 24, tzinfo=UTC)),
        ("2022-09-01 11:52:24Z", datetime.datetime(2022, 9, 1, 11, 52, 24, tzinfo=UTC)),
        ("2022-09-01T19:52:24+08:00", datetime.datetime(2022, 9, 1, 11, 52, 24, tzinfo=UTC)),
        ("2022-09-01T06:22:24-0530", datetime.datetime(2022, 9, 1, 11, 52, 24, tzinfo=UTC)),
        ("2022-09-01 11:52:24.1", datetime.datetime(2022, 9, 1, 11, 52, 24, 100000, tzinfo=UTC)),
        ("2022-09-01 11:52:24.123456789Z", datetime.datetime(2022, 9, 1, 11, 52, 24, 123456, tzinfo=UTC)),
    ],
)
def test_accepted_forms_are_aware_and_correct(text: str, expected: datetime.datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed.tzinfo is not None
    assert parsed == expected


def test_offsets_are_kept_not_converted() -> None:
    assert parse_timestamp("2022-09-01T19:52:24+08:00").utcoffset() == datetime.timedelta(hours=8)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2022-09-01",
        "2022/09/01 11:52:24",
        "2022-13-01 11:52:24",
        "2022-02-30T00:00:00Z",
        "2022-W01-1T00:00:00",
        "2022-09-01T11:52",
        "2022-09-01T11:52:24.Z",
        "2022-09-01T11:52:24+8",
        " 2022-09-01 11:52:24",
        "\uff12\uff10\uff12\uff12-09-01 11:52:24",  # fullwidth digits
        "2022-09-01T11:52:24.1234567890Z",
        "yesterday",
    ],
)
def test_garbage_is_a_schema_mismatch_naming_the_field(text: str) -> None:
    with pytest.raises(SchemaMismatchError) as caught:
        parse_timestamp(text, "begin_time")
    assert caught.value.path == "begin_time"
    assert isinstance(caught.value, ValueError)


def test_non_strings_are_rejected() -> None:
    with pytest.raises(SchemaMismatchError, match="got int 5"):
        parse_timestamp(5)  # type: ignore[arg-type]


SPEC_PATTERN = re.compile(load_spec()["components"]["schemas"]["Timestamp"]["pattern"])


@settings(max_examples=300, derandomize=True, database=None)
@given(st.from_regex(SPEC_PATTERN.pattern.replace(r"\d", "[0-9]"), fullmatch=True))
def test_every_string_matching_the_spec_pattern_with_a_real_date_parses(text: str) -> None:
    try:
        datetime.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:  # the pattern admits month 13 etc.; those must be a typed error
        with pytest.raises(SchemaMismatchError):
            parse_timestamp(text)
        return
    assert parse_timestamp(text).tzinfo is not None


@settings(max_examples=300, derandomize=True, database=None)
@given(st.text(max_size=40))
def test_arbitrary_text_parses_only_when_it_matches_the_spec_pattern(text: str) -> None:
    try:
        parse_timestamp(text)
    except SchemaMismatchError:
        return
    assert SPEC_PATTERN.fullmatch(text)
