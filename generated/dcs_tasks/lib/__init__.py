"""The hand-written part of the SDK (openai-python's ``lib/`` convention): ``make generate`` never touches it.

Import from the package root (``dcs_tasks``); ``dcs_tasks.lib.signing`` is the public home of the
SDK-HMAC-SHA256 canonicalisation for other HTTP clients.
"""
