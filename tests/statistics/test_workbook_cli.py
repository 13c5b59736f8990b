"""`flask export workbook SLUG --out FILE`, as an operator runs it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consultation.core.audit import AuditEvent
from consultation.extensions import db
from tests.statistics.workbook_scenario import build_scenario, sheet_rows


@pytest.fixture
def scenario(database, clock):
    return build_scenario()


def test_the_command_writes_the_workbook_and_records_it_in_the_audit_trail(cli, scenario, tmp_path):
    path = tmp_path / "synthese.xlsx"

    result = cli.invoke(args=["export", "workbook", scenario.consultation.slug, "--out", path])

    assert result.exit_code == 0, result.output
    assert f"Classeur écrit : {path} (6 contribution(s))." in result.output
    assert len(sheet_rows(path, "Contributions")) == 7
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("%workbook%")))
    assert (event.action, event.object_label) == (
        "consultation.export_workbook",
        scenario.consultation.title,
    )
    assert event.after == {"contributions": 6, "file": "synthese.xlsx"}
    assert event.actor_label == "ligne de commande"


def test_an_unknown_consultation_is_refused_and_no_file_is_written(cli, scenario, tmp_path):
    path = tmp_path / "synthese.xlsx"

    result = cli.invoke(args=["export", "workbook", "inconnue", "--out", path])

    assert result.exit_code != 0
    assert "Aucune consultation n’a l’identifiant « inconnue »." in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_path_is_told_in_french_and_leaves_nothing(cli, scenario, tmp_path):
    # A file where the folder should be: no one, not even root, can write under it.
    (tmp_path / "rapport").write_text("un fichier, pas un dossier")
    path = tmp_path / "rapport" / "synthese.xlsx"

    result = cli.invoke(args=["export", "workbook", scenario.consultation.slug, "--out", path])

    assert result.exit_code != 0
    assert (
        f"Impossible d’écrire le fichier {path} : un élément du chemin n’est pas un dossier."
        in result.output
    )
    assert [item.name for item in tmp_path.iterdir()] == ["rapport"]


def test_a_missing_folder_is_told_in_french(cli, scenario, tmp_path):
    path = tmp_path / "absent" / "synthese.xlsx"

    result = cli.invoke(args=["export", "workbook", scenario.consultation.slug, "--out", path])

    assert result.exit_code != 0
    assert f"Impossible d’écrire le fichier {path} : le dossier n’existe pas." in result.output
    assert not path.parent.exists()
