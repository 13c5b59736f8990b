"""The moderator's form for the official answer to one contribution."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from consultation.moderation.answers import AnswerText
from consultation.moderation.models import Disposition

MAX_LENGTH = 20_000
TOO_LONG = f"La réponse doit compter au plus {MAX_LENGTH:_} caractères.".replace("_", "\u202f")


class DispositionField(RadioField):
    """Radio buttons whose refusal of an unknown value is said in French."""

    def pre_validate(self, form: Form) -> None:
        if self.data not in {disposition.value for disposition in Disposition}:
            raise ValidationError("Choisissez la suite donnée à la contribution.")


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
    save_draft = SubmitField("Enregistrer le brouillon")
    publish = SubmitField("Publier la réponse")

    def answer_text(self) -> AnswerText:
        disposition = Disposition(self.disposition.data)
        return AnswerText(body=self.body.data.strip(), disposition=disposition)
