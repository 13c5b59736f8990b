"""Forms of readers' reports (public) and of what moderators do with them: close, hide, mask."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import HiddenInput

from consultation.core.antispam import BotTrapMixin
from consultation.moderation import redaction
from consultation.moderation.decisions import CharterReason
from consultation.moderation.forms import DecisionForm
from consultation.moderation.reports import READER_REASONS

COMMENT_LENGTH = Length(max=1000, message="Le commentaire compte au plus 1 000 caractères.")


class ReportForm(BotTrapMixin, FlaskForm):
    reason = SelectField(
        "Motif du signalement",
        choices=[SelectChoice("", "Choisissez un motif")]
        + [SelectChoice(reason.value, reason.label) for reason in READER_REASONS],
        validators=[DataRequired("Choisissez le motif du signalement.")],
        validate_choice=False,
    )
    comment = TextAreaField("Commentaire (facultatif)", validators=[COMMENT_LENGTH])

    def validate_reason(self, field: SelectField) -> None:
        if field.data not in {reason.value for reason in READER_REASONS}:
            raise ValidationError("Choisissez un motif de la liste.")

    @property
    def charter_reason(self) -> CharterReason:
        return CharterReason(self.reason.data)


class _SeenReports:
    """The newest open report shown to the moderator: later ones stay open."""

    last_report_id = IntegerField(
        "Signalements affichés",
        widget=HiddenInput(),
        validators=[InputRequired("La page a expiré : rechargez-la, puis recommencez.")],
    )


class ResolveForm(_SeenReports, FlaskForm):
    """ "Rien à redire": only the CSRF token and the reports seen."""


class HideReportedForm(_SeenReports, DecisionForm):
    """Hiding a reported contribution: the charter decision's reason and comment."""


class RedactionForm(FlaskForm):
    passages = TextAreaField(
        "Passages à masquer",
        validators=[DataRequired(redaction.NO_PASSAGE)],
        render_kw={"rows": 5},
    )
    reason = RadioField(
        "Motif",
        choices=[SelectChoice(reason.value, reason.label) for reason in CharterReason],
        default=CharterReason.PERSONAL_DATA.value,
        validators=[InputRequired("Choisissez un motif.")],
    )
    resolve_reports = BooleanField("Clore les signalements ouverts de cette contribution")
    last_report_id = IntegerField("Signalements affichés", widget=HiddenInput(), default=0)

    def validate_passages(self, field: TextAreaField) -> None:
        problem = redaction.passage_problem(self.passage_list)
        if problem:
            raise ValidationError(problem)

    def validate_reason(self, field: RadioField) -> None:
        if field.data not in {reason.value for reason in CharterReason}:
            raise ValidationError("Choisissez un motif de la liste.")

    @property
    def passage_list(self) -> list[str]:
        return redaction.parse_passages(self.passages.data or "")

    @property
    def charter_reason(self) -> CharterReason:
        return CharterReason(self.reason.data)
