# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..lib.errors import SchemaMismatchError
from ..lib.schema_checks import absent_or_mismatch, expect_object
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.step_detail import StepDetail


T = TypeVar("T", bound="ShowBackgroundTaskProgressResponse")


@_attrs_define
class ShowBackgroundTaskProgressResponse:
    """Progress of one background task.

    Attributes:
        progress (int | None): Overall progress, in percent. Example: 30.
        remain_time (int | None): Estimated remaining time, in seconds. Example: 100.
        step_details (list[StepDetail] | None): The task's steps, in execution order.
    """

    progress: int | None = None
    remain_time: int | None = None
    step_details: list[StepDetail] | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        progress = self.progress

        remain_time = self.remain_time

        step_details: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.step_details, Unset):
            step_details = []
            for step_details_item_data in self.step_details:
                step_details_item = step_details_item_data.to_dict()
                step_details.append(step_details_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if progress is not UNSET:
            field_dict["progress"] = progress
        if remain_time is not UNSET:
            field_dict["remain_time"] = remain_time
        if step_details is not UNSET:
            field_dict["step_details"] = step_details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.step_detail import StepDetail  # noqa: PLC0415

        if type(src_dict) is not dict:
            expect_object(src_dict)
        d = dict(src_dict)
        progress = d.pop("progress", None)
        if not (type(progress) is int):
            absent_or_mismatch(progress, "progress", "an integer")
            progress = None

        remain_time = d.pop("remain_time", None)
        if not (type(remain_time) is int):
            absent_or_mismatch(remain_time, "remain_time", "an integer")
            remain_time = None

        _step_details = d.pop("step_details", None)
        step_details: list[StepDetail] | Unset
        if type(_step_details) is list:
            step_details = []
            for _index, step_details_item_data in enumerate(_step_details):
                try:
                    step_details_item = StepDetail.from_dict(step_details_item_data)

                except SchemaMismatchError as error:
                    raise error.at(f"step_details[{_index}]") from None
                step_details.append(step_details_item)
        else:
            absent_or_mismatch(_step_details, "step_details", "an array")
            step_details = None

        # Positional, in the order the class declares them: keywords cost ~0.3 µs per object.
        show_background_task_progress_response = cls(
            progress,
            remain_time,
            step_details,
        )

        show_background_task_progress_response.additional_properties = d
        return show_background_task_progress_response

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
