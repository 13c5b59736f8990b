"""The filters of the analysts' dashboard: a GET form read from the address, never failing on it.

A value that the form does not offer (a chapter of another consultation, a date that is no date,
a number too large for the database) is dropped, and the page says so in French: the figures
shown are always those of the valid filters.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from wtforms import DateField, Form, SelectChoice, SelectField

from consultation.accounts.models import Profile
from consultation.contributions.models import Channel, Theme
from consultation.extensions import db
from consultation.moderation.queue_forms import FIRST_YEAR, LAST_YEAR, optional_id
from consultation.publication.models import Batch, Chapter, Consultation
from consultation.statistics.figures import Scope

SELECTS = ("lot", "chapitre", "profil", "canal", "theme")
DATES = ("du", "au")


class DashboardFilterForm(Form):
    """Field names are the parameters of the dashboard's address."""

    du = DateField("Déposées à partir du")
    au = DateField("Déposées jusqu’au (inclus)")
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

    def __init__(self, consultation: Consultation, args: Mapping[str, str]) -> None:
        super().__init__(formdata=args)
        self.consultation = consultation
        #: What was dropped from the address, told to the analyst.
        self.notices: list[str] = []
        self._offer_choices(consultation)
        for name in SELECTS:
            self._keep_offered(self[name], args.get(name, ""))
        for name in DATES:
            self._keep_date(self[name], args.get(name, ""))
        if self.du.data and self.au.data and self.du.data > self.au.data:
            self.notices.append("La période est ignorée : sa date de début suit sa date de fin.")
            self.du.data = self.au.data = None

    def _offer_choices(self, consultation: Consultation) -> None:
        self.lot.choices = _choices("Tous les lots", _batches(consultation))
        self.chapitre.choices = _choices("Tous les chapitres", _chapters(consultation))
        profiles = select(Profile.id, Profile.label).order_by(Profile.position, Profile.id)
        self.profil.choices = _choices("Tous les profils", _rows(profiles))
        themes = select(Theme.id, Theme.name).where(Theme.consultation_id == consultation.id)
        self.theme.choices = _choices("Tous les thèmes", _rows(themes.order_by(Theme.name)))

    def _keep_offered(self, field: SelectField, typed: str) -> None:
        if typed in {str(choice.value) for choice in field.choices}:
            return
        field.data = field.coerce("")
        self.notices.append(f"Le filtre « {field.label.text} » demandé n’existe pas : ignoré.")

    def _keep_date(self, field: DateField, typed: str) -> None:
        if field.data is not None and FIRST_YEAR <= field.data.year <= LAST_YEAR:
            return
        field.data = None
        if typed.strip():
            label = field.label.text.lower()
            self.notices.append(f"La date « {label} » n’est pas une date valide : ignorée.")

    @property
    def is_filtered(self) -> bool:
        return any(self[name].data not in (None, "") for name in (*SELECTS, *DATES))

    def scope(self) -> Scope:
        """Every contribution, whatever its state, cut to the valid filters."""
        return Scope(
            self.consultation,
            public=False,
            batch_id=self.lot.data,
            chapter_id=self.chapitre.data,
            profile_id=self.profil.data,
            channel=Channel(self.canal.data) if self.canal.data else None,
            theme_id=self.theme.data,
            start=self.du.data,
            end=self.au.data,
        )


def _rows(query) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(query)]


def _choices(everything: str, rows: list[tuple]) -> list[SelectChoice]:
    return [SelectChoice("", everything), *(SelectChoice(id_, label) for id_, label in rows)]


def _batches(consultation: Consultation) -> list[tuple[int, str]]:
    query = select(Batch.id, Batch.number, Batch.title).where(
        Batch.consultation_id == consultation.id
    )
    rows = _rows(query.order_by(Batch.number))
    return [(id_, _batch_label(number, title)) for id_, number, title in rows]


def _batch_label(number: int, title: str) -> str:
    return title if title.lower().startswith("lot") else f"Lot {number} — {title}"


def _chapters(consultation: Consultation) -> list[tuple[int, str]]:
    query = select(Chapter.id, Chapter.number, Chapter.title).where(
        Chapter.consultation_id == consultation.id
    )
    rows = _rows(query.order_by(Chapter.number))
    return [(id_, f"Chapitre {number} — {title}") for id_, number, title in rows]
