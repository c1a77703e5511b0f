"""The dialog engine: routers, typed postbacks, per-resident conversation state, global commands."""
