"""The DCS contract-testing kit: a Schemathesis contract suite for any server that implements
`openapi/dcs.yaml` (run it with `python -m contract_tests.cli`, i.e. `make contract`), and the
stateful emulator it tests by default (`contract_tests.emulator`). Its proofs live in `tests/contract`."""
