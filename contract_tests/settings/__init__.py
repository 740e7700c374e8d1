"""The run's settings: every knob a person sets (environment variable or flag), parsed and checked once, with its
default for each kind of target, before anything is built or sent. Below the target and everything else of the
suite: settings know the spec's ID type and nothing more.
"""
