"""Reading the spec: where the project's one OpenAPI document lives (`document`), the ID triple that names a task
(`ids`, shared with the emulator, which imports nothing else of the suite), and `api.ApiSpec`, the suite's one
reader of the document's operations, parameters, statuses, body schemas, examples and links. Every other folder
asks here what the API is; nothing here knows of a target, a run or a check.
"""
