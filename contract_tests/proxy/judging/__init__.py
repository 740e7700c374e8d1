"""Judging what passes through the proxy against the spec, with the contract suite's checks, and reporting it as the
suite does (`Judge`, an `ExchangeObserver`): the requests (`request_rules`), the answers (`passing`: an exchange as a
Schemathesis case and response), the cross-operation rules on passing traffic (`traffic_rules`), live progress
(`progress`) and the summary and report files (`report`). The only part of the proxy that imports the suite beyond
its settings table (import-linter: `proxy-core-without-suite`).
"""

from .judge import Judge

__all__ = ["Judge"]
