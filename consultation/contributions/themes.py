"""Themes: the subjects moderators and analysts tag contributions with, per consultation.

A theme is created, renamed, merged into another or deleted while unused; contributions are
tagged one at a time or many at once. Every change goes to the audit trail. Services flush;
the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.exc import IntegrityError

from consultation.contributions.models import Contribution, Theme, contribution_theme
from consultation.core import audit
from consultation.core.errors import Refused
from consultation.extensions import db
from consultation.publication.models import Consultation

MIN_NAME_LENGTH, MAX_NAME_LENGTH = 2, 120
#: At most this many contributions tagged by one request.
MAX_BULK = 500


class ThemeRefused(Refused):
    """A change of themes that cannot be made; message says why, in French."""


@dataclass(frozen=True)
class ThemeCount:
    theme: Theme
    contribution_count: int


def clean_name(name: str) -> str:
    """The name as stored: trimmed, inner spaces collapsed; raises ThemeRefused if unfit."""
    name = " ".join((name or "").split())
    if not MIN_NAME_LENGTH <= len(name) <= MAX_NAME_LENGTH:
        raise ThemeRefused(
            f"Le nom du thème doit compter entre {MIN_NAME_LENGTH} et {MAX_NAME_LENGTH} caractères."
        )
    return name


def _ensure_unique(consultation_id: int, name: str, except_theme: Theme | None = None) -> None:
    """Names that differ only by case are one theme ("Éthique", "éthique").

    Compared in Python: SQLite's lower() ignores non-ASCII letters, and a consultation has few
    themes.
    """
    query = select(Theme.id, Theme.name).where(Theme.consultation_id == consultation_id)
    for theme_id, existing in db.session.execute(query):
        if existing.casefold() == name.casefold() and (
            except_theme is None or theme_id != except_theme.id
        ):
            raise ThemeRefused(f"Le thème « {existing} » existe déjà dans cette concertation.")


def _save(theme: Theme) -> None:
    """Flush in a savepoint: a twin created at the same moment is refused, not a crash."""
    try:
        with db.session.begin_nested():
            db.session.add(theme)
    except IntegrityError as error:
        raise ThemeRefused(
            f"Le thème « {theme.name} » existe déjà dans cette concertation."
        ) from error


def create_theme(consultation: Consultation, name: str) -> Theme:
    name = clean_name(name)
    _ensure_unique(consultation.id, name)
    theme = Theme(consultation_id=consultation.id, name=name)
    _save(theme)
    audit.record("theme.create", theme, after={"name": name, "consultation": consultation.id})
    return theme


def rename_theme(theme: Theme, name: str) -> None:
    name = clean_name(name)
    _ensure_unique(theme.consultation_id, name, except_theme=theme)
    before = theme.name
    if name == before:
        return
    theme.name = name
    _save(theme)
    audit.record("theme.rename", theme, before={"name": before}, after={"name": name})


def merge_themes(source: Theme, target: Theme) -> int:
    """Tag every contribution of `source` with `target`, then delete `source`.

    Done in two SQL statements, whatever the number of contributions: insert the links target
    lacks, then delete source (its links go with it). Returns the number of links added.
    """
    if source.id == target.id or source.consultation_id != target.consultation_id:
        raise ThemeRefused("Choisissez un autre thème de la même concertation.")
    link = contribution_theme.c
    already = select(link.contribution_id).where(link.theme_id == target.id)
    missing = select(link.contribution_id, literal(target.id)).where(
        link.theme_id == source.id, link.contribution_id.not_in(already)
    )
    added = db.session.execute(
        insert(contribution_theme)
        .from_select(["contribution_id", "theme_id"], missing)
        .returning(link.contribution_id)
    )
    moved = len(added.all())
    audit.record(
        "theme.merge",
        source,
        before={"name": source.name},
        after={"merged_into": target.name, "theme_id": target.id, "links_moved": moved},
    )
    _delete(source)
    return moved


def delete_theme(theme: Theme) -> None:
    """Delete a theme no contribution carries (merge it into another one otherwise)."""
    count = contribution_count(theme)
    if count:
        raise ThemeRefused(
            f"Le thème « {theme.name} » est attribué à {count} contribution"
            f"{'s' if count > 1 else ''} : fusionnez-le plutôt dans un autre thème."
        )
    audit.record("theme.delete", theme, before={"name": theme.name})
    _delete(theme)


def _delete(theme: Theme) -> None:
    db.session.execute(delete(contribution_theme).where(contribution_theme.c.theme_id == theme.id))
    db.session.delete(theme)
    db.session.flush()


def contribution_count(theme: Theme) -> int:
    query = select(func.count()).where(contribution_theme.c.theme_id == theme.id)
    return db.session.scalar(query)


def themes_with_counts(consultation_id: int) -> list[ThemeCount]:
    """The consultation's themes by name, each with its number of contributions (one query)."""
    query = (
        select(Theme, func.count(contribution_theme.c.contribution_id))
        .outerjoin(contribution_theme, contribution_theme.c.theme_id == Theme.id)
        .where(Theme.consultation_id == consultation_id)
        .group_by(Theme.id)
        .order_by(Theme.name, Theme.id)
    )
    return [ThemeCount(theme, count) for theme, count in db.session.execute(query)]


def themes_of(consultation_id: int) -> list[Theme]:
    query = select(Theme).where(Theme.consultation_id == consultation_id)
    return list(db.session.scalars(query.order_by(Theme.name, Theme.id)))


def set_themes(contribution: Contribution, chosen: Iterable[Theme]) -> None:
    """Give the contribution exactly these themes, recording what was added and removed."""
    chosen = {theme.id: theme for theme in chosen}
    if any(theme.consultation_id != contribution.consultation_id for theme in chosen.values()):
        raise ThemeRefused("Ces thèmes n’appartiennent pas à la concertation de la contribution.")
    current = {theme.id: theme for theme in contribution.themes}
    added = [chosen[key] for key in chosen.keys() - current.keys()]
    removed = [current[key] for key in current.keys() - chosen.keys()]
    if added:
        _link([contribution.id], added)
        audit.record("contribution.tag", contribution, after={"themes": _names(added)})
    if removed:
        db.session.execute(
            delete(contribution_theme).where(
                contribution_theme.c.contribution_id == contribution.id,
                contribution_theme.c.theme_id.in_([theme.id for theme in removed]),
            )
        )
        audit.record("contribution.untag", contribution, before={"themes": _names(removed)})
    db.session.expire(contribution, ["themes"])


def _names(themes: Iterable[Theme]) -> list[str]:
    return sorted(theme.name for theme in themes)


def _link(contribution_ids: list[int], themes: list[Theme]) -> None:
    rows = [
        {"contribution_id": identifier, "theme_id": theme.id}
        for identifier in contribution_ids
        for theme in themes
    ]
    db.session.execute(insert(contribution_theme), rows)


def tag_many(contribution_ids: Iterable[int], theme: Theme) -> list[Contribution]:
    """Tag these contributions of the theme's consultation; returns those newly tagged.

    The others of `contribution_ids` (already tagged, of another consultation, unknown) are left
    as they are. One audit event per contribution tagged.
    """
    ids = sorted(set(contribution_ids))
    if len(ids) > MAX_BULK:
        raise ThemeRefused(f"Choisissez au plus {MAX_BULK} contributions à la fois.")
    tagged = select(contribution_theme.c.contribution_id).where(
        contribution_theme.c.theme_id == theme.id
    )
    query = select(Contribution).where(
        Contribution.id.in_(ids),
        Contribution.consultation_id == theme.consultation_id,
        Contribution.id.not_in(tagged),
    )
    newly = list(db.session.scalars(query.order_by(Contribution.id)))
    if newly:
        _link([contribution.id for contribution in newly], [theme])
    for contribution in newly:
        audit.record("contribution.tag", contribution, after={"themes": [theme.name]})
        db.session.expire(contribution, ["themes"])
    return newly


def theme_names_by_contribution(contribution_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each contribution's theme names, sorted (one query): the "Thèmes" column of exports.

    Contributions without a theme are absent. Exports call it once per chunk of rows.
    """
    ids = list(contribution_ids)
    if not ids:
        return {}
    query = (
        select(contribution_theme.c.contribution_id, Theme.name)
        .join(Theme, Theme.id == contribution_theme.c.theme_id)
        .where(contribution_theme.c.contribution_id.in_(ids))
        .order_by(contribution_theme.c.contribution_id, Theme.name)
    )
    names: dict[int, list[str]] = {}
    for contribution_id, name in db.session.execute(query):
        names.setdefault(contribution_id, []).append(name)
    return names
