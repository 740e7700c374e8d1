# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..lib.schema_checks import absent_or_mismatch, expect_object
from ..lib.timestamps import parse_timestamp
from ..types import UNSET, Unset

T = TypeVar("T", bound="SubStepDetail")


@_attrs_define
class SubStepDetail:
    """One sub-step of a step.

    Attributes:
        sub_step_id (str | None): Sub-step ID. Example: 4692b05b-fa55-4f7d-9be6-527bde25b424.
        sub_step_name (str | None): Sub-step name. Example: 资源检查.
        sub_step_status (str | None): Sub-step status. No value list is documented; the service returns the step
            statuses (`FINISH`, …), in upper case. Example: FINISH.
        begin_time (datetime.datetime | None): A point in time. The service documents `2020-06-17T07:38:42.503Z` (ISO
            8601, UTC) but also
            returns `2022-09-01 11:52:24` (space separator, no zone); a zone-less value is UTC.
             Example: 2020-06-17T07:38:42.503Z.
        end_time (datetime.datetime | None): A point in time. The service documents `2020-06-17T07:38:42.503Z` (ISO
            8601, UTC) but also
            returns `2022-09-01 11:52:24` (space separator, no zone); a zone-less value is UTC.
             Example: 2020-06-17T07:38:42.503Z.
        detail (str | None): Free-form extra attributes of the sub-step (not JSON), for example
            `{node_id:…,slot_range:[0 5460],full_migration:…}`. Example:
            {node_id:9996c3376318417281fb5e611f3fb1a0,slot_range:[0 5460],full_migration:迁移中,inc_migration:迁移中}.
        error_code (str | None): Error code of the sub-step. Example: DCS.4065.
    """

    sub_step_id: str | None = None
    sub_step_name: str | None = None
    sub_step_status: str | None = None
    begin_time: datetime.datetime | None = None
    end_time: datetime.datetime | None = None
    detail: str | None = None
    error_code: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sub_step_id = self.sub_step_id

        sub_step_name = self.sub_step_name

        sub_step_status = self.sub_step_status

        begin_time: str | Unset = UNSET
        if not isinstance(self.begin_time, Unset):
            begin_time = self.begin_time.isoformat()

        end_time: str | Unset = UNSET
        if not isinstance(self.end_time, Unset):
            end_time = self.end_time.isoformat()

        detail = self.detail

        error_code = self.error_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sub_step_id is not UNSET:
            field_dict["sub_step_id"] = sub_step_id
        if sub_step_name is not UNSET:
            field_dict["sub_step_name"] = sub_step_name
        if sub_step_status is not UNSET:
            field_dict["sub_step_status"] = sub_step_status
        if begin_time is not UNSET:
            field_dict["begin_time"] = begin_time
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if detail is not UNSET:
            field_dict["detail"] = detail
        if error_code is not UNSET:
            field_dict["error_code"] = error_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            expect_object(src_dict)
        d = dict(src_dict)
        sub_step_id = d.pop("sub_step_id", None)
        if not isinstance(sub_step_id, str):
            absent_or_mismatch(sub_step_id, "sub_step_id", "a string")
            sub_step_id = None

        sub_step_name = d.pop("sub_step_name", None)
        if not isinstance(sub_step_name, str):
            absent_or_mismatch(sub_step_name, "sub_step_name", "a string")
            sub_step_name = None

        sub_step_status = d.pop("sub_step_status", None)
        if not isinstance(sub_step_status, str):
            absent_or_mismatch(sub_step_status, "sub_step_status", "a string")
            sub_step_status = None

        _begin_time = d.pop("begin_time", None)
        begin_time: datetime.datetime | Unset
        if isinstance(_begin_time, str):
            begin_time = parse_timestamp(_begin_time, "begin_time")
        else:
            absent_or_mismatch(_begin_time, "begin_time", "a timestamp string")
            begin_time = None

        _end_time = d.pop("end_time", None)
        end_time: datetime.datetime | Unset
        if isinstance(_end_time, str):
            end_time = parse_timestamp(_end_time, "end_time")
        else:
            absent_or_mismatch(_end_time, "end_time", "a timestamp string")
            end_time = None

        detail = d.pop("detail", None)
        if not isinstance(detail, str):
            absent_or_mismatch(detail, "detail", "a string")
            detail = None

        error_code = d.pop("error_code", None)
        if not isinstance(error_code, str):
            absent_or_mismatch(error_code, "error_code", "a string")
            error_code = None

        # Positional, in the order the class declares them: keywords cost ~0.3 µs per object.
        sub_step_detail = cls(
            sub_step_id,
            sub_step_name,
            sub_step_status,
            begin_time,
            end_time,
            detail,
            error_code,
        )

        sub_step_detail.additional_properties = d
        return sub_step_detail

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
