"""Themes: created, renamed, merged, deleted while unused, and given to contributions."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from consultation.contributions import themes
from consultation.contributions.models import Theme, contribution_theme
from consultation.contributions.themes import ThemeRefused
from consultation.core.audit import AuditEvent
from consultation.extensions import db
from tests import factories


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def links() -> list[tuple[int, int]]:
    query = select(contribution_theme.c.contribution_id, contribution_theme.c.theme_id)
    return sorted(db.session.execute(query).all())


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()


@pytest.fixture
def contribute(make_chapter, consultation):
    chapter = make_chapter(factories.make_batch(consultation))

    def make(*tagged: Theme):
        contribution = factories.make_contribution(chapter)
        if tagged:
            themes.set_themes(contribution, tagged)
        return contribution

    return make


def test_a_theme_name_is_trimmed_and_its_inner_spaces_collapsed(consultation):
    theme = themes.create_theme(consultation, "  Identité   numérique \n")

    assert theme.name == "Identité numérique"
    [created] = events("theme.create")
    assert created.after == {"name": "Identité numérique", "consultation": consultation.id}


@pytest.mark.parametrize("name", ["", "   ", "a", "x" * 121])
def test_a_theme_name_of_the_wrong_length_is_refused(consultation, name):
    with pytest.raises(ThemeRefused, match="entre 2 et 120 caractères"):
        themes.create_theme(consultation, name)

    assert db.session.scalar(select(func.count()).select_from(Theme)) == 0


def test_two_themes_of_a_consultation_cannot_differ_only_by_case(consultation, make_consultation):
    themes.create_theme(consultation, "Éthique")

    with pytest.raises(ThemeRefused, match="Le thème « Éthique » existe déjà"):
        themes.create_theme(consultation, "ÉTHIQUE")
    elsewhere = themes.create_theme(make_consultation(), "éthique")

    assert elsewhere.name == "éthique"


def test_renaming_checks_the_name_and_records_both_names(consultation):
    theme = themes.create_theme(consultation, "Sécurite")
    themes.create_theme(consultation, "Accès")

    with pytest.raises(ThemeRefused, match="existe déjà"):
        themes.rename_theme(theme, "accès")
    themes.rename_theme(theme, "Sécurité")

    [renamed] = events("theme.rename")
    assert theme.name == "Sécurité"
    assert (renamed.before, renamed.after) == ({"name": "Sécurite"}, {"name": "Sécurité"})


def test_changing_only_the_case_of_a_name_is_a_rename(consultation):
    theme = themes.create_theme(consultation, "ethique")

    themes.rename_theme(theme, "Ethique")

    assert theme.name == "Ethique"


def test_merging_moves_every_link_once_and_deletes_the_merged_theme(consultation, contribute):
    old = themes.create_theme(consultation, "Interopérabilité")
    new = themes.create_theme(consultation, "Échanges")
    only_old, both, only_new = contribute(old), contribute(old, new), contribute(new)
    untouched = contribute()

    moved = themes.merge_themes(old, new)

    assert moved == 1
    assert links() == sorted((item.id, new.id) for item in (only_old, both, only_new))
    assert db.session.get(Theme, old.id) is None
    assert untouched.themes == []
    [merged] = events("theme.merge")
    assert merged.object_id == str(old.id)
    assert merged.before == {"name": "Interopérabilité"}
    assert merged.after == {"merged_into": "Échanges", "theme_id": new.id, "links_moved": 1}


def test_a_theme_merges_only_into_another_theme_of_its_consultation(
    consultation, make_consultation
):
    theme = themes.create_theme(consultation, "Santé")
    foreign = themes.create_theme(make_consultation(), "Santé publique")

    for target in (theme, foreign):
        with pytest.raises(ThemeRefused, match="un autre thème de la même concertation"):
            themes.merge_themes(theme, target)

    assert db.session.get(Theme, theme.id) is not None


def test_only_an_unused_theme_can_be_deleted(consultation, contribute):
    used = themes.create_theme(consultation, "Usagers")
    unused = themes.create_theme(consultation, "Divers")
    contribute(used)

    with pytest.raises(ThemeRefused, match="attribué à 1 contribution : fusionnez-le"):
        themes.delete_theme(used)
    themes.delete_theme(unused)

    assert db.session.get(Theme, unused.id) is None
    assert db.session.get(Theme, used.id) is not None
    [deleted] = events("theme.delete")
    assert deleted.before == {"name": "Divers"}


def test_setting_themes_records_what_was_added_and_what_was_removed(consultation, contribute):
    first, second, third = (themes.create_theme(consultation, name) for name in ("A1", "B2", "C3"))
    contribution = contribute(first, second)

    themes.set_themes(contribution, [second, third])

    assert [theme.name for theme in contribution.themes] == ["B2", "C3"]
    tagged, untagged = events("contribution.tag"), events("contribution.untag")
    assert [event.after for event in tagged] == [{"themes": ["A1", "B2"]}, {"themes": ["C3"]}]
    assert [event.before for event in untagged] == [{"themes": ["A1"]}]
    assert untagged[0].object_label == contribution.reference


def test_a_contribution_takes_only_themes_of_its_consultation(
    consultation, contribute, make_consultation
):
    foreign = themes.create_theme(make_consultation(), "Ailleurs")

    with pytest.raises(ThemeRefused, match="n’appartiennent pas à la concertation"):
        themes.set_themes(contribute(), [foreign])

    assert links() == []


def test_tagging_many_skips_those_already_tagged_and_those_of_other_consultations(
    consultation, contribute, make_chapter
):
    theme = themes.create_theme(consultation, "Campagne")
    already, fresh, other = contribute(theme), contribute(), contribute()
    foreign = factories.make_contribution(make_chapter())

    tagged = themes.tag_many([already.id, fresh.id, other.id, foreign.id, 999_999], theme)

    assert [item.id for item in tagged] == [fresh.id, other.id]
    assert links() == sorted((item.id, theme.id) for item in (already, fresh, other))
    assert [event.object_id for event in events("contribution.tag")] == [
        str(already.id),
        str(fresh.id),
        str(other.id),
    ]


def test_tagging_too_many_at_once_is_refused(consultation):
    theme = themes.create_theme(consultation, "Campagne")

    with pytest.raises(ThemeRefused, match="au plus 500 contributions"):
        themes.tag_many(range(1, 502), theme)


def test_themes_are_counted_in_one_query(consultation, contribute):
    busy, idle = (
        themes.create_theme(consultation, "Zèle"),
        themes.create_theme(consultation, "Aube"),
    )
    contribute(busy)
    contribute(busy)
    db.session.flush()

    with counted_queries() as statements:
        counts = themes.themes_with_counts(consultation.id)

    assert [(item.theme.name, item.contribution_count) for item in counts] == [
        ("Aube", 0),
        ("Zèle", 2),
    ]
    assert len(statements) == 1
    assert idle.id == counts[0].theme.id


def test_theme_names_of_many_contributions_come_in_one_query(consultation, contribute):
    care, data = (
        themes.create_theme(consultation, "Soins"),
        themes.create_theme(consultation, "Données"),
    )
    both, one, none = contribute(care, data), contribute(care), contribute()
    db.session.flush()

    with counted_queries() as statements:
        names = themes.theme_names_by_contribution([both.id, one.id, none.id])

    assert names == {both.id: ["Données", "Soins"], one.id: ["Soins"]}
    assert len(statements) == 1
    assert themes.theme_names_by_contribution([]) == {}
