"""Staff accounts, their roles and API tokens, and the append-only audit log."""
