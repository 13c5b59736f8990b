"""`flask consultations import DIR`: a consultation package imported whole, or refused whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from consultation.extensions import db
from consultation.publication.models import Batch, Chapter, ChapterVersion, Consultation
from consultation.publication.package import PackageRefused, import_package, read_package

# The test clock stands at 2026-03-02 09:00 UTC: batch 1 is published, batch 2 is not yet.
MANIFEST = """\
slug = "doctrine-2026"
title = "Doctrine du numérique en santé 2026"
summary_file = "presentation.md"
opens_at = 2026-03-01T09:00:00
closes_at = 2026-06-30T18:00:00+02:00
moderation_mode = "a_priori"

[[batches]]
number = 1
title = "Doctrine et fondations"
publish_at = 2026-03-01T09:00:00
chapters = ["01-doctrine.md", { file = "fondations.md", number = 2, slug = "fondations" }]

[[batches]]
number = 2
title = "Plateformes"
publish_at = 2026-04-15T09:00:00+02:00
chapters = ["03-plateformes.md"]
"""
FILES = {
    "presentation.md": "La consultation porte sur la doctrine.\n",
    "01-doctrine.md": "\ufeff# La doctrine\n\nTexte d’introduction.\n\n## 1. Principes\n\nTexte.\n",
    "fondations.md": "# Les fondations\n\nLes référentiels communs.\n",
    "03-plateformes.md": "# Les plateformes\n\nL’espace numérique de santé.\n",
}


def write_package(root: Path, manifest: str = MANIFEST, **files: str | bytes | None) -> Path:
    """A package folder; keyword arguments replace (or, with None, remove) files by name."""
    contents = {**FILES, "consultation.toml": manifest}
    contents.update(files)
    root.mkdir(parents=True, exist_ok=True)
    for name, text in contents.items():
        if text is not None:
            data = text if isinstance(text, bytes) else text.encode()
            (root / name).write_bytes(data)
    return root


def run_import(cli, path: Path, *options: str):
    return cli.invoke(args=["consultations", "import", str(path), *options])


def counts() -> tuple[int, ...]:
    models = (Consultation, Batch, Chapter, ChapterVersion)
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in models)


def snapshot() -> list[tuple]:
    """Every publication row as the import could change it, with its id."""
    chapters = db.session.scalars(select(Chapter).order_by(Chapter.id))
    batches = db.session.scalars(select(Batch).order_by(Batch.id))
    consultations = db.session.scalars(select(Consultation).order_by(Consultation.id))
    return (
        [(c.id, c.slug, c.title, c.summary, c.opens_at, c.closes_at) for c in consultations]
        + [(b.id, b.number, b.title, b.publish_at) for b in batches]
        + [(c.id, c.number, c.slug, c.title, c.consultation_version.body) for c in chapters]
    )


def paris(*parts: int) -> datetime:
    """A wall-clock time in Paris in winter (UTC+1), as UTC."""
    return datetime(*parts, tzinfo=UTC) - timedelta(hours=1)


def test_importing_a_package_creates_the_consultation_its_batches_and_chapters(
    cli, client, clock, tmp_path
):
    package = write_package(tmp_path / "paquet")

    result = run_import(cli, package)

    assert result.exit_code == 0, result.output
    assert "Consultation « doctrine-2026 » importée." in result.output
    assert "6 créé(s)" in result.output
    consultation = db.session.scalar(select(Consultation))
    assert consultation.summary == FILES["presentation.md"]
    assert consultation.opens_at == paris(2026, 3, 1, 9)
    assert consultation.closes_at == datetime(2026, 6, 30, 16, tzinfo=UTC)
    assert [(b.number, b.title) for b in consultation.batches] == [
        (1, "Doctrine et fondations"),
        (2, "Plateformes"),
    ]
    assert [(c.number, c.slug, c.title, c.batch.number) for c in consultation.chapters] == [
        (1, "doctrine", "La doctrine", 1),
        (2, "fondations", "Les fondations", 1),
        (3, "plateformes", "Les plateformes", 2),
    ]
    assert consultation.chapters[0].consultation_version.body.startswith("Texte d’introduction.")


def test_an_imported_chapter_is_public_only_once_its_batch_is_published(
    cli, client, clock, tmp_path
):
    run_import(cli, write_package(tmp_path / "paquet"))

    published = client.get("/consultations/doctrine-2026/chapitres/1")
    future = client.get("/consultations/doctrine-2026/chapitres/3")

    assert published.status_code == 200
    assert "La doctrine" in published.text
    assert "Principes" in published.text
    assert future.status_code == 404


def test_importing_the_same_package_again_changes_and_duplicates_nothing(cli, clock, tmp_path):
    package = write_package(tmp_path / "paquet")
    run_import(cli, package)
    before = snapshot()

    result = run_import(cli, package)

    assert result.exit_code == 0, result.output
    assert "0 créé(s), 0 mis à jour, 0 supprimé(s), 6 inchangé(s)" in result.output
    assert counts() == (1, 2, 3, 3)
    assert snapshot() == before


def test_an_edited_package_updates_titles_and_dates_in_place(cli, clock, tmp_path):
    run_import(cli, write_package(tmp_path / "v1"))
    ids = [row[0] for row in snapshot()]
    edited = (
        MANIFEST.replace("Doctrine du numérique en santé 2026", "Doctrine 2026, version révisée")
        .replace('title = "Plateformes"', 'title = "Plateformes nationales"')
        .replace("2026-04-15T09:00:00+02:00", "2026-05-04T10:00:00+02:00")
        .replace("2026-06-30T18:00:00+02:00", "2026-07-15T18:00:00+02:00")
    )
    chapter = "# Les plateformes nationales\n\nUn texte retravaillé avant sa publication.\n"

    result = run_import(
        cli, write_package(tmp_path / "v2", edited, **{"03-plateformes.md": chapter})
    )

    assert result.exit_code == 0, result.output
    assert "Mis à jour : lot 2 « Plateformes nationales »" in result.output
    assert [row[0] for row in snapshot()] == ids
    consultation = db.session.scalar(select(Consultation))
    assert consultation.title == "Doctrine 2026, version révisée"
    assert consultation.closes_at == datetime(2026, 7, 15, 16, tzinfo=UTC)
    assert consultation.batches[1].publish_at == datetime(2026, 5, 4, 8, tzinfo=UTC)
    assert consultation.chapters[2].title == "Les plateformes nationales"
    assert consultation.chapters[2].consultation_version.body.startswith("Un texte retravaillé")


def test_a_batch_left_out_of_the_package_is_removed_while_not_yet_published(cli, clock, tmp_path):
    run_import(cli, write_package(tmp_path / "v1"))
    without_batch_2 = MANIFEST[: MANIFEST.rindex("[[batches]]")]

    result = run_import(
        cli, write_package(tmp_path / "v2", without_batch_2, **{"03-plateformes.md": None})
    )

    assert result.exit_code == 0, result.output
    assert "Supprimé : chapitre 3 « Les plateformes »" in result.output
    assert "Supprimé : lot 2 « Plateformes »" in result.output
    assert counts() == (1, 1, 2, 2)


def test_the_closing_date_and_a_batch_can_move_earlier_together(cli, clock, tmp_path):
    run_import(cli, write_package(tmp_path / "v1"))
    earlier = MANIFEST.replace("2026-06-30T18:00:00+02:00", "2026-04-10T18:00:00+02:00").replace(
        "2026-04-15T09:00:00+02:00", "2026-04-01T09:00:00+02:00"
    )

    result = run_import(cli, write_package(tmp_path / "v2", earlier))

    assert result.exit_code == 0, result.output
    consultation = db.session.scalar(select(Consultation))
    assert consultation.closes_at == datetime(2026, 4, 10, 16, tzinfo=UTC)
    assert consultation.batches[1].publish_at == datetime(2026, 4, 1, 7, tzinfo=UTC)


def test_a_published_chapter_left_out_of_the_package_refuses_the_whole_import(cli, clock, tmp_path):
    run_import(cli, write_package(tmp_path / "v1"))
    before = snapshot()
    edited = (
        MANIFEST.replace('"01-doctrine.md", ', "")
        .replace("Doctrine du numérique en santé 2026", "Doctrine révisée")
        .replace('["03-plateformes.md"]', '["03-plateformes.md", "04-innovation.md"]')
    )
    files = {"01-doctrine.md": None, "04-innovation.md": "# Innovation\n\nTexte.\n"}

    result = run_import(cli, write_package(tmp_path / "v2", edited, **files))

    assert result.exit_code == 1
    assert "Chapitre 1 « La doctrine », absent du paquet : Un chapitre déjà publié" in result.output
    assert snapshot() == before


def test_a_published_batch_keeps_its_date_on_reimport(cli, clock, tmp_path):
    run_import(cli, write_package(tmp_path / "v1"))
    before = snapshot()
    moved = MANIFEST.replace("publish_at = 2026-03-01T09:00:00", "publish_at = 2026-03-01T10:00:00")

    result = run_import(cli, write_package(tmp_path / "v2", moved))

    assert result.exit_code == 1
    assert "Lot 1 : Ce lot est déjà publié : sa date de publication ne peut plus changer." in (
        result.output
    )
    assert snapshot() == before


def test_a_dry_run_reports_what_would_change_and_writes_nothing(cli, clock, tmp_path):
    package = write_package(tmp_path / "paquet")

    result = run_import(cli, package, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "rien n’a été écrit" in result.output
    assert "Créé : chapitre 3 « Les plateformes »" in result.output
    assert counts() == (0, 0, 0, 0)


def test_a_dry_run_of_an_edited_package_leaves_the_consultation_as_it_was(cli, clock, tmp_path):
    run_import(cli, write_package(tmp_path / "v1"))
    before = snapshot()
    edited = MANIFEST.replace('title = "Plateformes"', 'title = "Plateformes nationales"')

    result = run_import(cli, write_package(tmp_path / "v2", edited), "--dry-run")

    assert "Mis à jour : lot 2 « Plateformes nationales »" in result.output
    assert snapshot() == before


def bad(manifest: str = MANIFEST, **files: str | bytes | None) -> tuple[str, dict]:
    return manifest, files


BAD_PACKAGES = {
    "unknown files": (
        bad(**{"fondations.md": None, "annexe.md": "# Annexe\n\nTexte.\n"}),
        ["« fondations.md » est introuvable", "« annexe.md » n’est cité par aucun lot"],
    ),
    "bad dates": (
        bad(
            MANIFEST.replace("opens_at = 2026-03-01T09:00:00", 'opens_at = "1er mars"').replace(
                "publish_at = 2026-04-15T09:00:00+02:00", "publish_at = 2026-04-15"
            )
        ),
        [
            "« opens_at » doit être une date avec l’heure",
            "Lot 2 : « publish_at » doit être une date avec l’heure",
        ],
    ),
    "batches outside the consultation dates": (
        bad(
            MANIFEST.replace(
                "publish_at = 2026-03-01T09:00:00", "publish_at = 2026-02-01T09:00:00"
            ).replace("2026-04-15T09:00:00+02:00", "2026-07-01T09:00:00+02:00")
        ),
        [
            "Lot 1 : Le lot 1 serait publié avant l’ouverture de la consultation.",
            "Lot 2 : Le lot 2 serait publié après la clôture de la consultation.",
        ],
    ),
    "duplicate chapter numbers and slugs": (
        bad(
            MANIFEST.replace('["03-plateformes.md"]', '["03-plateformes.md", "01-fondations.md"]'),
            **{"01-fondations.md": "# Encore\n\nTexte.\n"},
        ),
        [
            "Le numéro de chapitre 1 est donné à plusieurs fichiers : "
            "01-doctrine.md, 01-fondations.md",
            "L’identifiant de chapitre « fondations » est donné à plusieurs fichiers : "
            "fondations.md, 01-fondations.md",
        ],
    ),
    "empty or untitled chapters": (
        bad(**{"fondations.md": " \n\n", "03-plateformes.md": "Un texte sans titre.\n"}),
        [
            "« fondations.md » : le chapitre est vide.",
            "« 03-plateformes.md » : le fichier doit commencer par le titre du chapitre",
        ],
    ),
    "TOML syntax error": (
        bad(MANIFEST.replace('title = "Plateformes"', 'title = "Plateformes')),
        ["consultation.toml : erreur de syntaxe TOML à la ligne 16, colonne 21."],
    ),
    "missing, mistyped and unknown keys": (
        bad(
            MANIFEST.replace('slug = "doctrine-2026"\n', "")
            .replace("number = 2", 'number = "2"')
            .replace("[[batches]]", "couleur = 'bleu'\n[[batches]]", 1)
        ),
        [
            "consultation.toml : la clé « slug » est obligatoire.",
            "Lot en position 2 : « number » doit être un nombre entier.",
            "consultation.toml : clé inconnue « couleur ».",
        ],
    ),
    "unknown moderation mode": (
        bad(MANIFEST.replace('"a_priori"', '"a_peu_pres"')),
        ["mode de modération inconnu « a_peu_pres »"],
    ),
    "unreadable, oversized and escaping files": (
        bad(
            MANIFEST.replace('"03-plateformes.md"', '"03-plateformes.md", "../04-ailleurs.md"'),
            **{
                "fondations.md": "# Fondations\n\nÉté".encode("latin-1"),
                "03-plateformes.md": "# Long\n\n" + "x" * (2 * 1024 * 1024),
            },
        ),
        [
            "« fondations.md » n’est pas encodé en UTF-8.",
            "« 03-plateformes.md » dépasse la taille maximale de 2 Mo.",
            "« ../04-ailleurs.md » : ce chemin sort du dossier du paquet.",
        ],
    ),
    "chapters breaking the publication rules": (
        bad(
            **{
                "fondations.md": "# Fondations\n\nTexte.\n\n# Un second titre\n\nTexte.\n",
                "03-plateformes.md": "# " + "Très long titre " * 20 + "\n\nTexte.\n",
            }
        ),
        [
            "Chapitre 2 (fondations.md) : Le texte ne doit pas contenir d’autre titre de niveau 1",
            "Chapitre 3 (03-plateformes.md) : Le titre du chapitre ne doit pas dépasser 300 ",
        ],
    ),
    "consultation breaking the publication rules": (
        bad(MANIFEST.replace('"doctrine-2026"', '"Doctrine 2026"')),
        ["Consultation : L’identifiant d’adresse ne peut contenir que des lettres minuscules"],
    ),
}


@pytest.mark.parametrize(("package", "problems"), BAD_PACKAGES.values(), ids=BAD_PACKAGES.keys())
def test_a_bad_package_is_refused_whole_with_every_problem_listed(
    cli, clock, tmp_path, package, problems
):
    manifest, files = package
    (tmp_path / "04-ailleurs.md").write_text("# Ailleurs\n\nTexte.\n")

    result = run_import(cli, write_package(tmp_path / "paquet", manifest, **files))

    assert result.exit_code == 1
    assert "Paquet refusé, rien n’a été écrit" in result.output
    for problem in problems:
        assert problem in result.output
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(("package", "problems"), BAD_PACKAGES.values(), ids=BAD_PACKAGES.keys())
def test_a_bad_reimport_leaves_the_existing_consultation_untouched(
    cli, clock, tmp_path, package, problems
):
    run_import(cli, write_package(tmp_path / "v1"))
    before = snapshot()
    manifest, files = package

    result = run_import(cli, write_package(tmp_path / "v2", manifest, **files))

    assert result.exit_code == 1
    assert problems[0] in result.output
    assert snapshot() == before


def test_the_import_service_leaves_nothing_behind_when_it_refuses(database, clock, tmp_path):
    # The demo loader calls the service directly, in a transaction of its own: a refusal must
    # undo the consultation and batches written before the chapter was refused.
    untitled_section = "# Fondations\n\nTexte.\n\n# Un second titre\n\nTexte.\n"
    spec = read_package(write_package(tmp_path / "paquet", **{"fondations.md": untitled_section}))

    with pytest.raises(PackageRefused) as refusal:
        import_package(spec)

    assert refusal.value.problems == [
        "Chapitre 2 (fondations.md) : Le texte ne doit pas contenir d’autre titre de niveau 1 que "
        "le titre du chapitre : utilisez ## pour les sections."
    ]
    assert counts() == (0, 0, 0, 0)


def test_a_folder_that_does_not_exist_is_refused(cli, tmp_path):
    result = run_import(cli, tmp_path / "absent")

    assert result.exit_code == 1
    assert "n’est pas un dossier" in result.output
