# Models of the evaluation app (scoring standards, rounds, sheets, credit records,
# inspections) are added by the evaluation issue.
