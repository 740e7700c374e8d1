"""The generated models: the page's example, spec-drawn bodies, and malformed bodies."""

from __future__ import annotations

import datetime
import re
from typing import Any

import jsonschema_rs
import pytest
from dcs_tasks import SchemaMismatchError, ShowBackgroundTaskProgressResponse, StepDetail, StepStatus, SubStepDetail
from dcs_tasks.models import Error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.jsonschema.builder import build as schema_strategy

from .conftest import example_200, load_spec
from .spec_schema import json_schema

# Bodies are drawn by schemathesis' JSON Schema engine (the pinned contract-testing tool; its
# builder is internal API, pinned with it): hypothesis-jsonschema 0.23.1 no longer runs on the
# pinned hypothesis.
SPEC = load_spec()
# The spec's Timestamp pattern admits impossible dates (year 0, month 13, 25 o'clock) that no client can
# turn into a datetime (those raise SchemaMismatchError, see test_timestamps). Bodies are drawn
# with it narrowed to calendar-valid values; a test below checks the narrowing stays inside it.
CALENDAR_TIMESTAMP = (
    r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]{1,9})?(Z|[+-](0[0-9]|1[0-3]):?[0-5][0-9])?$"
)
NARROWED = {"Timestamp": {**SPEC["components"]["schemas"]["Timestamp"], "pattern": CALENDAR_TIMESTAMP}}
RESPONSE_SCHEMA = json_schema(SPEC, "ShowBackgroundTaskProgressResponse", NARROWED)
SPEC_VALIDATOR = jsonschema_rs.Draft4Validator(json_schema(SPEC, "ShowBackgroundTaskProgressResponse"))


def test_the_page_example_parses_with_aware_timestamps_and_round_trips() -> None:
    example = example_200()
    parsed = ShowBackgroundTaskProgressResponse.from_dict(example)
    assert (parsed.progress, parsed.remain_time) == (30, 100)
    assert isinstance(parsed.step_details, list)
    assert len(parsed.step_details) == 2
    first = parsed.step_details[0]
    assert first.step_status is StepStatus.FINISH
    assert first.begin_time == datetime.datetime(2022, 9, 1, 11, 52, 24, tzinfo=datetime.UTC)
    assert isinstance(first.sub_step_details, list)
    assert first.sub_step_details[0].detail == ""
    last = parsed.step_details[1].sub_step_details
    assert isinstance(last, list)
    assert last[1].detail == example["step_details"][1]["sub_step_details"][1]["detail"]
    assert ShowBackgroundTaskProgressResponse.from_dict(parsed.to_dict()) == parsed
    assert parsed.additional_properties == {}
    assert first.additional_properties == {}


@pytest.mark.parametrize("name", ["dataMigration", "finished"])
def test_every_200_example_round_trips(name: str) -> None:
    parsed = ShowBackgroundTaskProgressResponse.from_dict(example_200(name))
    assert ShowBackgroundTaskProgressResponse.from_dict(parsed.to_dict()) == parsed


def test_the_narrowed_timestamp_stays_inside_the_spec_pattern() -> None:
    spec_pattern = re.compile(SPEC["components"]["schemas"]["Timestamp"]["pattern"].replace(r"\d", "[0-9]"))

    @settings(max_examples=200, derandomize=True, database=None)
    @given(st.from_regex(CALENDAR_TIMESTAMP, fullmatch=True))
    def check(text: str) -> None:
        assert spec_pattern.fullmatch(text)

    check()


@settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(schema_strategy(RESPONSE_SCHEMA, draft=4, formats={}))
def test_schema_valid_bodies_always_parse_and_round_trip(body: dict[str, Any]) -> None:
    SPEC_VALIDATOR.validate(body)  # valid for the real spec too
    parsed = ShowBackgroundTaskProgressResponse.from_dict(body)
    assert ShowBackgroundTaskProgressResponse.from_dict(parsed.to_dict()) == parsed
    for key in body.keys() - {"progress", "remain_time", "step_details"}:
        assert parsed[key] == body[key]  # unknown fields are kept, not dropped


def test_missing_fields_are_unset() -> None:
    parsed = ShowBackgroundTaskProgressResponse.from_dict({"step_details": [{"sub_step_details": [{}]}]})
    assert parsed.progress is None
    assert parsed.remain_time is None
    assert isinstance(parsed.step_details, list)
    step = parsed.step_details[0]
    assert step.step_status is None
    assert step.begin_time is None
    assert parsed.to_dict() == {"step_details": [{"sub_step_details": [{}]}]}


def test_null_for_an_optional_field_counts_as_absent() -> None:
    parsed = StepDetail.from_dict(
        {"step_name": None, "begin_time": None, "step_status": None, "sub_step_details": None}
    )
    assert (parsed.step_name, parsed.begin_time, parsed.step_status, parsed.sub_step_details) == (None,) * 4


def test_unknown_step_status_is_kept_as_a_string() -> None:
    parsed = StepDetail.from_dict({"step_status": "ROLLING_BACK"})
    assert parsed.step_status == "ROLLING_BACK"
    assert not isinstance(parsed.step_status, StepStatus)
    assert StepDetail.from_dict(parsed.to_dict()) == parsed


def test_extra_fields_are_kept_and_written_back() -> None:
    body = {"sub_step_id": "s1", "weight": 3, "nested": {"a": [1]}}
    parsed = SubStepDetail.from_dict(body)
    assert parsed.additional_properties == {"weight": 3, "nested": {"a": [1]}}
    assert parsed.to_dict() == body


@pytest.mark.parametrize(
    ("model", "body", "path", "expected"),
    [
        (ShowBackgroundTaskProgressResponse, {"progress": "30"}, "progress", "an integer"),
        (ShowBackgroundTaskProgressResponse, {"remain_time": 1.5}, "remain_time", "an integer"),
        (ShowBackgroundTaskProgressResponse, {"step_details": "none"}, "step_details", "an array"),
        (ShowBackgroundTaskProgressResponse, {"step_details": [[]]}, "step_details[0]", "a JSON object"),
        (StepDetail, {"step_id": 12}, "step_id", "a string"),
        (StepDetail, {"end_time": 1662033144}, "end_time", "a timestamp string"),
        (StepDetail, {"sub_step_details": [{}, {"detail": {"a": 1}}]}, "sub_step_details[1].detail", "a string"),
        (SubStepDetail, {"begin_time": "2022-09-01"}, "begin_time", "a timestamp like"),
        (Error, {"error_msg": "m"}, "error_code", "a string"),
        (Error, {"error_msg": "m", "error_code": None}, "error_code", "a string"),
    ],
)
def test_wrong_types_raise_a_schema_mismatch_naming_the_field(
    model: Any, body: dict[str, Any], path: str, expected: str
) -> None:
    with pytest.raises(SchemaMismatchError) as caught:
        model.from_dict(body)
    assert caught.value.path == path
    assert caught.value.expected.startswith(expected)


def test_a_non_object_is_rejected() -> None:
    with pytest.raises(SchemaMismatchError, match="expected a JSON object, got list"):
        ShowBackgroundTaskProgressResponse.from_dict([])  # type: ignore[arg-type]


def test_types_are_checked_but_ranges_and_lengths_are_not() -> None:
    # Decided: a client must survive a service that drifts past its documented bounds (a progress of
    # 101, a longer name); only a value of the wrong type is an error, since no model could hold it.
    parsed = ShowBackgroundTaskProgressResponse.from_dict({"progress": 101, "remain_time": -1})
    assert (parsed.progress, parsed.remain_time) == (101, -1)
    assert SubStepDetail.from_dict({"detail": "x" * 5000}).detail == "x" * 5000
