// Tests arrive with the rule (issue 15).
