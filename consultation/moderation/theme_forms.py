"""Forms of the themes: naming one, merging one into another, tagging contributions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from consultation.contributions.models import Theme
from consultation.contributions.themes import MAX_BULK, MAX_NAME_LENGTH, MIN_NAME_LENGTH

NAME_LENGTH = (
    f"Le nom du thème doit compter entre {MIN_NAME_LENGTH} et {MAX_NAME_LENGTH} caractères."
)


def _collapse_spaces(value: str | None) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) else value


def _theme_choices(themes: list[Theme]) -> list[tuple[int, str]]:
    return [(theme.id, theme.name) for theme in themes]


class ThemeField(SelectField):
    """One theme among those offered; anything else is refused in French."""

    def __init__(self, label: str, refusal: str, **kwargs: object) -> None:
        super().__init__(label, coerce=_identifier, choices=[], **kwargs)
        self.refusal = refusal
        self.type = "SelectField"  # drawn as a select by macros/forms.html

    def pre_validate(self, form: Form) -> None:
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError(self.refusal)


class ThemesField(SelectMultipleField):
    """Any number of the themes offered, shown as checkboxes; an unknown one is refused."""

    def __init__(self, label: str, **kwargs: object) -> None:
        super().__init__(label, coerce=_identifier, choices=[], **kwargs)

    def pre_validate(self, form: Form) -> None:
        offered = {value for value, _ in self.choices}
        if any(value not in offered for value in self.data or ()):
            raise ValidationError(
                "Choisissez parmi les thèmes proposés : la liste a peut-être changé."
            )


class IdentifiersField(SelectMultipleField):
    """Ids of contributions sent as repeated values; no list of choices to check them against."""

    def __init__(self, label: str, **kwargs: object) -> None:
        super().__init__(label, coerce=_identifier, choices=[], validate_choice=False, **kwargs)

    def pre_validate(self, form: Form) -> None:
        if not self.data or None in self.data:
            raise ValidationError("Choisissez au moins une contribution.")
        if len(self.data) > MAX_BULK:
            raise ValidationError(f"Choisissez au plus {MAX_BULK} contributions à la fois.")


def _identifier(value: object) -> int | None:
    """A positive integer id, or None for anything else (refused by the field)."""
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


class ThemeNameForm(FlaskForm):
    name = StringField(
        "Nom du thème",
        filters=[_collapse_spaces],
        validators=[
            DataRequired("Saisissez le nom du thème."),
            Length(MIN_NAME_LENGTH, MAX_NAME_LENGTH, NAME_LENGTH),
        ],
    )


class MergeForm(FlaskForm):
    target = ThemeField("Thème qui le remplace", refusal="Choisissez un autre thème de la liste.")

    def offer(self, themes: list[Theme], merged: Theme) -> None:
        self.target.choices = _theme_choices([theme for theme in themes if theme.id != merged.id])


class ContributionThemesForm(FlaskForm):
    themes = ThemesField("Thèmes de la contribution")

    def offer(self, themes: list[Theme]) -> None:
        self.themes.choices = _theme_choices(themes)


class BulkTagForm(FlaskForm):
    contribution = IdentifiersField("Contributions")
    theme = ThemeField(
        "Thème à attribuer",
        refusal="Choisissez un thème de la liste.",
        validators=[InputRequired("Choisissez un thème.")],
    )

    def offer(self, themes: list[Theme]) -> None:
        self.theme.choices = _theme_choices(themes)
