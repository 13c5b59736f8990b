"""The workbook opens in LibreOffice Calc: converted headless to CSV, sheet by sheet.

LibreOffice runs with a profile of its own in the test's folder, so that parallel runs do not
share (and lock) one profile.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from consultation.statistics.workbook import write_workbook
from tests.statistics.test_workbook_figures import SHEETS
from tests.statistics.workbook_scenario import build_scenario

#: Comma, double quote, UTF-8, cells as shown (formats applied), every sheet to its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
CONVERSION_SECONDS = 120


@pytest.fixture
def scenario(database, clock):
    return build_scenario()


def convert_to_csv(workbook: Path, folder: Path) -> dict[str, list[list[str]]]:
    """Each sheet as LibreOffice reads it, by title."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice Calc is needed (apt-get install libreoffice-calc-nogui)"
    profile = (folder / "profil-libreoffice").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless",
               "--convert-to", CSV_FILTER, "--outdir", str(folder), str(workbook)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=CONVERSION_SECONDS)
    sheets = {}
    for path in folder.glob(f"{workbook.stem}-*.csv"):
        with path.open(encoding="utf-8", newline="") as stream:
            sheets[path.stem.removeprefix(f"{workbook.stem}-")] = list(csv.reader(stream))
    return sheets


def test_libreoffice_reads_every_sheet_and_the_figures(scenario, make_contribution, tmp_path):
    formula = '=HYPERLINK("http://pirate.example";"cliquez")'
    make_contribution(scenario.contributions[0].chapter, body=formula)
    workbook = tmp_path / "classeur.xlsx"
    write_workbook(scenario.consultation, workbook)

    sheets = convert_to_csv(workbook, tmp_path / "csv")

    assert sorted(sheets) == sorted(SHEETS)
    key = dict(sheets["Chiffres clés"][1:])
    assert key["Contributions (tous statuts)"] == "7"
    assert key["Visiteurs uniques"] == "200"
    assert key["Ouverture"] == "10/02/2026 10:00"
    assert sheets["Par chapitre"][1:] == [
        ["1. Socle", "4", "0", "4"],
        ["2. Usages", "2", "1", "3"],
        ["3. Fin", "0", "0", "0"],
    ]
    header, *rows = sheets["Contributions"]
    assert len(rows) == 7
    assert rows[0][header.index("Déposée le")] == "01/03/2026 08:00"
    assert rows[-1][header.index("Contribution")] == formula
