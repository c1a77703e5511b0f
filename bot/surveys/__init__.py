"""Surveys in the bot: the LINE dialog, the admin API, exports and the public report page.

The rules, scoring and tables are in the `surveys` package; this folder connects them to residents,
staff, the outbox and HTTP.
"""
