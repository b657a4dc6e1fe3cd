"""Steps the emulator cannot run are listed here, each as a skip that states its reason."""

import pytest

from conftest import SNIPPETS, parse_sections

NOT_EMULATED = [
    pytest.param(section, id=f"{path.stem}:{section.name}")
    for path in sorted(SNIPPETS.glob("*.sh")) + sorted(SNIPPETS.glob("*.py"))
    for section in parse_sections(path)
    if section.reason
]


@pytest.mark.parametrize("section", NOT_EMULATED)
def test_not_emulated(section):
    pytest.skip(f"not emulated: {section.reason}")
