"""Forms of the second factor: a code from the app, a recovery code, the codes to download."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Regexp

CODE_REQUIRED = "Saisissez le code à 6 chiffres affiché par votre application."
CODE_FORMAT = "Le code est fait de 6 chiffres, par exemple 123456."
RECOVERY_REQUIRED = "Saisissez l’un de vos codes de secours."
RECOVERY_FORMAT = (
    "Un code de secours a 12 caractères, lettres et chiffres, par exemple 7KQ3-M9XP-2WTR."
)


def _without_spaces(value: str | None) -> str | None:
    return "".join(value.split()) if value else value


class CodeForm(FlaskForm):
    code = StringField(
        "Code à 6 chiffres",
        filters=[_without_spaces],
        validators=[DataRequired(CODE_REQUIRED), Regexp(r"^\d{6}$", message=CODE_FORMAT)],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
            "maxlength": "9",
        },
    )


class RecoveryCodeForm(FlaskForm):
    recovery_code = StringField(
        "Code de secours",
        filters=[_without_spaces],
        validators=[
            DataRequired(RECOVERY_REQUIRED),
            Regexp(r"^(?:[A-Za-z0-9]-?){12}$", message=RECOVERY_FORMAT),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class RecoveryCodesDownloadForm(FlaskForm):
    """The codes just shown, sent back to be served as a text file; checked against the hashes."""

    codes = HiddenField(validators=[DataRequired(), Length(max=400)])


class ReplaceAppForm(FlaskForm):
    """A code of the app in use, then a first code of the new one."""

    code = StringField(
        "Code de l’application actuelle",
        filters=[_without_spaces],
        validators=[DataRequired(CODE_REQUIRED), Regexp(r"^\d{6}$", message=CODE_FORMAT)],
        render_kw=CodeForm.code.kwargs["render_kw"],
    )
    new_code = StringField(
        "Code de la nouvelle application",
        filters=[_without_spaces],
        validators=[DataRequired(CODE_REQUIRED), Regexp(r"^\d{6}$", message=CODE_FORMAT)],
        render_kw=CodeForm.code.kwargs["render_kw"],
    )
