"""Block Kit builders: pure functions of data, one module per feature, kept apart from handlers."""
