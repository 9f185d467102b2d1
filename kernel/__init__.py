"""The shared kernel: settings, domain errors, text rules, Markdown, audit log and the `Caller`."""
