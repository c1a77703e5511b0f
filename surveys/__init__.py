"""The survey domain (definitions, responses, scoring toward the 80 % targets, summaries).

A package of its own so that it stays independent: it imports neither `bot`, FastAPI nor linebot
(tests/test_boundaries.py checks). `bot/` may import it, never the reverse.

    definition   surveys as data (definitions/*.toml): question types, dimensions, skips, quizzes
    flow         which question comes next; what an answer means
    models       tables: survey, survey_version, survey_response, survey_answer, plan_indicator
    catalogue    install, new versions (method locked once answered), open, close
    responses    one response per respondent and fiscal year; anonymous ones keep a salted hash
    scoring      the SQL aggregates (the database sums; Python never loads the answers)
    stats        mean, SD, bands, t and Wilson intervals, target status, Yamane
    summary      a survey's report: items, dimensions, the whole, breakdowns
    indicators   the plan's ITA and corruption-case indicators against their targets
"""
