"""Back-office screens for stakeholder profiles: list with usage, create, edit, reorder, delete.

The rules (unique slug-like code, a profile in use is retired rather than deleted) live in
`accounts.profiles`; these views validate the form, call the service and commit once.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import AnyOf, InputRequired, Length

from consultation.accounts import profiles
from consultation.accounts.models import Profile
from consultation.accounts.profiles import ProfileRefused
from consultation.admin.forms import DeleteForm, NumberField, show_problems
from consultation.admin.views import bp
from consultation.core import audit
from consultation.core.roles import admin_required
from consultation.extensions import db


class ProfileForm(FlaskForm):
    label = StringField(
        "Libellé",
        validators=[
            InputRequired("Saisissez le libellé du profil."),
            Length(max=160, message="Le libellé ne doit pas dépasser 160 caractères."),
        ],
    )
    code = StringField(
        "Code",
        validators=[
            InputRequired("Saisissez le code du profil."),
            Length(max=40, message="Le code ne doit pas dépasser 40 caractères."),
        ],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    position = NumberField("Position dans la liste", "Saisissez la position du profil.")
    requires_organisation = BooleanField("L’organisation est obligatoire pour ce profil")
    is_active = BooleanField("Proposé à l’inscription (profil actif)", default=True)

    def values(self) -> dict[str, object]:
        """The arguments of `profiles.save_profile`."""
        return {
            "code": self.code.data,
            "label": self.label.data,
            "position": self.position.data,
            "requires_organisation": self.requires_organisation.data,
            "is_active": self.is_active.data,
        }


#: What the audit trail keeps of a profile before and after an admin changes it.
PROFILE_FIELDS = ("code", "label", "position", "requires_organisation", "is_active")


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])


def _list_url() -> str:
    return url_for("admin.profiles_list")


@bp.get("/profils")
@admin_required
def profiles_list():
    return render_template(
        "admin/profiles.html", rows=profiles.list_with_usage(), move_form=MoveForm()
    )


@bp.route("/profils/nouveau", methods=["GET", "POST"])
@admin_required
def new_profile():
    form = ProfileForm(position=profiles.next_position())
    return _profile_form(form, None)


@bp.route("/profils/<int:profile_id>/modifier", methods=["GET", "POST"])
@admin_required
def edit_profile(profile_id: int):
    profile = db.get_or_404(Profile, profile_id)
    return _profile_form(ProfileForm(obj=profile), profile)


def _profile_form(form: ProfileForm, profile: Profile | None):
    if form.validate_on_submit():
        try:
            saved = _save_recorded(profile, form)
        except ProfileRefused as refusal:
            show_problems(form, refusal.problems)
        else:
            db.session.commit()
            flash(f"Le profil « {saved.label} » est enregistré.", "success")
            return redirect(_list_url())
    usage = profiles.usage_of(profile) if profile else None
    status = 422 if form.is_submitted() else 200
    return render_template(
        "admin/profiles_form.html", form=form, profile=profile, usage=usage
    ), status


def _save_recorded(profile: Profile | None, form: ProfileForm) -> Profile:
    """Save the profile and record what changed in the audit trail."""
    before = audit.snapshot(profile, *PROFILE_FIELDS) if profile else None
    saved = profiles.save_profile(profile, **form.values())
    action = "profile.edit" if before else "profile.create"
    audit.record_change(action, saved, before, audit.snapshot(saved, *PROFILE_FIELDS))
    return saved


@bp.post("/profils/<int:profile_id>/deplacer")
@admin_required
def move_profile(profile_id: int):
    profile = db.get_or_404(Profile, profile_id)
    form = MoveForm()
    if form.validate_on_submit():
        before = audit.snapshot(profile, "position")
        profiles.move_profile(profile, -1 if form.direction.data == "up" else 1)
        audit.record_change("profile.move", profile, before, audit.snapshot(profile, "position"))
        db.session.commit()
        flash(f"Le profil « {profile.label} » est déplacé.", "success")
    return redirect(_list_url())


@bp.route("/profils/<int:profile_id>/supprimer", methods=["GET", "POST"])
@admin_required
def delete_profile(profile_id: int):
    """GET asks for confirmation; only the POST form, with its CSRF token, deletes."""
    profile = db.get_or_404(Profile, profile_id)
    form = DeleteForm()
    if not form.validate_on_submit():
        return render_template(
            "admin/profiles_delete.html", form=form, usage=profiles.usage_of(profile)
        )
    label, before = profile.label, audit.snapshot(profile, *PROFILE_FIELDS)
    try:
        profiles.delete_profile(profile)
    except ProfileRefused as refusal:
        for problem in refusal.problems:
            flash(problem.message, "error")
    else:
        audit.record("profile.delete", profile, before=before, label=label)
        db.session.commit()
        flash(f"Le profil « {label} » est supprimé.", "success")
    return redirect(_list_url())
