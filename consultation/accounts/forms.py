"""Forms of the accounts domain: signing in, registering, confirming, resetting a password."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from consultation.core.antispam import BotTrapMixin

EMAIL_REQUIRED = "Saisissez votre adresse électronique."
EMAIL_INVALID = "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."
PASSWORDS_DIFFER = "Les deux mots de passe saisis ne sont pas identiques."


def _email_field() -> EmailField:
    return EmailField(
        "Adresse électronique",
        validators=[DataRequired(EMAIL_REQUIRED), Email(EMAIL_INVALID), Length(max=254)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def _new_password_fields(name: str, label: str) -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation; the policy itself is checked by the services."""
    password = PasswordField(
        label,
        validators=[DataRequired("Choisissez un mot de passe."), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirmation = PasswordField(
        "Confirmation du mot de passe",
        validators=[
            DataRequired("Saisissez à nouveau le mot de passe."),
            EqualTo(name, PASSWORDS_DIFFER),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirmation


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Rester connecté sur cet appareil")


class RegistrationForm(BotTrapMixin, FlaskForm):
    email = _email_field()
    password, password_confirmation = _new_password_fields("password", "Mot de passe")
    display_name = StringField(
        "Prénom et nom",
        validators=[DataRequired("Saisissez votre prénom et votre nom."), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    #: Choices are the active profiles, set by the view; the services check the choice.
    profile = SelectField(
        "Profil", validators=[DataRequired("Choisissez votre profil.")], validate_choice=False
    )
    organisation = StringField(
        "Organisation", validators=[Length(max=200)], render_kw={"autocomplete": "organization"}
    )
    hatvp_number = StringField(
        "Numéro au répertoire des représentants d’intérêts (HATVP)",
        validators=[Optional(), Length(max=40)],
    )
    show_name = BooleanField("J’accepte que mon nom soit affiché publiquement")
    news_opt_in = BooleanField(
        "Je souhaite recevoir par courriel les actualités de la concertation"
    )
    accept_charter = BooleanField(
        "J’accepte la charte de modération (obligatoire)",
        validators=[DataRequired("Acceptez la charte de modération pour créer un compte.")],
    )
    accept_privacy_notice = BooleanField(
        "J’ai pris connaissance de la notice sur les données personnelles (obligatoire)",
        validators=[
            DataRequired(
                "Prenez connaissance de la notice sur les données personnelles "
                "pour créer un compte."
            )
        ],
    )

    def offer_profiles(self, profiles) -> None:
        self.profile.choices = [("", "Sélectionnez votre profil")] + [
            (profile.code, profile.label) for profile in profiles
        ]


class ForgotPasswordForm(BotTrapMixin, FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    new_password, new_password_confirmation = _new_password_fields(
        "new_password", "Nouveau mot de passe"
    )


class ActionForm(FlaskForm):
    """A form with only its CSRF token, behind a single button (confirm, resend)."""
