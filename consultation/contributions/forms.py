"""The contribution form: section, text, files, and what protects it from bots and double sends."""

from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField, MultipleFileField, SelectField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from consultation.contributions.attachments import MAX_FILE_COUNT
from consultation.contributions.services import MAX_LENGTH, body_problem
from consultation.core.antispam import BotTrapMixin
from consultation.publication.models import Chapter

WHOLE_CHAPTER = ""


def _new_submission_key() -> str:
    return secrets.token_hex(16)


class ContributionForm(BotTrapMixin, FlaskForm):
    section = SelectField("Partie du chapitre concernée", choices=[], validate_choice=False)
    body = TextAreaField(
        "Votre contribution",
        validators=[DataRequired("Saisissez le texte de votre contribution.")],
        render_kw={"rows": 12, "maxlength": MAX_LENGTH + 500},
    )
    attachments = MultipleFileField(
        "Pièces jointes",
        render_kw={"accept": ".pdf,.odt,.docx,.txt", "multiple": True},
    )
    #: Random per displayed form: the same form sent twice records a single contribution.
    submission_key = HiddenField(default=_new_submission_key)

    def validate_body(self, field: TextAreaField) -> None:
        problem = body_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate_submission_key(self, field: HiddenField) -> None:
        if not field.data or len(field.data) > 64:
            field.data = _new_submission_key()
            raise ValidationError("Le formulaire a expiré : envoyez-le à nouveau.")

    def offer_sections(self, chapter: Chapter) -> None:
        choices = [(WHOLE_CHAPTER, "L’ensemble du chapitre")]
        choices += [
            (section.anchor, section.title) for section in chapter.consultation_version.sections
        ]
        self.section.choices = choices

    def uploads_count_hint(self) -> str:
        return f"Jusqu’à {MAX_FILE_COUNT} fichiers PDF, ODT, DOCX ou TXT de 10 Mo au plus chacun."
