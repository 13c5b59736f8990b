"""The moderator's form for a charter decision that needs a reason: refusing or hiding."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from consultation.moderation.decisions import CharterReason


class DecisionForm(FlaskForm):
    reason = RadioField(
        "Motif",
        choices=[SelectChoice(reason.value, reason.label) for reason in CharterReason],
        validators=[InputRequired("Choisissez un motif.")],
    )
    comment = TextAreaField(
        "Commentaire",
        validators=[Length(max=1000, message="Le commentaire compte au plus 1 000 caractères.")],
    )

    def validate_reason(self, field: RadioField) -> None:
        if field.data not in {reason.value for reason in CharterReason}:
            raise ValidationError("Choisissez un motif de la liste.")

    def validate_comment(self, field: TextAreaField) -> None:
        if self.reason.data == CharterReason.OTHER and not (field.data or "").strip():
            raise ValidationError(
                "Précisez le motif : le commentaire est obligatoire pour « Autre motif »."
            )

    @property
    def charter_reason(self) -> CharterReason:
        return CharterReason(self.reason.data)
