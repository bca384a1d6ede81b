// Tests land with the rule.
