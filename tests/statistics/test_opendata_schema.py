"""The Table Schema describes every column of both files, and both files conform to it.

frictionless, the reference implementation of Table Schema, checks the descriptor and the data.
"""

from __future__ import annotations

import json

import pytest
from frictionless import Resource, Schema, validate

from consultation.statistics.opendata_schema import COLUMNS
from tests.statistics.opendata_scenario import (
    Scenario,
    cheap_scenario,
    read_csv,
    read_json,
    run_export,
)


@pytest.fixture
def scenario(database, clock, monkeypatch) -> Scenario:
    return cheap_scenario(monkeypatch)


@pytest.fixture
def files(scenario, cli, tmp_path):
    """The CSV, the JSON and the descriptor written by the command, as paths."""
    schema = tmp_path / "schema.json"
    arguments = ["export", "opendata", scenario.slug, "--out", str(tmp_path / "x.csv"),
                 "--schema", str(schema)]  # fmt: skip
    assert cli.invoke(args=arguments).exit_code == 0
    run_export(cli, scenario.slug, "json", tmp_path / "x.json")
    return tmp_path / "x.csv", tmp_path / "x.json", schema


def test_every_column_of_the_files_is_in_the_schema_and_back(files):
    csv_path, json_path, schema_path = files
    fields = [field["name"] for field in json.loads(schema_path.read_text())["fields"]]

    header = csv_path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == fields
    assert all(list(row) == fields for row in read_json(json_path.read_bytes()))
    assert all(list(row) == fields for row in read_csv(csv_path.read_bytes()))


def test_every_field_has_a_title_a_type_a_format_and_a_description(files):
    descriptor = json.loads(files[2].read_text(encoding="utf-8"))

    for field in descriptor["fields"]:
        assert {"name", "title", "type", "format", "description"} <= set(field), field
        assert len(field["description"]) > 20, field["name"]
    assert len(descriptor["fields"]) == len(COLUMNS)


def test_the_descriptor_is_a_valid_table_schema_under_licence_ouverte(files):
    schema_path = files[2]
    descriptor = json.loads(schema_path.read_text(encoding="utf-8"))

    report = validate(descriptor, type="schema")

    assert report.valid, report.flatten(["type", "note"])
    assert descriptor["primaryKey"] == ["reference"]
    assert descriptor["licenses"] == [
        {
            "name": "etalab-2.0",
            "title": "Licence Ouverte 2.0",
            "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        }
    ]
    assert "RFC 4180" in descriptor["description"]
    assert "UTF-8 sans BOM" in descriptor["description"]


def test_the_csv_conforms_to_its_schema(files):
    csv_path, _, schema_path = files
    schema = Schema.from_descriptor(json.loads(schema_path.read_text(encoding="utf-8")))

    report = Resource(path=csv_path.name, basepath=str(csv_path.parent), schema=schema).validate()

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 7


def test_the_json_conforms_to_its_schema(files):
    _, json_path, schema_path = files
    rows = read_json(json_path.read_bytes())
    schema = Schema.from_descriptor(json.loads(schema_path.read_text(encoding="utf-8")))

    report = Resource(data=rows, schema=schema).validate()

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 7
