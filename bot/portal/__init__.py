"""The public portal: one Jinja2 layout for every public page (no login, stable URLs, printable), with the
helpers the domains' web pages share (charts, PDF, the forms' fields and guard, the fiscal-year picker).
It imports no domain: each domain's pages live in that domain (`public`, `web_form`), and a page reading
several domains above them (`bot.tracking.public`, `bot.outcomes.public`)."""
