"""The public portal: one Jinja2 layout for every public page (no login, stable URLs, printable)."""
