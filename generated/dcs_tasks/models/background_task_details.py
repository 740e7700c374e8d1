# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..lib.errors import SchemaMismatchError
from ..lib.schema_checks import absent_or_mismatch, expect_object, required_mismatch
from ..types import UNSET, Unset

T = TypeVar("T", bound="BackgroundTaskDetails")


@_attrs_define
class BackgroundTaskDetails:
    """Task-specific details; every field is optional and present only for the tasks it concerns.

    Attributes:
        old_capacity (str | None): Capacity before a change of specification, in GB. Example: 0.125.
        new_capacity (str | None): Capacity after a change of specification, in GB. Example: 1.
        old_replica_num (int | None): Number of replicas before the change. Example: 1.
        new_replica_num (int | None): Number of replicas after the change. Example: 2.
        enable_ssl (bool | None): Whether SSL was switched on (true) or off (false). Example: True.
        rename_commands (list[str] | None): Commands renamed by the task. Example: ['keys'].
    """

    old_capacity: str | None = None
    new_capacity: str | None = None
    old_replica_num: int | None = None
    new_replica_num: int | None = None
    enable_ssl: bool | None = None
    rename_commands: list[str] | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        old_capacity = self.old_capacity

        new_capacity = self.new_capacity

        old_replica_num = self.old_replica_num

        new_replica_num = self.new_replica_num

        enable_ssl = self.enable_ssl

        rename_commands: list[str] | Unset = UNSET
        if not isinstance(self.rename_commands, Unset):
            rename_commands = self.rename_commands

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if old_capacity is not UNSET:
            field_dict["old_capacity"] = old_capacity
        if new_capacity is not UNSET:
            field_dict["new_capacity"] = new_capacity
        if old_replica_num is not UNSET:
            field_dict["old_replica_num"] = old_replica_num
        if new_replica_num is not UNSET:
            field_dict["new_replica_num"] = new_replica_num
        if enable_ssl is not UNSET:
            field_dict["enable_ssl"] = enable_ssl
        if rename_commands is not UNSET:
            field_dict["rename_commands"] = rename_commands

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            expect_object(src_dict)
        d = dict(src_dict)
        old_capacity = d.pop("old_capacity", None)
        if not isinstance(old_capacity, str):
            absent_or_mismatch(old_capacity, "old_capacity", "a string")
            old_capacity = None

        new_capacity = d.pop("new_capacity", None)
        if not isinstance(new_capacity, str):
            absent_or_mismatch(new_capacity, "new_capacity", "a string")
            new_capacity = None

        old_replica_num = d.pop("old_replica_num", None)
        if not (type(old_replica_num) is int):
            absent_or_mismatch(old_replica_num, "old_replica_num", "an integer")
            old_replica_num = None

        new_replica_num = d.pop("new_replica_num", None)
        if not (type(new_replica_num) is int):
            absent_or_mismatch(new_replica_num, "new_replica_num", "an integer")
            new_replica_num = None

        enable_ssl = d.pop("enable_ssl", None)

        _rename_commands = d.pop("rename_commands", None)
        rename_commands: list[str] | Unset
        if type(_rename_commands) is list:
            rename_commands = []
            for _index, rename_commands_item_data in enumerate(_rename_commands):
                try:
                    rename_commands_item = rename_commands_item_data
                    if not isinstance(rename_commands_item, str):
                        required_mismatch(rename_commands_item, "rename_commands_item", "a string")

                except SchemaMismatchError as error:
                    raise error.at(f"rename_commands[{_index}]") from None
                rename_commands.append(rename_commands_item)
        else:
            absent_or_mismatch(_rename_commands, "rename_commands", "an array")
            rename_commands = None

        # Positional, in the order the class declares them: keywords cost ~0.3 µs per object.
        background_task_details = cls(
            old_capacity,
            new_capacity,
            old_replica_num,
            new_replica_num,
            enable_ssl,
            rename_commands,
        )

        background_task_details.additional_properties = d
        return background_task_details

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
