"""The filters of the moderation queue: a GET form whose values are checked against what exists.

A value that is not offered (an id of another consultation, a date that is no date, a number
too large for the database) is dropped as if it had not been given: the queue never fails on
its address, it shows what the valid filters select.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from wtforms import DateField, Form, SearchField, SelectChoice, SelectField

from consultation.accounts.models import Profile
from consultation.contributions.models import Channel, Theme
from consultation.core.dates import from_paris
from consultation.extensions import db
from consultation.moderation.queue import QueueFilter, View
from consultation.publication.models import Batch, Chapter, Consultation

SEARCH_MAX_LENGTH = 200
#: Dates outside these years are typing mistakes; beyond them, UTC conversions overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: The `statut` parameter of earlier addresses, still followed.
LEGACY_STATUSES = {
    "pending": View.PENDING,
    "published": View.PUBLISHED,
    "rejected": View.REJECTED,
    "hidden": View.HIDDEN,
}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
SELECTS = ("concertation", "lot", "chapitre", "profil", "canal", "theme")


def optional_id(value: object) -> int | None:
    """An id from the address, or None for "all" and for anything that is not a usable id."""
    if isinstance(value, int):
        return value
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


class QueueFilterForm(Form):
    """The filter form; its field names are the parameters of the queue's address."""

    concertation = SelectField("Concertation", coerce=optional_id)
    lot = SelectField("Lot", coerce=optional_id)
    chapitre = SelectField("Chapitre", coerce=optional_id)
    profil = SelectField("Profil", coerce=optional_id)
    canal = SelectField(
        "Canal",
        choices=[
            SelectChoice("", "Tous les canaux"),
            *(SelectChoice(channel.value, channel.label) for channel in Channel),
        ],
    )
    theme = SelectField("Thème", coerce=optional_id)
    du = DateField("Déposée à partir du")
    au = DateField("Déposée jusqu’au (inclus)")
    q = SearchField("Rechercher")

    def __init__(self, args: Mapping[str, str]) -> None:
        super().__init__(formdata=args)
        self.view = view_of(args)
        self.group_id = optional_id(args.get("groupe"))
        consultations = select(Consultation.id, Consultation.title).order_by(Consultation.title)
        self.concertation.choices = _choices("Toutes les concertations", _rows(consultations))
        _keep_valid(self.concertation)
        self._offer_places(self.concertation.data)
        profiles = select(Profile.id, Profile.label).order_by(Profile.position, Profile.id)
        self.profil.choices = _choices("Tous les profils", _rows(profiles))
        for name in ("chapitre", "profil", "canal", "theme"):
            _keep_valid(self[name])
        for name in ("du", "au"):
            if self[name].data and not FIRST_YEAR <= self[name].data.year <= LAST_YEAR:
                self[name].data = None
        self.q.data = _search_text(self.q.data)

    def _offer_places(self, consultation_id: int | None) -> None:
        """Batches, chapters and themes of the chosen consultation, or of every one (then named
        with their consultation's title when there are several)."""
        named = consultation_id is None and len(self.concertation.choices) > 2
        self.lot.choices = _choices("Tous les lots", _batches(consultation_id, named))
        _keep_valid(self.lot)
        chapters = _chapters(consultation_id, self.lot.data, named)
        self.chapitre.choices = _choices("Tous les chapitres", chapters)
        self.theme.choices = _choices("Tous les thèmes", _themes(consultation_id, named))

    def queue_filter(self) -> QueueFilter:
        until = self.au.data + timedelta(days=1) if self.au.data else None
        return QueueFilter(
            view=self.view,
            consultation_id=self.concertation.data,
            batch_id=self.lot.data,
            chapter_id=self.chapitre.data,
            profile_id=self.profil.data,
            channel=Channel(self.canal.data) if self.canal.data else None,
            theme_id=self.theme.data,
            submitted_from=_start_of(self.du.data),
            submitted_before=_start_of(until),
            search=self.q.data,
            group_id=self.group_id,
        )

    def query_args(self) -> dict[str, object]:
        """The filters in force as address parameters, for the tabs and the next pages."""
        args: dict[str, object] = {name: self[name].data for name in SELECTS}
        for name in ("du", "au"):
            args[name] = self[name].data.isoformat() if self[name].data else None
        args.update(q=self.q.data, groupe=self.group_id)
        return {name: value for name, value in args.items() if value not in (None, "")}


def _search_text(typed: str | None) -> str | None:
    """The search as words, control characters dropped (PostgreSQL refuses a NUL)."""
    words = CONTROL_CHARACTERS.sub(" ", typed or "").split()
    return " ".join(words)[:SEARCH_MAX_LENGTH] or None


def view_of(args: Mapping[str, str]) -> View:
    value = args.get("vue", "")
    if value in {view.value for view in View}:
        return View(value)
    return LEGACY_STATUSES.get(args.get("statut", ""), View.PENDING)


def _keep_valid(field: SelectField) -> None:
    """Drop a value the select does not offer."""
    if not any(field.coerce(choice.value) == field.data for choice in field.choices):
        field.data = field.coerce("")


def _rows(query) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(query)]


def _choices(everything: str, rows: Iterable[tuple[int, str]]) -> list[SelectChoice]:
    return [SelectChoice("", everything), *(SelectChoice(id_, label) for id_, label in rows)]


def _named(named: bool, consultation: str, label: str) -> str:
    return f"{consultation} — {label}" if named else label


def _batches(consultation_id: int | None, named: bool) -> list[tuple[int, str]]:
    query = select(Batch.id, Batch.number, Batch.title, Consultation.title).join(Batch.consultation)
    if consultation_id is not None:
        query = query.where(Batch.consultation_id == consultation_id)
    rows = _rows(query.order_by(Consultation.title, Batch.number))
    return [(id_, _named(named, parent, _batch_label(n, title))) for id_, n, title, parent in rows]


def _batch_label(number: int, title: str) -> str:
    """ "Lot 2 — Services socles", or the title alone when it names the batch already."""
    return title if title.lower().startswith("lot") else f"Lot {number} — {title}"


def _chapters(
    consultation_id: int | None, batch_id: int | None, named: bool
) -> list[tuple[int, str]]:
    query = select(Chapter.id, Chapter.number, Chapter.title, Consultation.title).join(
        Chapter.consultation
    )
    if consultation_id is not None:
        query = query.where(Chapter.consultation_id == consultation_id)
    if batch_id is not None:
        query = query.where(Chapter.batch_id == batch_id)
    rows = _rows(query.order_by(Consultation.title, Chapter.number))
    return [
        (id_, _named(named, parent, f"Chapitre {n} — {title}")) for id_, n, title, parent in rows
    ]


def _themes(consultation_id: int | None, named: bool) -> list[tuple[int, str]]:
    query = select(Theme.id, Theme.name, Consultation.title).join(Theme.consultation)
    if consultation_id is not None:
        query = query.where(Theme.consultation_id == consultation_id)
    rows = _rows(query.order_by(Consultation.title, Theme.name))
    return [(id_, _named(named, parent, name)) for id_, name, parent in rows]


def _start_of(day: date | None) -> datetime | None:
    """The first instant of a Paris day, in UTC."""
    return None if day is None else from_paris(datetime.combine(day, time()))
