# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..lib.errors import SchemaMismatchError
from ..lib.schema_checks import absent_or_mismatch, expect_object
from ..lib.timestamps import parse_timestamp
from ..models.step_status import StepStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sub_step_detail import SubStepDetail


T = TypeVar("T", bound="StepDetail")


@_attrs_define
class StepDetail:
    """One step of a background task.

    Attributes:
        step_id (str | None): Step ID. Example: 9d1d1da8-650e-406f-81e4-b3c11515869f.
        step_name (str | None): Step name. Example: 前置检查.
        step_status (StepStatus | str | None): Step status. The documented values are those of `StepStatus`; the service
            may add
            others, so any string is accepted (an open enumeration). Values are upper case.
             Example: FINISH.
        begin_time (datetime.datetime | None): A point in time. The service documents `2020-06-17T07:38:42.503Z` (ISO
            8601, UTC) but also
            returns `2022-09-01 11:52:24` (space separator, no zone); a zone-less value is UTC.
             Example: 2020-06-17T07:38:42.503Z.
        end_time (datetime.datetime | None): A point in time. The service documents `2020-06-17T07:38:42.503Z` (ISO
            8601, UTC) but also
            returns `2022-09-01 11:52:24` (space separator, no zone); a zone-less value is UTC.
             Example: 2020-06-17T07:38:42.503Z.
        error_code (str | None): Error code of the step (set when it failed; some responses carry one anyway). Example:
            DCS.4064.
        sub_step_details (list[SubStepDetail] | None): The step's sub-steps.
    """

    step_id: str | None = None
    step_name: str | None = None
    step_status: StepStatus | str | None = None
    begin_time: datetime.datetime | None = None
    end_time: datetime.datetime | None = None
    error_code: str | None = None
    sub_step_details: list[SubStepDetail] | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        step_id = self.step_id

        step_name = self.step_name

        step_status: str | Unset
        if isinstance(self.step_status, Unset):
            step_status = UNSET
        elif isinstance(self.step_status, StepStatus):
            step_status = self.step_status.value
        else:
            step_status = self.step_status

        begin_time: str | Unset = UNSET
        if not isinstance(self.begin_time, Unset):
            begin_time = self.begin_time.isoformat()

        end_time: str | Unset = UNSET
        if not isinstance(self.end_time, Unset):
            end_time = self.end_time.isoformat()

        error_code = self.error_code

        sub_step_details: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.sub_step_details, Unset):
            sub_step_details = []
            for sub_step_details_item_data in self.sub_step_details:
                sub_step_details_item = sub_step_details_item_data.to_dict()
                sub_step_details.append(sub_step_details_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if step_id is not UNSET:
            field_dict["step_id"] = step_id
        if step_name is not UNSET:
            field_dict["step_name"] = step_name
        if step_status is not UNSET:
            field_dict["step_status"] = step_status
        if begin_time is not UNSET:
            field_dict["begin_time"] = begin_time
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if error_code is not UNSET:
            field_dict["error_code"] = error_code
        if sub_step_details is not UNSET:
            field_dict["sub_step_details"] = sub_step_details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sub_step_detail import SubStepDetail  # noqa: PLC0415

        if type(src_dict) is not dict:
            expect_object(src_dict)
        d = dict(src_dict)
        step_id = d.pop("step_id", None)
        if not isinstance(step_id, str):
            absent_or_mismatch(step_id, "step_id", "a string")
            step_id = None

        step_name = d.pop("step_name", None)
        if not isinstance(step_name, str):
            absent_or_mismatch(step_name, "step_name", "a string")
            step_name = None

        def _parse_step_status(data: object) -> StepStatus | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                step_status_type_0 = StepStatus(data)

                return step_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            step_status_type_1 = data
            if not isinstance(step_status_type_1, str):
                absent_or_mismatch(step_status_type_1, "step_status", "a string")
                return None

            return step_status_type_1

        step_status = _parse_step_status(d.pop("step_status", None))

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

        error_code = d.pop("error_code", None)
        if not isinstance(error_code, str):
            absent_or_mismatch(error_code, "error_code", "a string")
            error_code = None

        _sub_step_details = d.pop("sub_step_details", None)
        sub_step_details: list[SubStepDetail] | Unset
        if type(_sub_step_details) is list:
            sub_step_details = []
            for _index, sub_step_details_item_data in enumerate(_sub_step_details):
                try:
                    sub_step_details_item = SubStepDetail.from_dict(sub_step_details_item_data)

                except SchemaMismatchError as error:
                    raise error.at(f"sub_step_details[{_index}]") from None
                sub_step_details.append(sub_step_details_item)
        else:
            absent_or_mismatch(_sub_step_details, "sub_step_details", "an array")
            sub_step_details = None

        # Positional, in the order the class declares them: keywords cost ~0.3 µs per object.
        step_detail = cls(
            step_id,
            step_name,
            step_status,
            begin_time,
            end_time,
            error_code,
            sub_step_details,
        )

        step_detail.additional_properties = d
        return step_detail

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
