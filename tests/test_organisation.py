"""The organisation file: the bundled example loads; mistakes are reported clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.organisation import DEFAULT_ORGANISATION_FILE, PUBLIC_INFO_GROUPS, load_organisation


def test_the_phana_example_loads_with_the_five_public_information_groups() -> None:
    org = load_organisation()
    assert org.short_name == "อบต.พนา" and org.particle in ("ค่ะ", "ครับ")
    assert [g.group for g in org.public_info] == list(PUBLIC_INFO_GROUPS)
    assert all(v.population > 0 for v in org.villages)
    assert "EXAMPLE" in DEFAULT_ORGANISATION_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("number = 2\n", "number = 1\n"), "village numbers must be unique"),
        (('unit = "health"', 'unit = "space"'), "unknown unit"),
        (('group = "การบริหารงาน"', 'group = "อื่น ๆ"'), "unknown public-information group"),
        (('particle = "ค่ะ"', 'particle = "จ้า"'), "particle"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    broken = tmp_path / "org.toml"
    broken.write_text(DEFAULT_ORGANISATION_FILE.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        load_organisation(broken)
