"""Tests of publishing: bundle, lint, breaking-change gate, generator matrix, reference page, wheel."""
