"""Tests of the Python SDK: client, auth against the official signer, retries, models, networking, observability."""
