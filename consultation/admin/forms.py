"""Back-office forms: consultations, batches and chapters, with messages in French.

The forms check what a browser can get wrong (missing value, bad date, bad file); the rules of
the publication itself are checked by `publication.editing`, whose problems `show_problems`
puts back on the fields.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from consultation.core.dates import from_paris, to_paris
from consultation.publication.editing import Problem, split_title
from consultation.publication.models import Batch, Chapter, ModerationMode
from consultation.publication.sections import Section, sections_of

#: A chapter file larger than this is surely not a chapter.
MAX_UPLOAD_BYTES = 512 * 1024


def _unix_newlines(text: str | None) -> str:
    """Browsers send textareas with CRLF; the stored Markdown uses LF, so texts compare equal."""
    return (text or "").replace("\r\n", "\n")


class _OneMessage:
    """A typed field that says one thing only: missing, or malformed, or out of range.

    A blank value is missing (not malformed), and a malformed one is not also out of range.
    """

    required_message: str

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata(valuelist)  # type: ignore[misc]

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:  # type: ignore[attr-defined]
            raise StopValidation
        if self.data is None:
            raise StopValidation(self.required_message)


class ParisDateTimeField(_OneMessage, DateTimeLocalField):
    """A date and time typed in Paris time; its data is an aware UTC datetime."""

    def __init__(self, label: str, required_message: str, **kwargs: object) -> None:
        super().__init__(
            label,
            validators=[InputRequired(required_message)],
            format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
            invalid_value_message="Saisissez une date et une heure valides "
            "(jour, mois, année, heures et minutes).",
            **kwargs,
        )
        self.required_message = required_message

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = from_paris(self.data)

    def _value(self) -> str:
        if self.raw_data or not self.data:
            return super()._value()
        return to_paris(self.data).strftime(self.format[0])


class NumberField(_OneMessage, IntegerField):
    """A whole number from 1 to 999, with French messages."""

    def __init__(self, label: str, required_message: str, **kwargs: object) -> None:
        super().__init__(
            label,
            validators=[
                InputRequired(required_message),
                NumberRange(1, 999, "Saisissez un nombre entier entre 1 et 999."),
            ],
            invalid_value_message="Saisissez un nombre entier, par exemple 2.",
            **kwargs,
        )
        self.required_message = required_message


class ConsultationForm(FlaskForm):
    slug = StringField(
        "Identifiant d’adresse",
        validators=[
            InputRequired("Saisissez l’identifiant d’adresse."),
            Length(max=80, message="L’identifiant d’adresse ne doit pas dépasser 80 caractères."),
        ],
    )
    title = StringField(
        "Titre",
        validators=[
            InputRequired("Saisissez le titre de la consultation."),
            Length(max=200, message="Le titre ne doit pas dépasser 200 caractères."),
        ],
    )
    reference_prefix = StringField(
        "Préfixe des références",
        validators=[Length(max=20, message="Le préfixe ne doit pas dépasser 20 caractères.")],
    )
    summary = TextAreaField(
        "Présentation (Markdown)",
        validators=[
            Length(max=20_000, message="La présentation ne doit pas dépasser 20 000 caractères.")
        ],
        render_kw={"rows": 8},
    )
    opens_at = ParisDateTimeField("Ouverture", "Saisissez la date et l’heure d’ouverture.")
    closes_at = ParisDateTimeField("Clôture", "Saisissez la date et l’heure de clôture.")
    moderation_mode = RadioField(
        "Modération des contributions",
        choices=[SelectChoice(mode.value, mode.label) for mode in ModerationMode],
        default=ModerationMode.A_PRIORI.value,
        validators=[InputRequired("Choisissez un mode de modération.")],
        invalid_choice_message="Choisissez un mode de modération proposé.",
    )

    def values(self) -> dict[str, object]:
        """The arguments of `editing.save_consultation`."""
        return {
            "slug": self.slug.data.strip(),
            "title": self.title.data,
            "summary": _unix_newlines(self.summary.data),
            "opens_at": self.opens_at.data,
            "closes_at": self.closes_at.data,
            "moderation_mode": ModerationMode(self.moderation_mode.data),
            "reference_prefix": (self.reference_prefix.data or "").strip(),
        }


class BatchForm(FlaskForm):
    number = NumberField("Numéro du lot", "Saisissez le numéro du lot.")
    title = StringField(
        "Titre du lot",
        validators=[
            InputRequired("Saisissez le titre du lot."),
            Length(max=200, message="Le titre ne doit pas dépasser 200 caractères."),
        ],
    )
    publish_at = ParisDateTimeField(
        "Date de publication", "Saisissez la date et l’heure de publication."
    )

    def values(self) -> dict[str, object]:
        """The arguments of `editing.save_batch`."""
        return {
            "number": self.number.data,
            "title": self.title.data,
            "publish_at": self.publish_at.data,
        }


class ChapterForm(FlaskForm):
    batch = SelectField(
        "Lot",
        coerce=int,
        validators=[InputRequired("Choisissez le lot du chapitre.")],
        invalid_choice_message="Choisissez un lot de cette consultation.",
    )
    number = NumberField("Numéro du chapitre", "Saisissez le numéro du chapitre.")
    slug = StringField(
        "Identifiant d’adresse",
        validators=[
            InputRequired("Saisissez l’identifiant d’adresse."),
            Length(max=120, message="L’identifiant d’adresse ne doit pas dépasser 120 caractères."),
        ],
    )
    title = StringField(
        "Titre du chapitre",
        validators=[
            Optional(),
            Length(max=300, message="Le titre ne doit pas dépasser 300 caractères."),
        ],
    )
    body = TextAreaField("Texte du chapitre (Markdown)", render_kw={"rows": 20})
    upload = FileField(
        "Ou fichier Markdown",
        validators=[
            FileAllowed(["md", "txt"], "Déposez un fichier .md ou .txt."),
            FileSize(MAX_UPLOAD_BYTES, message="Le fichier dépasse la taille maximale de 500 Ko."),
        ],
    )

    @classmethod
    def for_chapter(cls, chapter: Chapter, batches: Iterable[Batch]) -> ChapterForm:
        form = cls(obj=chapter, batch=chapter.batch_id, body=chapter.consultation_version.body)
        form.offer(batches)
        return form

    def offer(self, batches: Iterable[Batch]) -> None:
        self.batch.choices = [
            SelectChoice(item.id, f"Lot {item.number} — {item.title}") for item in batches
        ]

    def validate_upload(self, field: FileField) -> None:
        if not field.data:
            return
        try:
            text = field.data.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                "Le fichier n’est pas encodé en UTF-8 : enregistrez-le en UTF-8 puis "
                "déposez-le à nouveau."
            ) from error
        # The file takes the place of the pasted text, and stays in view if the form comes back.
        self.body.data = text

    def sections(self) -> list[Section]:
        """The sections the text will have, with their anchors, as the public page will show."""
        return sections_of(_unix_newlines(self.body.data))

    def values(self, batches: Iterable[Batch]) -> dict[str, object]:
        """The arguments of `editing.save_chapter`; a leading `# heading` gives the title."""
        heading, body = split_title(_unix_newlines(self.body.data))
        return {
            "batch": next(batch for batch in batches if batch.id == self.batch.data),
            "number": self.number.data,
            "slug": self.slug.data.strip(),
            "title": (self.title.data or "").strip() or heading or "",
            "body": body,
        }


class DeleteForm(FlaskForm):
    """Nothing to fill in: the form carries the CSRF token of a deletion."""


def show_problems(form: FlaskForm, problems: Iterable[Problem]) -> None:
    """Put each refusal of the editing services on its field, or on the whole form."""
    for problem in problems:
        field = form._fields.get(problem.field) if problem.field else None
        if field is None:
            form.form_errors.append(problem.message)
        else:
            field.errors.append(problem.message)
