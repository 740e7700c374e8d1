"""Other-language clients from the bundle: the generator matrix, built (cached), then proven to work.

Built, keyed by a hash of everything that shapes them (bundle, generator options, tool versions,
probe sources), under ``dist/.cache/clients-<key>/`` (only the latest key is kept):
* openapi-generator go, java, csharp, kotlin, rust, typescript-fetch, typescript-axios, swift5 and
  python (one JVM, ``batch`` mode, two threads), and openapi-typescript (types only) beside it;
* the TypeScript probe compiled by ``tsc --strict`` against typescript-fetch and openapi-typescript,
  and the Go probe built with the generated Go client (Debian's golang-go, standard library only,
  offline), side by side.

Checked every time: ``string_compat`` reads all ten outputs and proves every open-enum field is a
string type; then the probes run (against the emulator, whose code is not part of the key): node
with the TypeScript probe, the Go probe, ``python_probe.py`` with the Python client. A missing
toolchain prints ``SKIPPED <leg>: <reason>``; ``.ci/run`` installs them all. Java, Kotlin, C#, Swift
and Rust are generated and checked, not compiled (Rust: see docs/publishing.md).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import yaml

from scripts.publishing import string_compat
from scripts.publishing.bundle import Bundle
from scripts.publishing.open_enums import open_enum_fields
from scripts.publishing.tools import OPENAPI, VENV_BIN, Command, PublishError, node_tool, run, tool_env

HERE = Path(__file__).resolve().parent
TS_PROBE = HERE / "ts" / "probe.ts"
GO_PROBE = HERE / "go" / "probe.go"
PY_PROBE = HERE / "python_probe.py"
PYTHON_PACKAGE = "dcs_oag"
GO_MODULE = "github.com/GIT_USER_ID/GIT_REPO_ID"  # openapi-generator's default module path

# openapi-generator options. No enumUnknownDefaultCase is needed: the bundle publishes every open
# enumeration as a string (open_enums.py), and string_compat proves each generator reads it so.
GENERATORS: dict[str, dict[str, Any]] = {
    "go": {"additionalProperties": {"packageName": "dcs"}},
    "java": {},
    "csharp": {},
    "kotlin": {},
    "rust": {},
    "typescript-fetch": {"additionalProperties": {"supportsES6": True}},
    "typescript-axios": {"additionalProperties": {"supportsES6": True}},
    "swift5": {},
    "python": {"additionalProperties": {"packageName": PYTHON_PACKAGE, "projectName": "dcs-oag"}},
}
OUTPUTS = [*GENERATORS, "openapi-typescript"]
RUST_NOT_COMPILED = (
    "rust: generated and checked, not compiled: its Cargo.toml needs reqwest ^0.13 and serde_with ^3.8, "
    "which Debian 12 does not package (librust-reqwest-dev is 0.11, no serde_with), and crates.io is "
    "out of reach (docs/publishing.md)"
)

TSCONFIG: dict[str, Any] = {
    "compilerOptions": {
        "strict": True,
        "target": "ES2022",
        "module": "commonjs",
        "moduleResolution": "node10",
        "lib": ["ES2022", "DOM"],
        "types": ["node"],
        "typeRoots": [str(OPENAPI / "node_modules" / "@types")],
        "outDir": "build",
        "rootDir": ".",
        "noEmitOnError": True,
        "forceConsistentCasingInFileNames": True,
    },
    "include": ["typescript-fetch/**/*.ts", "openapi-typescript/*.ts", "probe/*.ts"],
}

EmulatorCoordinates = dict[str, str]


def go_toolchain() -> tuple[str | None, str]:
    """(path of ``go``, its version) or (None, why not)."""
    go = shutil.which("go")
    if go is None:
        return None, "no `go` on PATH (Debian: apt-get install golang-go; .ci/run does)"
    completed = subprocess.run([go, "version"], capture_output=True, text=True, check=False)
    return go, completed.stdout.strip()


def go_env(cache: Path) -> dict[str, str]:
    """Offline and local: no module proxy, no toolchain download, a build cache under dist/.cache."""
    extra = {"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local", "GO111MODULE": "on"}
    return tool_env({**extra, "GOCACHE": str(cache / "go-build"), "GOPATH": str(cache / "gopath")})


def cache_key(bundle: Bundle) -> str:
    digest = hashlib.sha256()
    for part in (
        bundle.json_path.read_bytes(),
        json.dumps([GENERATORS, TSCONFIG], sort_keys=True).encode(),
        TS_PROBE.read_bytes(),
        GO_PROBE.read_bytes(),
        (OPENAPI / "package-lock.json").read_bytes(),
        package_version("openapi-generator-cli").encode(),
        go_toolchain()[1].encode(),
    ):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:20]


def compile_typescript(workdir: Path) -> None:
    (workdir / "probe").mkdir()
    shutil.copyfile(TS_PROBE, workdir / "probe" / TS_PROBE.name)
    (workdir / "tsconfig.json").write_text(json.dumps(TSCONFIG, indent=2), encoding="utf-8")
    run([node_tool("tsc"), "--project", workdir / "tsconfig.json"], what="tsc --strict (TypeScript clients + probe)")


def compile_go(workdir: Path, go: str) -> None:
    main = workdir / "go" / "cmd" / "dcsprobe" / "main.go"
    main.parent.mkdir(parents=True)
    shutil.copyfile(GO_PROBE, main)
    command: Command = [go, "build", "-o", workdir / "build" / "go-probe", "./cmd/dcsprobe"]
    run(command, what="go build (Go client + probe)", cwd=workdir / "go", env=go_env(workdir.parent))


def build(bundle: Bundle, workdir: Path) -> dict[str, str]:
    """Generate the ten outputs, then compile the TypeScript and Go probes against them, into ``workdir``.

    A generator failure raises; failed compiles are returned (leg -> error), so the other probes
    and the string check still run and the report names every client that cannot cope.
    """
    configs = []
    for name, options in GENERATORS.items():
        config = workdir / f"{name}.config.yaml"
        generator = {"generatorName": name, "inputSpec": str(bundle.json_path), "outputDir": str(workdir / name)}
        config.write_text(yaml.safe_dump({**generator, **options}), encoding="utf-8")
        configs.append(config)
    openapi_generator: Command = [
        VENV_BIN / "openapi-generator-cli", "batch", "--fail-fast", "--threads", "2", *configs
    ]  # fmt: skip
    openapi_typescript: Command = [
        node_tool("openapi-typescript"), bundle.json_path, "--output", workdir / "openapi-typescript" / "dcs.ts"
    ]  # fmt: skip
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(run, openapi_generator, what=f"openapi-generator ({', '.join(GENERATORS)})"),
            pool.submit(run, openapi_typescript, what="openapi-typescript"),
        ]
        for job in jobs:
            job.result()
    compiles: dict[str, Callable[[], None]] = {"typescript": lambda: compile_typescript(workdir)}
    go, _ = go_toolchain()
    if go is not None:
        compiles["go"] = lambda: compile_go(workdir, go)
    failures = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        compile_jobs = {leg: pool.submit(action) for leg, action in compiles.items()}
        for leg, compile_job in compile_jobs.items():
            error = compile_job.exception()
            if error is not None:
                failures[leg] = str(error)
    return failures


@contextmanager
def built_clients(bundle: Bundle, cache: Path) -> Iterator[tuple[Path, bool, dict[str, str]]]:
    """The clients built from this bundle: (directory, from the cache?, compile failures by leg).

    Only a complete build is kept (one key at a time); a failed one is removed after use.
    """
    key = cache_key(bundle)
    final = cache / f"clients-{key}"
    if (final / ".complete").is_file():
        yield final, True, {}
        return
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob("clients-*"):
        shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f"clients-{key}.", dir=cache))
    try:
        compile_failures = build(bundle, work)
        if not compile_failures:
            (work / ".complete").touch()
            work.rename(final)
        yield (final if not compile_failures else work), False, compile_failures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def examples(bundle: Bundle) -> dict[str, Any]:
    operation = bundle.document["paths"]["/v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress"]["get"]
    named = operation["responses"]["200"]["content"]["application/json"]["examples"]
    return {name: example["value"] for name, example in named.items()}


def example_task_id(bundle: Bundle) -> str:
    """The spec's TaskId example names the task the emulator serves like the vendor's example."""
    return str(bundle.document["components"]["parameters"]["TaskId"]["example"])


def probe_commands(clients: Path, probe_input: Path, skipped: set[str]) -> dict[str, tuple[Command, dict[str, str]]]:
    commands: dict[str, tuple[Command, dict[str, str]]] = {
        "Python probe": ([sys.executable, PY_PROBE, probe_input], {"PYTHONPATH": str(clients / "python")}),
    }
    if "typescript" not in skipped:
        node = shutil.which("node") or "node"
        commands["TypeScript probe"] = ([node, clients / "build" / "probe" / "probe.js", probe_input], {})
    if "go" not in skipped:
        commands["Go probe"] = ([clients / "build" / "go-probe", probe_input], {})
    return commands


def probe(
    bundle: Bundle, cache: Path, emulator: Callable[[str], AbstractContextManager[EmulatorCoordinates]] | None
) -> list[str]:
    """Build (or reuse) the clients, check them, run the probes (against the emulator, if given); return lines."""
    serving = emulator(example_task_id(bundle)) if emulator else nullcontext(None)
    with built_clients(bundle, cache) as (clients, cached, compile_failures), serving as coordinates:
        lines = [f"clients built from {bundle.json_path.name} {'(cached)' if cached else '(fresh)'}: {clients}"]
        failures = list(compile_failures.values())
        fields = open_enum_fields(bundle.document)
        outputs = {name: clients / name for name in OUTPUTS}
        compat_lines, compat_failures = string_compat.check(outputs, fields)
        lines.append(f"open-enum fields ({', '.join(map(str, fields))}) are strings in all {len(outputs)} outputs:")
        lines.extend(f"  {line}" for line in compat_lines)
        failures.extend(compat_failures)
        given: dict[str, Any] = {"example": examples(bundle)["dataMigration"], "examples": examples(bundle)}
        if coordinates is not None:
            given["emulator"] = coordinates
        probe_input = clients / "probe-input.json"
        probe_input.write_text(json.dumps(given, ensure_ascii=False), encoding="utf-8")
        go, why_not = go_toolchain()
        skipped = set(compile_failures)
        if go is None:
            skipped.add("go")
            lines.append(f"SKIPPED go: {why_not}")
        lines.append(RUST_NOT_COMPILED)
        commands = probe_commands(clients, probe_input, skipped)
        with ThreadPoolExecutor(max_workers=3) as pool:
            jobs = [
                pool.submit(run, command, what=what, env=tool_env(extra)) for what, (command, extra) in commands.items()
            ]
            for job in jobs:
                try:
                    lines.append(job.result().strip())
                except PublishError as failed:
                    failures.append(str(failed))
    if failures:
        raise PublishError("\n\n".join(failures))
    return lines
