"""The synthesis workbook's contributions: every one, in every status, with its answer, as text."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from bench.export import has_zip64_extra
from consultation.contributions.models import Status
from consultation.statistics import workbook_contributions
from consultation.statistics.workbook import write_workbook
from consultation.statistics.workbook_contributions import COLUMNS
from tests.statistics.workbook_scenario import ANSWER, build_scenario, sheet_rows, wall_clock

HEADERS = tuple(column.header for column in COLUMNS)


@pytest.fixture
def scenario(database, clock):
    return build_scenario()


def as_dicts(rows: list[tuple]) -> list[dict]:
    header, *values = rows
    return [dict(zip(header, row, strict=True)) for row in values]


def test_the_contributions_sheet_has_one_row_per_contribution_in_every_status(scenario, tmp_path):
    path = tmp_path / "classeur.xlsx"

    row_count = write_workbook(scenario.consultation, path)

    rows = sheet_rows(path, "Contributions")
    assert row_count == 6
    assert rows[0] == HEADERS
    assert [row["Référence"] for row in as_dicts(rows)] == [
        contribution.reference for contribution in scenario.contributions
    ]
    assert [row["Statut"] for row in as_dicts(rows)] == [
        "Publiée", "Refusée", "Publiée", "En attente de modération", "Masquée", "Publiée",
    ]  # fmt: skip


def test_a_row_tells_where_who_what_and_the_answer(scenario, tmp_path):
    path = tmp_path / "classeur.xlsx"

    write_workbook(scenario.consultation, path)

    first, refused, industry, _, hidden, mailed = as_dicts(sheet_rows(path, "Contributions"))
    assert first["Chapitre"] == "1. Socle"
    assert first["Section"] == "Ensemble du chapitre"
    assert first["Profil"] == "Citoyen ou citoyenne"
    assert first["Contribution"] == "Premier avis sur le socle."
    assert (first["Réponse"], first["État de la réponse"]) == (ANSWER, "Publiée")
    assert first["Disposition"] == "Prise en compte"
    assert isinstance(first["Réponse publiée le"], datetime)
    assert first["Thèmes"] == "Éthique; Sécurité"
    assert first["Lien"] == f"http://concertation.test/contributions/{first['Référence']}"
    assert refused["Motif"] == "Hors sujet"
    assert hidden["Motif"] == "Données personnelles ou de santé"
    assert (industry["Section"], industry["Organisation"]) == ("1.1 Première partie", "Acme")
    assert industry["Groupe de doublons"] == first["Référence"]
    assert (mailed["Canal"], mailed["Nom affiché"]) == ("Reçue par courriel", "Association Santé")
    assert (mailed["État de la réponse"], mailed["Réponse publiée le"]) == ("Brouillon", None)


def test_dates_are_excel_dates_in_paris_time_shown_the_french_way(scenario, tmp_path):
    path = tmp_path / "classeur.xlsx"
    first = scenario.contributions[0]

    write_workbook(scenario.consultation, path)

    sheet = load_workbook(path)["Contributions"]
    cell = sheet.cell(row=2, column=HEADERS.index("Déposée le") + 1)
    assert cell.number_format == "dd/mm/yyyy hh:mm"
    # Submitted at 07:00 UTC in March: 08:00 in Paris, written without a zone (Excel has none).
    assert first.submitted_at == datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
    assert cell.value == wall_clock(2026, 3, 1, 8, 0)


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_contribution_that_looks_like_a_formula_is_written_as_text(
    scenario, make_contribution, tmp_path, start
):
    chapter = scenario.contributions[0].chapter
    body = f'{start}HYPERLINK("http://pirate.example";"cliquez")+1'
    make_contribution(chapter, body=body, organisation=f"{start}SUM(A1:A9)")
    path = tmp_path / "classeur.xlsx"

    write_workbook(scenario.consultation, path)

    sheet = load_workbook(path)["Contributions"]
    row = 2 + len(scenario.contributions)
    text = sheet.cell(row=row, column=HEADERS.index("Contribution") + 1)
    organisation = sheet.cell(row=row, column=HEADERS.index("Organisation") + 1)
    assert (text.data_type, text.value) == ("s", body)
    assert (organisation.data_type, organisation.value) == ("s", f"{start}SUM(A1:A9)")
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)


def test_past_the_row_limit_contributions_continue_on_another_sheet(
    scenario, tmp_path, monkeypatch
):
    monkeypatch.setattr(workbook_contributions, "MAX_SHEET_ROWS", 5)  # header and 4 rows
    path = tmp_path / "classeur.xlsx"

    row_count = write_workbook(scenario.consultation, path)

    first, second = sheet_rows(path, "Contributions"), sheet_rows(path, "Contributions (2)")
    assert row_count == 6
    assert (len(first), len(second)) == (5, 3)
    assert first[0] == second[0] == HEADERS
    references = [row[0] for row in first[1:] + second[1:]]
    assert references == [contribution.reference for contribution in scenario.contributions]


def test_the_header_row_is_frozen_and_filters_cover_every_row(scenario, tmp_path):
    path = tmp_path / "classeur.xlsx"

    write_workbook(scenario.consultation, path)

    sheet = load_workbook(path)["Contributions"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:R7"
    assert sheet.column_dimensions["K"].width == 80
    assert sheet["K2"].alignment.wrap_text


def test_progress_is_told_with_the_total(scenario, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_contributions, "BATCH_SIZE", 4)
    told = []

    write_workbook(
        scenario.consultation, tmp_path / "classeur.xlsx", lambda *pair: told.append(pair)
    )

    assert told == [(4, 6), (6, 6)]


def test_a_failure_leaves_no_file_behind(scenario, tmp_path, monkeypatch):
    def broken(*args):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(workbook_contributions, "_cells", broken)

    with pytest.raises(RuntimeError):
        write_workbook(scenario.consultation, tmp_path / "classeur.xlsx")

    assert list(tmp_path.iterdir()) == []


def test_a_contribution_longer_than_a_cell_holds_is_cut_and_says_so(
    scenario, make_contribution, tmp_path
):
    make_contribution(scenario.contributions[0].chapter, body="a" * 40_000, status=Status.PENDING)
    path = tmp_path / "classeur.xlsx"

    write_workbook(scenario.consultation, path)

    text = as_dicts(sheet_rows(path, "Contributions"))[-1]["Contribution"]
    assert len(text) == 32_767
    assert text.endswith("(texte tronqué : une cellule Excel contient au plus 32 767 caractères)")


def test_a_sheet_past_the_zip64_limit_gets_zip64_records_and_reads_back(
    scenario, tmp_path, monkeypatch
):
    # 4 GB of XML takes a million long contributions: the limit is lowered instead.
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 2_000)
    path = tmp_path / "classeur.xlsx"

    write_workbook(scenario.consultation, path)

    with zipfile.ZipFile(path) as archive:
        large = [info for info in archive.infolist() if info.file_size > 2_000]
        assert "xl/worksheets/sheet2.xml" in [info.filename for info in large]  # Contributions
        assert all(has_zip64_extra(info) for info in large)
        assert archive.testzip() is None
    monkeypatch.undo()
    assert len(sheet_rows(path, "Contributions")) == 7
