"""The rules an answer is judged by, one module per family: a progress body's invariants, a listing page's, HTTP
semantics, what the target's known tasks must answer, answers across operations (a listing against a task's
progress, a deletion against what follows), a throttled answer, and the right answers to the suite's probes.
Checks judge; they send only the requests a cross-operation rule needs to compare with, and never decide what
the run sends.
"""
