// Proves the Go client openapi-generator makes from the bundle works: built with Debian's Go
// (standard library only, offline) and run by scripts/publishing/clients.py. Input: a JSON file
// (argv[1]) with the spec's 200 examples and, when an emulator runs, its base URL, a demo token
// and the IDs of two tasks it serves (one with each timestamp form).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	dcs "github.com/GIT_USER_ID/GIT_REPO_ID"
)

type emulator struct {
	BaseURL       string `json:"baseUrl"`
	Token         string `json:"token"`
	ProjectID     string `json:"projectId"`
	InstanceID    string `json:"instanceId"`
	TaskID        string `json:"taskId"`
	IsoInstanceID string `json:"isoInstanceId"`
	IsoTaskID     string `json:"isoTaskId"`
	MissingTaskID string `json:"missingTaskId"`
}

type input struct {
	Examples map[string]json.RawMessage `json:"examples"`
	Emulator *emulator                  `json:"emulator"`
}

var passed int
var failures []string

func expect(condition bool, what string) {
	if condition {
		passed++
	} else {
		failures = append(failures, what)
	}
}

// plain reads JSON into maps and slices: two bodies are equal when their plain forms are.
func plain(body []byte) interface{} {
	var value interface{}
	if err := json.Unmarshal(body, &value); err != nil {
		panic(err)
	}
	return value
}

func roundTrips(parsed *dcs.ShowBackgroundTaskProgressResponse, body []byte) bool {
	again, err := json.Marshal(parsed)
	return err == nil && reflect.DeepEqual(plain(again), plain(body))
}

func parse(body []byte, what string) *dcs.ShowBackgroundTaskProgressResponse {
	var parsed dcs.ShowBackgroundTaskProgressResponse
	if err := json.Unmarshal(body, &parsed); err != nil {
		expect(false, fmt.Sprintf("go: %s does not parse: %v", what, err))
		return nil
	}
	return &parsed
}

func probeExamples(examples map[string]json.RawMessage) {
	example := parse(examples["dataMigration"], "the vendor's example")
	if example == nil {
		return
	}
	expect(example.GetProgress() == 30 && example.GetRemainTime() == 100, "go: the example's progress and remain_time")
	first := example.GetStepDetails()[0]
	expect(first.GetStepStatus() == "FINISH", "go: a documented step_status is the string FINISH")
	expect(first.GetBeginTime() == "2022-09-01 11:52:24", "go: a space-separated timestamp is kept as sent")
	expect(roundTrips(example, examples["dataMigration"]), "go: the example round-trips through the model")

	finished := parse(examples["finished"], "the finished example")
	if finished != nil {
		begin := finished.GetStepDetails()[0].GetBeginTime()
		expect(begin == "2020-06-17T07:38:42.503Z", "go: an ISO 8601 timestamp is kept as sent, got "+begin)
	}

	unknown := plain(examples["dataMigration"]).(map[string]interface{})
	for _, step := range unknown["step_details"].([]interface{}) {
		step.(map[string]interface{})["step_status"] = "PAUSED"
	}
	body, _ := json.Marshal(unknown)
	parsedUnknown := parse(body, "a body with step_status PAUSED")
	if parsedUnknown != nil {
		kept := parsedUnknown.GetStepDetails()[0].GetStepStatus()
		expect(kept == "PAUSED", "go: an unknown step_status is kept as the string PAUSED, got "+kept)
		expect(roundTrips(parsedUnknown, body), "go: a body with an unknown step_status round-trips")
	}
}

func probeEmulator(emu *emulator) {
	config := dcs.NewConfiguration()
	config.Servers = dcs.ServerConfigurations{{URL: emu.BaseURL}}
	config.AddDefaultHeader("X-Auth-Token", emu.Token)
	api := dcs.NewAPIClient(config).BackgroundTasksAPI
	ctx := context.Background()
	tasks := []struct{ instance, task, form string }{
		{emu.InstanceID, emu.TaskID, " "},
		{emu.IsoInstanceID, emu.IsoTaskID, "T"},
	}
	for _, task := range tasks {
		parsed, response, err := api.ShowBackgroundTaskProgress(ctx, emu.ProjectID, task.instance, task.task).Execute()
		if err != nil || response == nil {
			expect(false, fmt.Sprintf("go emulator: task %s failed: %v", task.task, err))
			continue
		}
		body, _ := io.ReadAll(response.Body) // the oracle: the same body, read by encoding/json
		expect(response.StatusCode == 200, fmt.Sprintf("go emulator: status 200, got %d", response.StatusCode))
		expect(len(parsed.GetStepDetails()) > 0, "go emulator: the task has steps")
		expect(roundTrips(parsed, body), "go emulator: the parsed task equals the raw JSON body")
		begin := parsed.GetStepDetails()[0].GetBeginTime()
		expect(len(begin) > 10 && begin[10:11] == task.form, "go emulator: timestamp form "+task.form+" in "+begin)
	}
	_, response, err := api.ShowBackgroundTaskProgress(ctx, emu.ProjectID, emu.InstanceID, emu.MissingTaskID).Execute()
	var apiError *dcs.GenericOpenAPIError
	expect(errors.As(err, &apiError) && response != nil && response.StatusCode == 404 &&
		strings.Contains(string(apiError.Body()), "error_code"), "go emulator: an unknown task gives 404 with the error body")
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var given input
	if err := json.Unmarshal(raw, &given); err != nil {
		panic(err)
	}
	probeExamples(given.Examples)
	suffix := ""
	if given.Emulator != nil {
		probeEmulator(given.Emulator)
		suffix = " (emulator included)"
	}
	for _, failure := range failures {
		fmt.Fprintln(os.Stderr, "FAILED "+failure)
	}
	fmt.Printf("Go client (openapi-generator): %d checks passed%s\n", passed, suffix)
	if len(failures) > 0 {
		os.Exit(1)
	}
}
