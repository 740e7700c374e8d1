"""What a run tells a person: the printed summary, live progress, spec coverage, the failing exchanges, the HTML
report and the HAR file, and writing the report files. Each is an observer of the run or reads its report
afterwards; nothing here sends a request or judges an answer.
"""
