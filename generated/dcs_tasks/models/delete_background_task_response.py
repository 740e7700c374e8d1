# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..lib.schema_checks import absent_or_mismatch, expect_object
from ..types import UNSET

T = TypeVar("T", bound="DeleteBackgroundTaskResponse")


@_attrs_define
class DeleteBackgroundTaskResponse:
    """Answer to a deleted task (the service sends an empty message).

    Attributes:
        message (str | None): A message from the service; empty on success.
    """

    message: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            expect_object(src_dict)
        d = dict(src_dict)
        message = d.pop("message", None)
        if not isinstance(message, str):
            absent_or_mismatch(message, "message", "a string")
            message = None

        # Positional, in the order the class declares them: keywords cost ~0.3 µs per object.
        delete_background_task_response = cls(
            message,
        )

        delete_background_task_response.additional_properties = d
        return delete_background_task_response

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
