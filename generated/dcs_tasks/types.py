# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from types import NoneType
from typing import IO, BinaryIO, Final, Generic, TypeAlias, TypeVar

from attrs import define

# "Absent" is plain None, as in openai-python and the official SDK: a field the body leaves out
# reads as None and is annotated `T | None`. The generated code still spells it `Unset`/`UNSET`,
# so those names are None's type and None.
Unset: TypeAlias = NoneType  # type: ignore[nonetype-type]  # isinstance(x, Unset) must work at run time
UNSET: Final[None] = None

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


__all__ = ["UNSET", "File", "FileTypes", "RequestFiles", "Response", "Unset"]
