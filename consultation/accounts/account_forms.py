"""Forms of "my account": profile and consents, email, password, data download, deletion.

The forms check what a browser can get wrong; the rules (current password, organisation
required by the profile, password policy, address free) are the services' and come back as
`AccountChangeRefused` on the field they concern.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from consultation.accounts.models import Profile, User

MAX_PASSWORD_INPUT = 1024


def _current_password(label: str = "Mot de passe actuel") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired("Saisissez votre mot de passe actuel."),
            Length(max=MAX_PASSWORD_INPUT),
        ],
        render_kw={"autocomplete": "current-password"},
    )


def _optional_text(label: str, max_length: int, message: str) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=max_length, message=message)])


class ProfileForm(FlaskForm):
    display_name = StringField(
        "Nom et prénom",
        validators=[
            InputRequired("Saisissez votre nom."),
            Length(max=120, message="Le nom ne doit pas dépasser 120 caractères."),
        ],
        render_kw={"autocomplete": "name"},
    )
    profile = SelectField(
        "Profil",
        coerce=int,
        validators=[InputRequired("Choisissez votre profil.")],
        invalid_choice_message="Choisissez un des profils proposés.",
    )
    organisation = _optional_text(
        "Organisation", 200, "Le nom de l’organisation ne doit pas dépasser 200 caractères."
    )
    hatvp_number = _optional_text(
        "Numéro au répertoire des représentants d’intérêts (HATVP)",
        40,
        "Le numéro HATVP ne doit pas dépasser 40 caractères.",
    )
    show_name = BooleanField("J’accepte que mon nom soit affiché avec mes contributions")
    news_opt_in = BooleanField("Je souhaite recevoir les actualités de la concertation")

    @classmethod
    def for_user(cls, user: User, profiles: list[Profile]) -> ProfileForm:
        """The form filled with the user's values (or with what they sent), offering profiles."""
        form = cls(obj=user)
        if not form.is_submitted():
            form.profile.data = user.profile_id
        form.profile.choices = [(item.id, item.label) for item in profiles]
        form._profiles = {item.id: item for item in profiles}
        return form

    def chosen_profile(self) -> Profile:
        return self._profiles[self.profile.data]

    def values(self) -> dict[str, object]:
        """The arguments of `account_services.update_profile`."""
        return {
            "display_name": self.display_name.data,
            "profile": self.chosen_profile(),
            "organisation": self.organisation.data,
            "hatvp_number": self.hatvp_number.data,
            "show_name": self.show_name.data,
            "news_opt_in": self.news_opt_in.data,
        }


class EmailChangeForm(FlaskForm):
    new_email = EmailField(
        "Nouvelle adresse électronique",
        validators=[
            DataRequired("Saisissez votre nouvelle adresse électronique."),
            Email("Saisissez une adresse électronique valide, par exemple nom@exemple.fr."),
            Length(max=254, message="L’adresse ne doit pas dépasser 254 caractères."),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    current_password = _current_password()


class PasswordChangeForm(FlaskForm):
    current_password = _current_password()
    new_password = PasswordField(
        "Nouveau mot de passe",
        validators=[
            DataRequired("Saisissez votre nouveau mot de passe."),
            Length(max=MAX_PASSWORD_INPUT),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirmation = PasswordField(
        "Confirmation du nouveau mot de passe",
        validators=[
            DataRequired("Saisissez une deuxième fois votre nouveau mot de passe."),
            EqualTo("new_password", "Les deux mots de passe saisis sont différents."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class DataExportForm(FlaskForm):
    """Nothing to fill in: the form carries the CSRF token of the download."""


class DeleteAccountForm(FlaskForm):
    current_password = _current_password()
    confirm = BooleanField(
        "Je comprends que la suppression de mon compte est définitive",
        validators=[DataRequired("Cochez la case pour confirmer la suppression de votre compte.")],
    )
