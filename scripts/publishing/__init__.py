"""Publishing the spec: bundle, lint, other-language generators and the breaking-change gate.

``scripts/publish.py`` is the command line; each module here does one of those jobs.
"""
