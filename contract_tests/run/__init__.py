"""Driving one run: `state.SuiteRun` ties the target, the settings and the phases together around one session,
and `runner.run_suite` runs the suite's pytest module (`suite_tests`) against it with the plugin that hands it the
run and parametrizes it per operation.
"""
