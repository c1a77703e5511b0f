"""The browser tests' fixtures (a served Tambon, a Chromium), shared by the console's browser test modules."""

from tests.console.browser import browser, service

__all__ = ["browser", "service"]
