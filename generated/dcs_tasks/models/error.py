# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..lib.schema_checks import MISSING, absent_or_mismatch, expect_object, required_mismatch
from ..types import UNSET, Unset

T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """Error body shared by every error status. Errors raised by the API gateway in front of DCS
    (codes `APIG.*`) carry a `request_id` instead of `error_ext_msg`.

        Attributes:
            error_msg (str): Error message.
            error_code (str): Error code, for example `DCS.4061` or `APIG.0301`.
            error_ext_msg (str | None): Extended error message (unused, always null).
            request_id (str | None): Request ID, set by the API gateway on the errors it answers itself.
    """

    error_msg: str
    error_code: str
    error_ext_msg: str | None = None
    request_id: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error_msg = self.error_msg

        error_code = self.error_code

        error_ext_msg: None | str | Unset
        if isinstance(self.error_ext_msg, Unset):
            error_ext_msg = UNSET
        else:
            error_ext_msg = self.error_ext_msg

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error_msg": error_msg,
                "error_code": error_code,
            }
        )
        if error_ext_msg is not UNSET:
            field_dict["error_ext_msg"] = error_ext_msg
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if type(src_dict) is not dict:
            expect_object(src_dict)
        d = dict(src_dict)
        error_msg = d.pop("error_msg", MISSING)
        if not isinstance(error_msg, str):
            required_mismatch(error_msg, "error_msg", "a string")

        error_code = d.pop("error_code", MISSING)
        if not isinstance(error_code, str):
            required_mismatch(error_code, "error_code", "a string")

        def _parse_error_ext_msg(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            error_ext_msg_type_0 = data
            if not isinstance(error_ext_msg_type_0, str):
                absent_or_mismatch(error_ext_msg_type_0, "error_ext_msg", "a string")
                return None

            return error_ext_msg_type_0
            error_ext_msg_type_1 = data

            return error_ext_msg_type_1

        error_ext_msg = _parse_error_ext_msg(d.pop("error_ext_msg", None))

        request_id = d.pop("request_id", None)
        if not isinstance(request_id, str):
            absent_or_mismatch(request_id, "request_id", "a string")
            request_id = None

        # Positional, in the order the class declares them: keywords cost ~0.3 µs per object.
        error = cls(
            error_msg,
            error_code,
            error_ext_msg,
            request_id,
        )

        error.additional_properties = d
        return error

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
