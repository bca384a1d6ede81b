// Tests land with the golden reports.
