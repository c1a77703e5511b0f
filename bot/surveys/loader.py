"""Load survey definitions from TOML files into the database (the shipped six when no file is given):
`tambon surveys load [FILE.toml ...] [--update]`.

New keys are installed as drafts (a manager opens them); with --update, a changed definition of an
existing survey is published as its next version (refused, like the API, if it breaks a locked rule).
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlmodel import Session

from bot.config import Settings
from bot.db import make_engine
from bot.thai import utcnow
from surveys import catalogue
from surveys.catalogue import SurveyConflict
from surveys.definition import DefinitionError, load_file, shipped_definitions


def load(files: list[Path], update: bool = False) -> int:
    """Install or (with `update`) revise the definitions; the exit status for the command line."""
    try:
        definitions = [load_file(path) for path in files] if files else shipped_definitions()
    except DefinitionError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 2
    now = utcnow()
    engine = make_engine(Settings().database_url)
    with Session(engine) as session:
        for definition in definitions:
            survey = catalogue.get(session, definition.key)
            try:
                if survey is None:
                    catalogue.install(session, definition, now)
                    print(f"installed {definition.key} (draft)")
                elif update:
                    before = survey.version
                    catalogue.revise(session, survey, definition, now)
                    print(f"{definition.key}: version {survey.version}" + (" (unchanged)" if before == survey.version
                                                                            else ""))
                else:
                    print(f"{definition.key}: already installed (use --update to publish changes)")
            except SurveyConflict as error:
                print(f"{definition.key}: {error}", file=sys.stderr)
                return 1
        session.commit()
    return 0

