"""My account: my contributions, my profile and consents, my email and password, my data.

Thin handlers over `account_services`: validate the form, call the service, commit once.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm

from consultation.accounts import account_services as services
from consultation.accounts import mfa_session
from consultation.accounts.account_forms import (
    DataExportForm,
    DeleteAccountForm,
    EmailChangeForm,
    PasswordChangeForm,
    ProfileForm,
)
from consultation.accounts.profiles import offered_profiles
from consultation.accounts.services import AccountRefused, change_password
from consultation.core.clock import now
from consultation.core.roles import Role, roles_required
from consultation.extensions import db, limiter

bp = Blueprint("account", __name__, url_prefix="/compte")

signed_in = roles_required(Role.CONTRIBUTOR, Role.MODERATOR, Role.ANALYST)
#: Each of these forms asks for the current password: a stolen session cannot guess it.
password_attempts = limiter.limit("10 per minute; 50 per hour", methods=["POST"])
EMAIL_CHANGE_SENT = (
    "Un lien de confirmation est envoyé à {new_email}. Votre adresse changera quand vous l’aurez "
    "suivi ; d’ici là, continuez à vous connecter avec l’adresse actuelle."
)


def _refuse(form: FlaskForm, refusal: AccountRefused) -> None:
    """Put the refusal on its field, or on the whole form."""
    if refusal.field in form:
        form[refusal.field].errors.append(refusal.message)
    else:
        form.form_errors.append(refusal.message)


def _form_page(template: str, form: FlaskForm, **context: object) -> tuple[str, int]:
    """The form, again with its problems after a refused submission (status 422)."""
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


@bp.get("/")
@signed_in
def contributions():
    return render_template(
        "account/contributions.html", contributions=services.my_contributions(current_user)
    )


@bp.route("/profil", methods=["GET", "POST"])
@signed_in
def profile():
    form = ProfileForm.for_user(current_user, offered_profiles(current_user.profile))
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, **form.values())
        except AccountRefused as refusal:
            _refuse(form, refusal)
        else:
            db.session.commit()
            flash("Votre profil est enregistré.", "success")
            return redirect(url_for(".profile"))
    return _form_page("account/profile.html", form)


@bp.route("/adresse", methods=["GET", "POST"])
@signed_in
@password_attempts
def email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            new_email = services.request_email_change(
                current_user, form.current_password.data, form.new_email.data
            )
        except AccountRefused as refusal:
            _refuse(form, refusal)
        else:
            db.session.commit()
            flash(EMAIL_CHANGE_SENT.format(new_email=new_email), "success")
            return redirect(url_for(".email"))
    return _form_page("account/email.html", form)


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@signed_in
@password_attempts
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except AccountRefused as refusal:
            _refuse(form, refusal)
        else:
            db.session.commit()
            _sign_in_again()
            flash("Votre mot de passe est changé. Vos autres sessions sont fermées.", "success")
            return redirect(url_for(".password"))
    return _form_page("account/password.html", form)


def _sign_in_again() -> None:
    """The change ended every session, this one included: renew it with the new token."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    user = current_user._get_current_object()
    login_user(user, remember=remember_cookie in request.cookies)
    mfa_session.keep_passed(user)


@bp.get("/donnees")
@signed_in
def data():
    return render_template("account/data.html", form=DataExportForm())


@bp.post("/donnees")
@signed_in
def download_data():
    if not DataExportForm().validate_on_submit():
        return redirect(url_for(".data"))
    content = json.dumps(services.export_personal_data(current_user), ensure_ascii=False, indent=2)
    filename = f"mes-donnees-concertation-{now():%Y-%m-%d}.json"
    return Response(
        content,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/supprimer", methods=["GET", "POST"])
@signed_in
@password_attempts
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_my_account(current_user, form.current_password.data)
        except AccountRefused as refusal:
            _refuse(form, refusal)
        else:
            db.session.commit()
            logout_user()
            flash("Votre compte est supprimé. Merci de votre participation.", "success")
            return redirect(url_for("publication.home"))
    return _form_page("account/delete.html", form)
