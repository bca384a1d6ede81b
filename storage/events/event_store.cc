// Placeholder: filled in by this session's work on issue 16/17.
