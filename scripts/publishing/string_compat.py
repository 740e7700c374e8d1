"""Reads each generator's output and proves every open-enum field is declared as a string type.

One locator per generator: the model file of a schema, the declaration of a property in it, and
the type names that hold any string. A field that is missing, or declared with another type (an
enum, an empty struct or interface, a union wrapper), fails with the type the generator chose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scripts.publishing.open_enums import OpenEnumField


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"_", name))


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Locator:
    model_file: Callable[[str], str]  # schema name -> path inside the generator's output
    declaration: Callable[[str], str]  # property name -> regex whose group 1 is the declared type
    string_types: frozenset[str]
    block: Callable[[str], str] | None = None  # schema name -> regex of the part of the file to search

    def declared_type(self, output: Path, field: OpenEnumField) -> str:
        path = output / self.model_file(field.schema)
        if not path.is_file():
            raise LookupError(f"no model file {path.relative_to(output)}")
        text = path.read_text(encoding="utf-8")
        if self.block is not None:
            found = re.search(self.block(field.schema), text, re.DOTALL | re.MULTILINE)
            if found is None:
                raise LookupError(f"no declaration of {field.schema} in {path.relative_to(output)}")
            text = found.group(0)
        match = re.search(self.declaration(field.prop), text, re.MULTILINE)
        if match is None:
            raise LookupError(f"no declaration of {field.prop} in {path.relative_to(output)}")
        return match.group(1).strip()


LOCATORS: dict[str, Locator] = {
    "go": Locator(
        lambda schema: f"model_{snake(schema)}.go",
        lambda prop: rf'^\s*{pascal(prop)}\s+(\S+)\s+`json:"{prop}[,"]',
        frozenset({"string", "*string"}),
    ),
    "java": Locator(
        lambda schema: f"src/main/java/org/openapitools/client/model/{schema}.java",
        lambda prop: rf"^\s*private\s+(\S+)\s+{camel(prop)}\b",
        frozenset({"String"}),
    ),
    "csharp": Locator(
        lambda schema: f"src/Org.OpenAPITools/Model/{schema}.cs",
        lambda prop: rf'\[JsonPropertyName\("{prop}"\)\]\s*public\s+(\S+)\s',
        frozenset({"string", "string?"}),
    ),
    "kotlin": Locator(
        lambda schema: f"src/main/kotlin/org/openapitools/client/models/{schema}.kt",
        lambda prop: rf'@Json\(name = "{prop}"\)\s*val\s+\w+:\s*([\w.?<>]+)',
        frozenset({"kotlin.String", "kotlin.String?"}),
    ),
    "rust": Locator(
        lambda schema: f"src/models/{snake(schema)}.rs",
        lambda prop: rf'#\[serde\(rename = "{prop}"[^\]]*\)\]\s*pub\s+\w+:\s*([^,\n]+),',
        frozenset({"String", "Option<String>"}),
    ),
    "typescript-fetch": Locator(
        lambda schema: f"models/{schema}.ts",
        lambda prop: rf"^\s*{camel(prop)}\??:\s*([^;]+);",
        frozenset({"string", "string | null"}),
        lambda schema: rf"^export interface {schema} \{{.*?^\}}",
    ),
    "typescript-axios": Locator(
        lambda schema: "api.ts",
        lambda prop: rf"^\s*'{prop}'\??:\s*([^;]+);",
        frozenset({"string", "string | null"}),
        lambda schema: rf"^export interface {schema} \{{.*?^\}}",
    ),
    "swift5": Locator(
        lambda schema: f"OpenAPIClient/Classes/OpenAPIs/Models/{schema}.swift",
        lambda prop: rf"^\s*public var {camel(prop)}:\s*(\S+)",
        frozenset({"String", "String?"}),
    ),
    "python": Locator(
        lambda schema: f"dcs_oag/models/{snake(schema)}.py",
        lambda prop: rf"^\s*{prop}:\s*(.+?)\s*=\s*Field\(",
        frozenset({"StrictStr", "Optional[StrictStr]"}),
    ),
    "openapi-typescript": Locator(
        lambda schema: "dcs.ts",
        lambda prop: rf"^\s*{prop}\??:\s*([^;]+);",
        frozenset({"string", "string | null"}),
        lambda schema: rf"^        {schema}: \{{.*?^        \}};",
    ),
}


def check(outputs: dict[str, Path], fields: list[OpenEnumField]) -> tuple[list[str], list[str]]:
    """(one summary line per generator, failures) for every open-enum field in every generator's output."""
    lines, failures = [], []
    for generator, output in outputs.items():
        locator = LOCATORS[generator]
        found = []
        for field in fields:
            try:
                declared = locator.declared_type(output, field)
            except LookupError as missing:
                failures.append(f"{generator}: {field}: {missing}")
                continue
            found.append(f"{field.prop}: {declared}")
            if declared not in locator.string_types:
                failures.append(
                    f"{generator}: {field} is declared as {declared!r}, not a string type "
                    f"({' or '.join(sorted(locator.string_types))}): an undocumented value would not fit"
                )
        lines.append(f"{generator}: {', '.join(found)}")
    return lines, failures
