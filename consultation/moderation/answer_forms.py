"""The moderators' forms for official answers: one contribution, a campaign, a workbook import."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    Form,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from consultation.moderation.answer_import import MAX_FILE_BYTES
from consultation.moderation.answers import MAX_LENGTH, TOO_LONG, AnswerText
from consultation.moderation.citations import MAX_CITATIONS, CitableSection
from consultation.moderation.models import Disposition

UNKNOWN_SECTION = (
    "Section inconnue du texte final : « {} ». Le texte a peut-être changé : rechargez la page "
    "et choisissez parmi les sections proposées."
)
REPLACE_LABEL = "Remplacer les réponses déjà publiées"


class ChoiceField(RadioField):
    """Radio buttons whose refusal of a value not offered is said in French."""

    def __init__(self, *args: object, refusal: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.refusal = refusal

    def pre_validate(self, form: Form) -> None:
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(self.refusal)


class DispositionField(RadioField):
    """Radio buttons whose refusal of an unknown value is said in French."""

    def pre_validate(self, form: Form) -> None:
        if self.data not in {disposition.value for disposition in Disposition}:
            raise ValidationError("Choisissez la suite donnée à la contribution.")


class CitationField(SelectMultipleField):
    """The cited sections; a value that is not a section of the final text is refused in French."""

    def pre_validate(self, form: Form) -> None:
        offered = {choice.value for choice in self.choices or ()}
        for value in self.data or ():
            if value not in offered:
                raise ValidationError(UNKNOWN_SECTION.format(value[:80]))
        if len(self.data or ()) > MAX_CITATIONS:
            raise ValidationError(f"Citez au plus {MAX_CITATIONS} sections.")


class AnswerForm(FlaskForm):
    disposition = DispositionField(
        "Suite donnée à la contribution",
        choices=[SelectChoice(disposition.value, disposition.label) for disposition in Disposition],
        validators=[DataRequired("Choisissez la suite donnée à la contribution.")],
    )
    body = TextAreaField(
        "Texte de la réponse",
        validators=[
            DataRequired("Saisissez le texte de la réponse."),
            Length(max=MAX_LENGTH, message=TOO_LONG),
        ],
        render_kw={"rows": 10},
    )
    sections = CitationField("Sections du texte final citées", choices=[])
    save_draft = SubmitField("Enregistrer le brouillon")
    publish = SubmitField("Publier la réponse")

    def offer_sections(self, citable: list[CitableSection]) -> None:
        """The sections that may be cited: those of the final text of the consultation."""
        self._citable = {item.key: item for item in citable}
        self.sections.choices = [SelectChoice(item.key, item.section.title) for item in citable]

    def answer_text(self) -> AnswerText:
        disposition = Disposition(self.disposition.data)
        cited = tuple(self._citable[key] for key in dict.fromkeys(self.sections.data or ()))
        return AnswerText(self.body.data.strip(), disposition, cited)


class CampaignForm(AnswerForm):
    replace = BooleanField(REPLACE_LABEL)


class AnswerImportForm(FlaskForm):
    workbook = FileField(
        "Classeur des réponses",
        validators=[
            FileRequired("Choisissez le classeur à importer."),
            FileAllowed(["xlsx"], "Déposez un classeur Excel au format .xlsx."),
            FileSize(MAX_FILE_BYTES, message="Le classeur dépasse la taille maximale de 5 Mo."),
        ],
    )
    mode = ChoiceField(
        "Les réponses des lignes dont la colonne « Publier » est vide",
        choices=[
            SelectChoice("draft", "sont enregistrées comme brouillons"),
            SelectChoice("publish", "sont publiées"),
        ],
        default="draft",
        refusal="Choisissez entre brouillons et publication.",
    )
    replace = BooleanField(REPLACE_LABEL)
    check = SubmitField("Vérifier sans importer")
    run = SubmitField("Importer les réponses")

    @property
    def is_dry_run(self) -> bool:
        return bool(self.check.data) and not self.run.data
