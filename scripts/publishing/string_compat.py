"""Reads each generator's output and proves every open-enum field is declared as a string type.

One locator per generator: the model file of a schema, the declaration of a property in it, and
the type names that hold any string. A field that is missing, or declared with another type (an
enum, an empty struct or interface, a union wrapper), fails with the type the generator chose.
"""

from __future__ import annotations

import re
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


def expand(template: str, schema: str, prop: str) -> str:
    """Fill the ``<name>`` placeholders of a template (not str.format: regexes have braces)."""
    names = {"schema": schema, "schema_snake": snake(schema), "prop": prop}
    names |= {"propCamel": camel(prop), "PropPascal": pascal(prop)}
    for name, value in names.items():
        template = template.replace(f"<{name}>", value)
    return template


@dataclass(frozen=True)
class Locator:
    model_file: str  # path inside the generator's output (template)
    declaration: str  # regex whose group 1 is the declared type (template)
    string_types: frozenset[str]
    block: str | None = None  # regex of the part of the file that declares the schema (template)

    def declared_type(self, output: Path, field: OpenEnumField) -> str:
        path = output / expand(self.model_file, field.schema, field.prop)
        if not path.is_file():
            raise LookupError(f"no model file {path.relative_to(output)}")
        text = path.read_text(encoding="utf-8")
        if self.block is not None:
            found = re.search(expand(self.block, field.schema, field.prop), text, re.DOTALL | re.MULTILINE)
            if found is None:
                raise LookupError(f"no declaration of {field.schema} in {path.relative_to(output)}")
            text = found.group(0)
        match = re.search(expand(self.declaration, field.schema, field.prop), text, re.MULTILINE)
        if match is None:
            raise LookupError(f"no declaration of {field.prop} in {path.relative_to(output)}")
        return match.group(1).strip()


STRING, OPTIONAL_STRING = frozenset({"String"}), frozenset({"String", "String?"})
TS_STRING = frozenset({"string", "string | null"})
TS_INTERFACE = r"^export interface <schema> \{.*?^\}"
MODELS = "src/main/<lang>/org/openapitools/client/"
LOCATORS: dict[str, Locator] = {
    "go": Locator(
        "model_<schema_snake>.go", r'^\s*<PropPascal>\s+(\S+)\s+`json:"<prop>[,"]', frozenset({"string", "*string"})
    ),
    "java": Locator(
        MODELS.replace("<lang>", "java") + "model/<schema>.java", r"^\s*private\s+(\S+)\s+<propCamel>\b", STRING
    ),
    "csharp": Locator(
        "src/Org.OpenAPITools/Model/<schema>.cs",
        r'\[JsonPropertyName\("<prop>"\)\]\s*public\s+(\S+)\s',
        frozenset({"string", "string?"}),
    ),
    "kotlin": Locator(
        MODELS.replace("<lang>", "kotlin") + "models/<schema>.kt",
        r'@Json\(name = "<prop>"\)\s*val\s+\w+:\s*([\w.?<>]+)',
        frozenset({"kotlin.String", "kotlin.String?"}),
    ),
    "rust": Locator(
        "src/models/<schema_snake>.rs",
        r'#\[serde\(rename = "<prop>"[^\]]*\)\]\s*pub\s+\w+:\s*([^,\n]+),',
        frozenset({"String", "Option<String>"}),
    ),
    "typescript-fetch": Locator("models/<schema>.ts", r"^\s*<propCamel>\??:\s*([^;]+);", TS_STRING, TS_INTERFACE),
    "typescript-axios": Locator("api.ts", r"^\s*'<prop>'\??:\s*([^;]+);", TS_STRING, TS_INTERFACE),
    "swift5": Locator(
        "OpenAPIClient/Classes/OpenAPIs/Models/<schema>.swift", r"^\s*public var <propCamel>:\s*(\S+)", OPTIONAL_STRING
    ),
    "python": Locator(
        "dcs_oag/models/<schema_snake>.py",
        r"^\s*<prop>:\s*(.+?)\s*=\s*Field\(",
        frozenset({"StrictStr", "Optional[StrictStr]"}),
    ),
    "openapi-typescript": Locator(
        "dcs.ts", r"^\s*<prop>\??:\s*([^;]+);", TS_STRING, r"^        <schema>: \{.*?^        \};"
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
