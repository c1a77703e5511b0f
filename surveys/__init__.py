"""The survey domain (definitions, responses, scoring toward the 80 % targets, summaries).

A package of its own so that it stays independent: it imports neither `bot`, FastAPI nor linebot
(tests/test_boundaries.py checks). Built in its own issue; `bot/` may import it, never the reverse.
"""
