"""Load survey definitions from TOML files into the database (the shipped six when no file is given):
`tambon surveys load [FILE.toml ...] [--update]`.

New keys are installed as drafts (a manager opens them); with --update, a changed definition of an
existing survey is published as its next version (refused, like the API, if it breaks a locked rule).
"""

from __future__ import annotations

import sys
from datetime import datetime, time
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.db import make_engine
from bot.organisation import Organisation
from bot.surveys import service
from bot.thai import utcnow
from surveys import catalogue
from surveys.catalogue import SurveyConflict
from surveys.definition import DefinitionError, load_file, shipped_definitions
from surveys.periods import BANGKOK, fiscal_year_end, period_of


def load(files: list[Path], update: bool = False) -> int:
    """Install or (with `update`) revise the definitions; the exit status for the command line."""
    settings = Settings()
    organisation = settings.organisation.short_name
    try:
        definitions = [load_file(path, organisation) for path in files] if files else shipped_definitions(organisation)
    except DefinitionError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 2
    now = utcnow()
    engine = make_engine(settings.database_url)
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
                    print(
                        f"{definition.key}: version {survey.version}"
                        + (" (unchanged)" if before == survey.version else "")
                    )
                else:
                    print(f"{definition.key}: already installed (use --update to publish changes)")
            except SurveyConflict as error:
                print(f"{definition.key}: {error}", file=sys.stderr)
                return 1
        session.commit()
    return 0


def opens_from(org: Organisation, now: datetime) -> datetime:
    """When the surveys the organisation file opens by default take answers from: the start of the current
    fiscal year (1 October, Thai time), or the file's date."""
    start = org.surveys.open_from
    if start == "fiscal_year":
        return fiscal_year_end(period_of(now).fiscal_year - 1)
    return datetime.combine(start, time(), tzinfo=BANGKOK)


def install_defaults(session: Session, org: Organisation, now: datetime) -> list[str]:
    """The fresh-install defaults (`tambon db upgrade`, the first start of `tambon serve`): install the shipped
    surveys whose key is not taken yet, speaking of the organisation by its short name; open those the
    organisation file lists; count ratings kept aside for surveys now open. Idempotent: a survey already
    there is left as it is (a manager's close stays closed). Returns the keys installed. Never commits."""
    added = catalogue.install_missing(session, shipped_definitions(org.short_name), now)
    for survey in added:
        if survey.key in org.surveys.open:
            catalogue.open_survey(survey, now, opens_at=opens_from(org, now))
    service.release_pending_ratings(session, now)
    return [survey.key for survey in added]


def install_defaults_into(engine: Engine, org: Organisation, now: datetime | None = None) -> list[str]:
    with Session(engine) as session:
        added = install_defaults(session, org, now or utcnow())
        session.commit()
    return added
