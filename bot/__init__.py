"""Tambon: a LINE bot and back office for a Thai local administration."""
