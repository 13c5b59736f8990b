"""Moderators' forms on a mail: publish it as one or more excerpts, refuse it, release it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from consultation.accounts.models import Profile
from consultation.contributions.models import Attachment
from consultation.inbound_mail.models import RefusalReason
from consultation.publication.models import Chapter, Consultation

MAX_EXCERPTS = 10
NOT_PUBLISHED = ""


class ChoiceField(SelectField):
    """A select whose refusal of an unknown value is said in French, in the moderator's words."""

    def __init__(self, label: str, invalid_message: str, **kwargs: object) -> None:
        super().__init__(label, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form: Form) -> None:
        if self.data not in {str(choice.value) for choice in self.choices}:
            raise ValidationError(self.invalid_message)


class ExcerptForm(Form):
    place = ChoiceField(
        "Chapitre et section",
        invalid_message="Choisissez un chapitre publié de la consultation choisie.",
        choices=[],
        validators=[DataRequired("Choisissez le chapitre de l’extrait.")],
    )
    body = TextAreaField(
        "Texte de l’extrait",
        validators=[DataRequired("Saisissez le texte de l’extrait.")],
        render_kw={"rows": 12},
    )


class AttachmentChoiceForm(Form):
    excerpt = ChoiceField("Publier", invalid_message="Choisissez un extrait.", choices=[])


class TriageForm(FlaskForm):
    consultation = ChoiceField(
        "Consultation", invalid_message="Choisissez une consultation.", choices=[]
    )
    author_label = StringField(
        "Nom affiché publiquement",
        validators=[
            DataRequired("Saisissez le nom de l’organisation ou un pseudonyme."),
            Length(max=200, message="200 caractères au plus."),
        ],
    )
    profile = ChoiceField(
        "Profil",
        invalid_message="Choisissez le profil de l’expéditeur.",
        choices=[],
        validators=[DataRequired("Choisissez le profil de l’expéditeur.")],
    )
    organisation = StringField(
        "Organisation",
        validators=[Optional(), Length(max=200, message="200 caractères au plus.")],
    )
    excerpts = FieldList(FormField(ExcerptForm), min_entries=1, max_entries=MAX_EXCERPTS)
    attachments = FieldList(FormField(AttachmentChoiceForm))

    def offer_choices(
        self,
        consultations: list[Consultation],
        profiles: list[Profile],
        chapters: list[Chapter],
        attachments: list[Attachment],
    ) -> None:
        """Fill the selects; call again after adding or removing an excerpt."""
        self.consultation.choices = [
            SelectChoice(str(item.id), item.title) for item in consultations
        ]
        self.profile.choices = [SelectChoice("", "Choisir un profil")] + [
            SelectChoice(str(item.id), item.label) for item in profiles
        ]
        places = [SelectChoice("", "Choisir un chapitre"), *places_of(chapters)]
        for number, entry in enumerate(self.excerpts, start=1):
            entry.form.place.choices = places
            entry.form.place.label.text = f"Chapitre et section de l’extrait n° {number}"
            entry.form.body.label.text = f"Texte de l’extrait n° {number}"
        self._offer_attachments(attachments)

    def _offer_attachments(self, attachments: list[Attachment]) -> None:
        while len(self.attachments) < len(attachments):
            self.attachments.append_entry()
        choices = [SelectChoice(NOT_PUBLISHED, "Ne pas publier")] + [
            SelectChoice(str(number), f"avec l’extrait n° {number}")
            for number in range(1, len(self.excerpts) + 1)
        ]
        for entry, attachment in zip(self.attachments, attachments, strict=False):
            entry.form.excerpt.choices = choices
            entry.form.excerpt.label.text = f"Publier « {attachment.filename} »"

    def add_excerpt(self, body: str) -> bool:
        if len(self.excerpts) >= MAX_EXCERPTS:
            return False
        self.excerpts.append_entry({"place": "", "body": body})
        return True

    def remove_excerpt(self) -> None:
        if len(self.excerpts) > 1:
            self.excerpts.pop_entry()

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every error, excerpts included, for the summary."""
        fields = [self.consultation, self.author_label, self.profile, self.organisation]
        for entry in [*self.excerpts, *self.attachments]:
            fields.extend(entry.form)
        return [(item.id, item.label.text, message) for item in fields for message in item.errors]

    def place_of(self, entry: FormField) -> tuple[int, str | None]:
        """(chapter id, section anchor or None) chosen for one excerpt."""
        chapter_id, _, anchor = entry.form.place.data.partition(":")
        return int(chapter_id), anchor or None

    def attachment_ids_for(self, number: int, attachments: list[Attachment]) -> tuple[int, ...]:
        return tuple(
            attachment.id
            for entry, attachment in zip(self.attachments, attachments, strict=False)
            if entry.form.excerpt.data == str(number)
        )


def places_of(chapters: list[Chapter]) -> list[SelectChoice]:
    """ "chapter id" for the whole chapter, "chapter id:anchor" for one of its sections."""
    places = []
    for chapter in chapters:
        heading = f"Chapitre {chapter.number} — {chapter.title}"
        places.append(SelectChoice(str(chapter.id), f"{heading} : ensemble du chapitre"))
        places += [
            SelectChoice(f"{chapter.id}:{section.anchor}", f"{heading} : {section.title}")
            for section in chapter.consultation_version.sections
        ]
    return places


class RefusalForm(FlaskForm):
    reason = RadioField(
        "Motif du refus",
        choices=[SelectChoice(reason.value, reason.label) for reason in RefusalReason],
        validators=[InputRequired("Choisissez le motif du refus.")],
        validate_choice=False,
    )
    comment = TextAreaField(
        "Commentaire",
        validators=[Length(max=2000, message="2 000 caractères au plus.")],
        render_kw={"rows": 3},
    )

    def validate_reason(self, field: RadioField) -> None:
        if field.data not in {reason.value for reason in RefusalReason}:
            raise ValidationError("Choisissez le motif du refus.")

    def validate_comment(self, field: TextAreaField) -> None:
        if self.reason.data == RefusalReason.OTHER and not (field.data or "").strip():
            raise ValidationError("Précisez le motif du refus dans le commentaire.")


class ReleaseForm(FlaskForm):
    is_inspected = BooleanField(
        "J’ai inspecté ce message et ses pièces jointes : il peut retourner dans la file à trier.",
        validators=[DataRequired("Cochez la case pour confirmer l’inspection du message.")],
    )
