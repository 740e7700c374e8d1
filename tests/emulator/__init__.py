"""Tests of the DCS emulator: model, clock, auth, faults, conformance to the spec, hostile input, layering."""
