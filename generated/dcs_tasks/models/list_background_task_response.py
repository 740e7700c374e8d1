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
    from ..models.background_task import BackgroundTask


T = TypeVar("T", bound="ListBackgroundTaskResponse")


@_attrs_define
class ListBackgroundTaskResponse:
    """One page of an instance's background tasks.

    Attributes:
        task_count (int | str | None): Number of tasks matching the query, over all pages. Documented as a string of
            digits;
            the service has also been seen to return a number, so both are accepted.
             Example: 1.
        tasks (list[BackgroundTask] | None): The tasks on this page, newest first.
    """

    task_count: int | str | None = None
    tasks: list[BackgroundTask] | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        task_count: int | str | Unset
        if isinstance(self.task_count, Unset):
            task_count = UNSET
        else:
            task_count = self.task_count

        tasks: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tasks, Unset):
            tasks = []
            for tasks_item_data in self.tasks:
                tasks_item = tasks_item_data.to_dict()
                tasks.append(tasks_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if task_count is not UNSET:
            field_dict["task_count"] = task_count
        if tasks is not UNSET:
            field_dict["tasks"] = tasks

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.background_task import BackgroundTask  # noqa: PLC0415

        if type(src_dict) is not dict:
            expect_object(src_dict)
        d = dict(src_dict)

        def _parse_task_count(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not (type(data) is int):
                    raise TypeError()
                task_count_type_0 = data
                if not (type(task_count_type_0) is int):
                    absent_or_mismatch(task_count_type_0, "task_count", "an integer")
                    return None

                return task_count_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            task_count_type_1 = data
            if not isinstance(task_count_type_1, str):
                absent_or_mismatch(task_count_type_1, "task_count", "a string")
                return None

            return task_count_type_1

        task_count = _parse_task_count(d.pop("task_count", None))

        _tasks = d.pop("tasks", None)
        tasks: list[BackgroundTask] | Unset
        if type(_tasks) is list:
            tasks = []
            for _index, tasks_item_data in enumerate(_tasks):
                try:
                    tasks_item = BackgroundTask.from_dict(tasks_item_data)

                except SchemaMismatchError as error:
                    raise error.at(f"tasks[{_index}]") from None
                tasks.append(tasks_item)
        else:
            absent_or_mismatch(_tasks, "tasks", "an array")
            tasks = None

        # Positional, in the order the class declares them: keywords cost ~0.3 µs per object.
        list_background_task_response = cls(
            task_count,
            tasks,
        )

        list_background_task_response.additional_properties = d
        return list_background_task_response

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
