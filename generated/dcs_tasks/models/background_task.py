# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..lib.schema_checks import absent_or_mismatch, expect_object
from ..lib.timestamps import parse_timestamp
from ..models.task_status import TaskStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.background_task_details import BackgroundTaskDetails


T = TypeVar("T", bound="BackgroundTask")


@_attrs_define
class BackgroundTask:
    """One background task of an instance.

    Attributes:
        id (str | None): Background task ID. Example: ff80808279c8f1c70179c9de5a7d0ba5.
        name (str | None): Task name, for example `ChangeInstanceSpec`, `BindEip`, `UnBindEip`, `AddReplica`,
            `DelReplica`, `AddWhitelist`, `UpdatePort`, `RemoveIpFromDns` or `masterStandbySwapJob`.
             Example: ChangeInstanceSpec.
        details (BackgroundTaskDetails | None): Task-specific details; every field is optional and present only for the
            tasks it concerns.
        user_name (str | None): Name of the user who started the task. Example: demo-user.
        user_id (str | None): ID of the user who started the task. Example: 6cf2a0c5f2d94a4e9b1c3d7e8f901234.
        params (str | None): The task's parameters, as the service recorded them (free-form text). Example:
            {"new_capacity":1}.
        status (str | TaskStatus | None): Task status. The documented values are those of `TaskStatus`; the service may
            add
            others, so any string is accepted (an open enumeration).
             Example: SUCCESS.
        created_at (datetime.datetime | None): A point in time. The service documents `2020-06-17T07:38:42.503Z` (ISO
            8601, UTC) but also
            returns `2022-09-01 11:52:24` (space separator, no zone); a zone-less value is UTC.
             Example: 2020-06-17T07:38:42.503Z.
        updated_at (datetime.datetime | None): A point in time. The service documents `2020-06-17T07:38:42.503Z` (ISO
            8601, UTC) but also
            returns `2022-09-01 11:52:24` (space separator, no zone); a zone-less value is UTC.
             Example: 2020-06-17T07:38:42.503Z.
        enable_show (bool | None): Whether the task is shown in the console. Example: True.
    """

    id: str | None = None
    name: str | None = None
    details: BackgroundTaskDetails | None = None
    user_name: str | None = None
    user_id: str | None = None
    params: str | None = None
    status: str | TaskStatus | None = None
    created_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None
    enable_show: bool | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()

        user_name = self.user_name

        user_id = self.user_id

        params = self.params

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, TaskStatus):
            status = self.status.value
        else:
            status = self.status

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        enable_show = self.enable_show

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if details is not UNSET:
            field_dict["details"] = details
        if user_name is not UNSET:
            field_dict["user_name"] = user_name
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if params is not UNSET:
            field_dict["params"] = params
        if status is not UNSET:
            field_dict["status"] = status
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if enable_show is not UNSET:
            field_dict["enable_show"] = enable_show

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.background_task_details import BackgroundTaskDetails  # noqa: PLC0415

        if type(src_dict) is not dict:
            expect_object(src_dict)
        d = dict(src_dict)
        id = d.pop("id", None)
        if not isinstance(id, str):
            absent_or_mismatch(id, "id", "a string")
            id = None

        name = d.pop("name", None)
        if not isinstance(name, str):
            absent_or_mismatch(name, "name", "a string")
            name = None

        _details = d.pop("details", None)
        details: BackgroundTaskDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = BackgroundTaskDetails.from_dict(_details)

        user_name = d.pop("user_name", None)
        if not isinstance(user_name, str):
            absent_or_mismatch(user_name, "user_name", "a string")
            user_name = None

        user_id = d.pop("user_id", None)
        if not isinstance(user_id, str):
            absent_or_mismatch(user_id, "user_id", "a string")
            user_id = None

        params = d.pop("params", None)
        if not isinstance(params, str):
            absent_or_mismatch(params, "params", "a string")
            params = None

        def _parse_status(data: object) -> str | TaskStatus | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = TaskStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            status_type_1 = data
            if not isinstance(status_type_1, str):
                absent_or_mismatch(status_type_1, "status", "a string")
                return None

            return status_type_1

        status = _parse_status(d.pop("status", None))

        _created_at = d.pop("created_at", None)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, str):
            created_at = parse_timestamp(_created_at, "created_at")
        else:
            absent_or_mismatch(_created_at, "created_at", "a timestamp string")
            created_at = None

        _updated_at = d.pop("updated_at", None)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, str):
            updated_at = parse_timestamp(_updated_at, "updated_at")
        else:
            absent_or_mismatch(_updated_at, "updated_at", "a timestamp string")
            updated_at = None

        enable_show = d.pop("enable_show", None)

        # Positional, in the order the class declares them: keywords cost ~0.3 µs per object.
        background_task = cls(
            id,
            name,
            details,
            user_name,
            user_id,
            params,
            status,
            created_at,
            updated_at,
            enable_show,
        )

        background_task.additional_properties = d
        return background_task

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
