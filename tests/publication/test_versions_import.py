"""`flask consultations import DIR` with later versions of a chapter declared in the package."""

from __future__ import annotations

from sqlalchemy import func, select

from consultation.extensions import db
from consultation.publication.models import Chapter, ChapterVersion
from tests.audit_events import events
from tests.publication.test_import import MANIFEST, run_import, write_package

WITH_FINAL = MANIFEST.replace(
    'chapters = ["01-doctrine.md", ',
    'chapters = [{ file = "01-doctrine.md", versions = '
    '[{ label = "v1.0 finale", file = "01-doctrine-finale.md" }] }, ',
)
FINAL = "# La doctrine\n\nTexte d’introduction revu.\n\n## 1. Principes\n\nTexte précisé.\n"


def doctrine() -> Chapter:
    return db.session.scalar(select(Chapter).where(Chapter.slug == "doctrine"))


def version_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ChapterVersion))


def test_a_package_adds_the_final_version_after_the_consulted_one(cli, clock, tmp_path):
    package = write_package(tmp_path / "paquet", WITH_FINAL, **{"01-doctrine-finale.md": FINAL})

    result = run_import(cli, package)

    assert result.exit_code == 0, result.output
    assert "Créé : version « v1.0 finale » du chapitre 1" in result.output
    chapter = doctrine()
    assert [(v.position, v.label) for v in chapter.versions] == [
        (1, "Version mise en concertation"),
        (2, "v1.0 finale"),
    ]
    assert chapter.consultation_version.body.startswith("Texte d’introduction.\n")
    assert chapter.latest_version.body.startswith("Texte d’introduction revu.")
    assert len(events("chapter.version_add")) == 1


def test_importing_the_same_package_again_changes_nothing(cli, clock, tmp_path):
    package = write_package(tmp_path / "paquet", WITH_FINAL, **{"01-doctrine-finale.md": FINAL})
    run_import(cli, package)
    bodies = [v.body for v in doctrine().versions]

    result = run_import(cli, package)

    assert result.exit_code == 0, result.output
    assert "Inchangé : version « v1.0 finale » du chapitre 1" in result.output
    assert "0 créé(s), 0 mis à jour, 0 supprimé(s)" in result.output
    assert version_count() == 4
    assert [v.body for v in doctrine().versions] == bodies
    assert len(events("chapter.version_add")) == 1
    assert events("chapter.version_edit") == []


def test_a_changed_final_file_updates_that_version_only(cli, clock, tmp_path):
    run_import(cli, write_package(tmp_path / "v1", WITH_FINAL, **{"01-doctrine-finale.md": FINAL}))
    revised = FINAL.replace("Texte précisé.", "Texte précisé une seconde fois.")

    result = run_import(
        cli, write_package(tmp_path / "v2", WITH_FINAL, **{"01-doctrine-finale.md": revised})
    )

    assert result.exit_code == 0, result.output
    assert "Mis à jour : version « v1.0 finale » du chapitre 1" in result.output
    chapter = doctrine()
    assert len(chapter.versions) == 2
    assert "seconde fois" in chapter.latest_version.body
    assert "seconde fois" not in chapter.consultation_version.body
    assert len(events("chapter.version_edit")) == 1


def test_a_changed_consulted_text_of_a_published_chapter_is_refused_and_nothing_written(
    cli, clock, make_contribution, tmp_path
):
    run_import(cli, write_package(tmp_path / "v1", WITH_FINAL, **{"01-doctrine-finale.md": FINAL}))
    make_contribution(chapter=doctrine())
    revised = FINAL.replace("Texte précisé.", "Autre texte final.")
    changed = {
        "01-doctrine.md": "# La doctrine\n\nTexte réécrit.\n",
        "01-doctrine-finale.md": revised,
    }

    result = run_import(cli, write_package(tmp_path / "v2", WITH_FINAL, **changed))

    assert result.exit_code == 1
    assert "Paquet refusé, rien n’a été écrit" in result.output
    assert "son texte mis en concertation ne peut plus changer" in result.output
    db.session.expire_all()
    assert doctrine().consultation_version.body.startswith("Texte d’introduction.\n")
    assert "Autre texte final" not in doctrine().latest_version.body


def test_bad_version_declarations_are_listed_in_french(cli, clock, tmp_path):
    manifest = WITH_FINAL.replace(
        '[{ label = "v1.0 finale", file = "01-doctrine-finale.md" }]',
        '[{ label = "v1.0 finale", file = "01-doctrine-finale.md" }, '
        '{ label = "V1.0 FINALE", file = "02-autre.md" }, { label = "v2", file = "absent.md" }, '
        '{ label = "v3", file = "01-doctrine-finale.md", auteur = "moi" }]',
    )

    result = run_import(
        cli,
        write_package(
            tmp_path / "paquet", manifest, **{"01-doctrine-finale.md": FINAL, "02-autre.md": FINAL}
        ),
    )

    assert result.exit_code == 1
    assert "le libellé de version « v1.0 finale » est donné à" in result.output
    assert "« absent.md » est introuvable dans le dossier du paquet." in result.output
    assert "clé inconnue « auteur »" in result.output
    assert "« 01-doctrine-finale.md » est cité plusieurs fois." in result.output
    assert version_count() == 0


def test_a_too_long_label_is_refused_by_the_publication_rules(cli, clock, tmp_path):
    manifest = WITH_FINAL.replace('label = "v1.0 finale"', 'label = "' + "x" * 81 + '"')

    result = run_import(
        cli, write_package(tmp_path / "paquet", manifest, **{"01-doctrine-finale.md": FINAL})
    )

    assert result.exit_code == 1
    assert "Le libellé de la version ne doit pas dépasser 80 caractères." in result.output
    assert version_count() == 0


def test_a_package_cannot_replace_the_consulted_text_through_a_version(cli, clock, tmp_path):
    manifest = WITH_FINAL.replace('label = "v1.0 finale"', 'label = "Version mise en concertation"')

    result = run_import(
        cli, write_package(tmp_path / "paquet", manifest, **{"01-doctrine-finale.md": FINAL})
    )

    assert result.exit_code == 1
    assert "La version mise en concertation ne peut pas être remplacée" in result.output
    assert version_count() == 0
