"""Other-language clients from the bundle: build them (cached), then prove they work.

Built, keyed by a hash of everything that shapes them (bundle, generator options, tool versions,
probe source), under ``dist/.cache/clients-<key>/`` (only the latest key is kept):
* openapi-generator ``typescript-fetch`` and ``python`` (one JVM, ``batch`` mode);
* openapi-typescript (another family: types only), with the TypeScript probe compiled by
  ``tsc --strict`` against both TypeScript outputs.

Run every time (they talk to the emulator, whose code is not part of the key): the compiled
TypeScript probe under node and ``python_probe.py`` against the openapi-generator Python client.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import yaml

from scripts.publishing.bundle import Bundle
from scripts.publishing.tools import OPENAPI, VENV_BIN, Command, PublishError, node_tool, run, tool_env

HERE = Path(__file__).resolve().parent
TS_PROBE = HERE / "ts" / "probe.ts"
PY_PROBE = HERE / "python_probe.py"
PYTHON_PACKAGE = "dcs_oag"

# openapi-generator options. Neither needs enumUnknownDefaultCase: the spec models step_status as
# `anyOf: [StepStatus, string]`, which both generators turn into "documented value or any string"
# (typescript-fetch passes the string through; python tries StepStatus, then str). The probes prove it.
GENERATORS: dict[str, dict[str, Any]] = {
    "typescript-fetch": {"additionalProperties": {"supportsES6": True}},
    "python": {"additionalProperties": {"packageName": PYTHON_PACKAGE, "projectName": "dcs-oag"}},
}

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


def cache_key(bundle: Bundle) -> str:
    digest = hashlib.sha256()
    for part in (
        bundle.json_path.read_bytes(),
        json.dumps([GENERATORS, TSCONFIG], sort_keys=True).encode(),
        TS_PROBE.read_bytes(),
        (OPENAPI / "package-lock.json").read_bytes(),
        package_version("openapi-generator-cli").encode(),
    ):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:20]


def build(bundle: Bundle, workdir: Path) -> str | None:
    """Generate the three clients and compile the TypeScript probe against them into ``workdir``.

    A generator failure raises; a failed compile is returned, so the Python probe still runs and
    the report names every client that cannot cope.
    """
    configs = []
    for name, options in GENERATORS.items():
        config = workdir / f"{name}.config.yaml"
        generator = {"generatorName": name, "inputSpec": str(bundle.json_path), "outputDir": str(workdir / name)}
        config.write_text(yaml.safe_dump({**generator, **options}), encoding="utf-8")
        configs.append(config)
    openapi_generator: Command = [VENV_BIN / "openapi-generator-cli", "batch", "--fail-fast", *configs]
    openapi_typescript: Command = [
        node_tool("openapi-typescript"), bundle.json_path, "--output", workdir / "openapi-typescript" / "dcs.ts"
    ]  # fmt: skip
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(run, openapi_generator, what="openapi-generator (typescript-fetch, python)"),
            pool.submit(run, openapi_typescript, what="openapi-typescript"),
        ]
        for job in jobs:
            job.result()
    (workdir / "probe").mkdir()
    shutil.copyfile(TS_PROBE, workdir / "probe" / TS_PROBE.name)
    (workdir / "tsconfig.json").write_text(json.dumps(TSCONFIG, indent=2), encoding="utf-8")
    try:
        run(
            [node_tool("tsc"), "--project", workdir / "tsconfig.json"], what="tsc --strict (TypeScript clients + probe)"
        )
    except PublishError as failed:
        return str(failed)
    return None


@contextmanager
def built_clients(bundle: Bundle, cache: Path) -> Iterator[tuple[Path, bool, str | None]]:
    """The clients built from this bundle: (directory, from the cache?, compile failure or None).

    Only a complete build is kept (one key at a time); a failed one is removed after use.
    """
    key = cache_key(bundle)
    final = cache / f"clients-{key}"
    if (final / "build").is_dir():
        yield final, True, None
        return
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob("clients-*"):
        shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f"clients-{key}.", dir=cache))
    try:
        compile_failure = build(bundle, work)
        if compile_failure is None:
            work.rename(final)
        yield (final if compile_failure is None else work), False, compile_failure
    finally:
        shutil.rmtree(work, ignore_errors=True)


def example_body(bundle: Bundle) -> dict[str, Any]:
    operation = bundle.document["paths"]["/v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress"]["get"]
    examples = operation["responses"]["200"]["content"]["application/json"]["examples"]
    return dict(next(iter(examples.values()))["value"])


def example_task_id(bundle: Bundle) -> str:
    """The spec's TaskId example names the task the emulator serves like the vendor's example."""
    return str(bundle.document["components"]["parameters"]["TaskId"]["example"])


def probe(
    bundle: Bundle, cache: Path, emulator: Callable[[str], AbstractContextManager[EmulatorCoordinates]] | None
) -> list[str]:
    """Build (or reuse) the clients, run the probes (against the emulator, if given); return summary lines."""
    serving = emulator(example_task_id(bundle)) if emulator else nullcontext(None)
    with built_clients(bundle, cache) as (clients, cached, compile_failure), serving as coordinates:
        lines = [f"clients built from {bundle.json_path.name} {'(cached)' if cached else '(fresh)'}: {clients}"]
        failures = [] if compile_failure is None else [compile_failure]
        given: dict[str, Any] = {"example": example_body(bundle)}
        if coordinates is not None:
            given["emulator"] = coordinates
        probe_input = clients / "probe-input.json"
        probe_input.write_text(json.dumps(given, ensure_ascii=False), encoding="utf-8")
        commands: dict[str, tuple[Command, dict[str, str] | None]] = {
            "Python probe": ([sys.executable, PY_PROBE, probe_input], {"PYTHONPATH": str(clients / "python")}),
        }
        if compile_failure is None:
            node_probe: Command = [
                shutil.which("node") or "node",
                clients / "build" / "probe" / "probe.js",
                probe_input,
            ]
            commands["TypeScript probe"] = (node_probe, None)
        with ThreadPoolExecutor(max_workers=2) as pool:
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
