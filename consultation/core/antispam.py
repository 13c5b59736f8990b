"""Bot friction for public forms: a trap field people never see, and a minimum filling time.

Both are invisible to people: the trap is not displayed (nor announced by screen readers), and
nobody writes a contribution or fills a registration form in under a few seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import HiddenField, StringField
from wtforms.validators import ValidationError

from consultation.core.clock import now

TOO_FAST = "Le formulaire a été envoyé trop vite. Relisez-le, puis envoyez-le à nouveau."
REFUSED = "Le formulaire n’a pas pu être accepté. Rechargez la page, puis recommencez."


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="form-started-at")


def started_at_token() -> str:
    return _serializer().dumps(now().timestamp())


def _seconds_since(token: str) -> float | None:
    try:
        started = datetime.fromtimestamp(float(_serializer().loads(token)), tz=UTC)
    except (BadSignature, TypeError, ValueError):
        return None
    return (now() - started).total_seconds()


class BotTrapMixin:
    """Add to a FlaskForm: `website` must stay empty, `started_at` must be old enough."""

    website = StringField("Ne pas remplir ce champ")
    started_at = HiddenField(default=started_at_token)

    def validate_website(self, field: StringField) -> None:
        if current_app.config.get("ANTISPAM_ENABLED", True) and field.data:
            raise ValidationError(REFUSED)

    def validate_started_at(self, field: HiddenField) -> None:
        if not current_app.config.get("ANTISPAM_ENABLED", True):
            return
        elapsed = _seconds_since(field.data or "")
        if elapsed is None:
            raise ValidationError(REFUSED)
        if elapsed < current_app.config.get("ANTISPAM_MIN_SECONDS", 3):
            field.data = started_at_token()
            raise ValidationError(TOO_FAST)
