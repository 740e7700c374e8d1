"""The phases of a run, each one module: the first verdict on the target, the suite's own probes, the generated
cases (the Schemathesis schema aimed at the target, fed its known IDs), sending one case within the budget and
the send policy, and validating one answer with every check.
"""
