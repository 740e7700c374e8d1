// Proves the TypeScript clients generated from the bundle work: compiled with `tsc --strict` and run
// with node by scripts/publishing/clients.py. Input: a JSON file (argv[2]) with the 200 example
// and, when an emulator runs, its base URL, a demo token and the IDs of a task it serves.
import { readFileSync } from "node:fs";

import type { components } from "../openapi-typescript/dcs";
import {
  BackgroundTasksApi,
  Configuration,
  ResponseError,
  ShowBackgroundTaskProgressResponseFromJSON,
  ShowBackgroundTaskProgressResponseToJSON,
} from "../typescript-fetch";

type Progress = components["schemas"]["ShowBackgroundTaskProgressResponse"];

interface ProbeInput {
  example: Progress;
  examples: { dataMigration: Progress; finished: Progress };
  emulator?: {
    baseUrl: string;
    token: string;
    projectId: string;
    instanceId: string;
    taskId: string;
    isoInstanceId: string;
    isoTaskId: string;
    missingTaskId: string;
  };
}

// openapi-typescript's types are checked at compile time: an unknown status is a valid value, a
// string progress is not.
const withUnknownStatus: Progress = { progress: 30, step_details: [{ step_status: "PAUSED", sub_step_details: [] }] };
// @ts-expect-error progress is an integer in the spec
const wronglyTyped: Progress = { progress: "30" };

const failures: string[] = [];
let passed = 0;

function expect(condition: boolean, what: string): void {
  if (condition) {
    passed += 1;
  } else {
    failures.push(what);
  }
}

// JSON with sorted keys and undefined members dropped: equal bodies give equal strings.
function canonical(value: unknown): string {
  const sortKeys = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(sortKeys);
    if (node !== null && typeof node === "object") {
      const entries = Object.entries(node as Record<string, unknown>).filter(([, member]) => member !== undefined);
      return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, member]) => [key, sortKeys(member)]));
    }
    return node;
  };
  return JSON.stringify(sortKeys(value));
}

function roundTrips(body: unknown): boolean {
  return canonical(ShowBackgroundTaskProgressResponseToJSON(ShowBackgroundTaskProgressResponseFromJSON(body))) === canonical(body);
}

async function probeEmulator(emulator: NonNullable<ProbeInput["emulator"]>): Promise<void> {
  // IAM-token auth as a plain header: the generated apiKey hook would also send an empty Authorization.
  const api = new BackgroundTasksApi(new Configuration({ basePath: emulator.baseUrl, headers: { "X-Auth-Token": emulator.token } }));
  const ids = { projectId: emulator.projectId, instanceId: emulator.instanceId };
  const tasks: [string, string, string][] = [
    [emulator.instanceId, emulator.taskId, " "],
    [emulator.isoInstanceId, emulator.isoTaskId, "T"],
  ];
  for (const [instanceId, taskId, form] of tasks) {
    const raw = await api.showBackgroundTaskProgressRaw({ projectId: emulator.projectId, instanceId, taskId });
    const body: unknown = await raw.raw.clone().json(); // the oracle: the same body, read by JSON.parse
    const parsed = await raw.value();
    expect(raw.raw.status === 200, `emulator: status 200 for task ${taskId}, got ${raw.raw.status}`);
    expect((parsed.stepDetails ?? []).length > 0, "emulator: the task has steps");
    expect(canonical(ShowBackgroundTaskProgressResponseToJSON(parsed)) === canonical(body), "emulator: the parsed task equals the raw JSON body");
    const begin = parsed.stepDetails?.[0]?.beginTime ?? "";
    expect(begin.charAt(10) === form, `emulator: timestamp form '${form}' in '${begin}'`);
  }
  try {
    await api.showBackgroundTaskProgress({ ...ids, taskId: emulator.missingTaskId });
    expect(false, "emulator: an unknown task must raise ResponseError");
  } catch (error) {
    expect(error instanceof ResponseError && error.response.status === 404, `emulator: an unknown task gives ResponseError 404, got ${String(error)}`);
  }
}

async function main(): Promise<void> {
  const input = JSON.parse(readFileSync(process.argv[2], "utf-8")) as ProbeInput;
  const example = ShowBackgroundTaskProgressResponseFromJSON(input.example);
  expect(example.progress === 30 && example.remainTime === 100, "typescript-fetch: the example's progress and remain_time");
  expect(example.stepDetails?.[0]?.stepStatus === "FINISH", "typescript-fetch: a documented step_status is the string FINISH");
  expect(example.stepDetails?.[0]?.beginTime === "2022-09-01 11:52:24", "typescript-fetch: a space-separated timestamp is kept as sent");
  const finished = ShowBackgroundTaskProgressResponseFromJSON(input.examples.finished);
  expect(finished.stepDetails?.[0]?.beginTime === "2020-06-17T07:38:42.503Z", "typescript-fetch: an ISO 8601 timestamp is kept as sent");
  expect(roundTrips(input.example), "typescript-fetch: the example round-trips through FromJSON/ToJSON");

  const unknown = structuredClone(input.example) as Progress;
  unknown.step_details = (unknown.step_details ?? []).map((step) => ({ ...step, step_status: "PAUSED" }));
  const parsedUnknown = ShowBackgroundTaskProgressResponseFromJSON(unknown);
  expect(parsedUnknown.stepDetails?.[0]?.stepStatus === "PAUSED", "typescript-fetch: an unknown step_status is kept as the string 'PAUSED'");
  expect(roundTrips(unknown), "typescript-fetch: a body with an unknown step_status round-trips");
  expect(withUnknownStatus.step_details?.[0]?.step_status === "PAUSED" && typeof wronglyTyped === "object", "openapi-typescript: types compiled");

  if (input.emulator) await probeEmulator(input.emulator);
  for (const failure of failures) console.error(`FAILED ${failure}`);
  console.log(`TypeScript clients: ${passed} checks passed${input.emulator ? " (emulator included)" : ""}`);
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(`TypeScript probe crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
