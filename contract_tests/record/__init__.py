"""What passes on the wire and what is kept of it: the case and answer types and how to read an answer, the
transport every request of a run goes through (pacing, 429s, timing), the exchanges as reports show them
(scrubbed of secrets), the request IDs seen, and the recorder that turns what the checks find into the run's
report and tells the run's observers. Nothing here judges an answer; the checks above do.
"""
