"""Admins' changes to consultations, batches, chapters and profiles are in the audit trail with
what they were before and after; so is a package imported by command."""

from __future__ import annotations

from datetime import timedelta

from consultation.core.audit import COMMAND_LINE
from consultation.core.dates import to_paris
from tests.admin.form_data import CHAPTER_TEXT, batch_form, chapter_form, consultation_form
from tests.audit_events import events, recorded
from tests.factories import profile
from tests.publication.test_import import run_import, write_package


def test_creating_a_consultation_records_all_it_was_created_with(client, admin):
    client.post("/admin/consultations/nouvelle", data=consultation_form())

    event = recorded("consultation.create")
    assert (event.actor_id, event.actor_label) == (admin.id, admin.email)
    assert event.object_label == "Doctrine du numérique en santé 2026"
    assert event.before is None
    assert event.after["slug"] == "doctrine-2026"
    assert event.after["opens_at"] == "2026-03-10T08:00:00+00:00"
    assert event.after["moderation_mode"] == "a_posteriori"


def test_editing_a_consultation_records_only_what_changed(client, admin, make_consultation):
    consultation = make_consultation(title="Ancien titre")
    form = consultation_form(
        slug=consultation.slug,
        title="Nouveau titre",
        summary=consultation.summary,
        opens_at=_paris(consultation.opens_at),
        closes_at=_paris(consultation.closes_at),
        moderation_mode="a_priori",
        reference_prefix=consultation.reference_prefix,
    )

    client.post(f"/admin/consultations/{consultation.id}/modifier", data=form)

    event = recorded("consultation.edit")
    assert event.object_id == str(consultation.id)
    assert (event.before, event.after) == ({"title": "Ancien titre"}, {"title": "Nouveau titre"})


def _paris(moment) -> str:
    """A moment as the back office's date fields show it."""
    return to_paris(moment).strftime("%Y-%m-%dT%H:%M")


def test_saving_a_form_that_changes_nothing_records_nothing(client, admin, make_batch):
    batch = make_batch(publish_in=timedelta(days=3), title="Lot attendu")
    form = batch_form(number="1", title="Lot attendu", publish_at=_paris(batch.publish_at))

    response = client.post(f"/admin/lots/{batch.id}/modifier", data=form)

    assert response.status_code == 302
    assert events() == []


def test_a_batch_created_edited_and_deleted_leaves_three_events(client, admin, make_consultation):
    consultation = make_consultation(opens_in=timedelta(days=1), closes_in=timedelta(days=90))
    client.post(
        f"/admin/consultations/{consultation.id}/lots/nouveau",
        data=batch_form(title="Premier lot", publish_at="2026-03-10T09:00"),
    )
    [batch] = consultation.batches

    client.post(
        f"/admin/lots/{batch.id}/modifier",
        data=batch_form(title="Lot des fondations", publish_at="2026-03-12T09:00"),
    )
    client.post(f"/admin/lots/{batch.id}/supprimer")

    created, edited, deleted = events()
    assert [created.action, edited.action, deleted.action] == [
        "batch.create",
        "batch.edit",
        "batch.delete",
    ]
    assert created.after == {
        "number": 1,
        "title": "Premier lot",
        "publish_at": "2026-03-10T08:00:00+00:00",
    }
    assert edited.object_label == f"Lot 1 « Lot des fondations » — {consultation.title}"
    assert edited.before == {"title": "Premier lot", "publish_at": "2026-03-10T08:00:00+00:00"}
    assert edited.after == {
        "title": "Lot des fondations",
        "publish_at": "2026-03-12T08:00:00+00:00",
    }
    assert (deleted.object_id, deleted.after) == (str(batch.id), None)
    assert deleted.before["title"] == "Lot des fondations"


def test_a_chapter_edit_records_its_text_as_a_fingerprint_not_a_copy(
    client, admin, make_batch, make_chapter
):
    chapter = make_chapter(make_batch(publish_in=timedelta(days=3)), title="Les fondations")
    edited_text = CHAPTER_TEXT.replace("Les étapes suivent.", "Les étapes sont datées.")

    client.post(
        f"/admin/chapitres/{chapter.id}/modifier",
        data=chapter_form(chapter.batch_id, slug=chapter.slug, body=edited_text),
        content_type="multipart/form-data",
    )

    event = recorded("chapter.edit")
    assert event.object_label.startswith("Chapitre 1 « Les fondations » — ")
    assert set(event.before) == {"body"}
    assert event.before["body"] != event.after["body"]
    assert "caractères, empreinte" in event.after["body"]
    assert "datées" not in repr(event.after)


def test_creating_and_deleting_a_chapter_are_recorded(client, admin, make_batch):
    batch = make_batch(publish_in=timedelta(days=3))

    client.post(
        f"/admin/consultations/{batch.consultation_id}/chapitres/nouveau",
        data=chapter_form(batch.id),
        content_type="multipart/form-data",
    )
    [chapter] = batch.chapters
    client.post(f"/admin/chapitres/{chapter.id}/supprimer")

    created, deleted = events()
    assert (created.action, deleted.action) == ("chapter.create", "chapter.delete")
    assert created.after["title"] == "Les fondations"
    assert created.after["batch.number"] == 1
    assert deleted.before == created.after


def test_profile_changes_are_recorded(client, admin):
    client.post(
        "/admin/profils/nouveau",
        data={"label": "Aidants", "code": "aidants", "position": "8", "is_active": "y"},
    )
    created = profile("aidants")
    client.post(
        f"/admin/profils/{created.id}/modifier",
        data={"label": "Aidants familiaux", "code": "aidants", "position": "8"},
    )
    client.post(f"/admin/profils/{created.id}/deplacer", data={"direction": "up"})
    client.post(f"/admin/profils/{created.id}/supprimer")

    creation, edition, move, deletion = events()
    assert creation.action == "profile.create"
    assert creation.after == {
        "code": "aidants",
        "label": "Aidants",
        "position": 8,
        "requires_organisation": False,
        "is_active": True,
    }
    assert edition.action == "profile.edit"
    assert edition.before == {"label": "Aidants", "is_active": True}
    assert edition.after == {"label": "Aidants familiaux", "is_active": False}
    assert (move.action, move.before, move.after) == (
        "profile.move",
        {"position": 8},
        {"position": 7},
    )
    assert (deletion.action, deletion.object_label) == ("profile.delete", "Aidants familiaux")
    assert all(event.actor_label == admin.email for event in events())


def test_an_imported_package_is_recorded_as_done_from_the_command_line(cli, clock, tmp_path):
    package = write_package(tmp_path / "paquet")

    run_import(cli, package)
    first_import = events()
    run_import(cli, package)

    actions = sorted(event.action for event in first_import)
    assert actions == ["batch.create"] * 2 + ["chapter.create"] * 3 + ["consultation.create"]
    assert {event.actor_label for event in first_import} == {COMMAND_LINE}
    assert all("consultations import" in event.origin for event in first_import)
    assert events() == first_import  # the same package again changes nothing
