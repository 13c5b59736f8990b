"""Signing in and out, registering, confirming an address, resetting a forgotten password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm

from consultation.accounts import mfa_session, registration, services, tokens
from consultation.accounts.forms import (
    ActionForm,
    ForgotPasswordForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
)
from consultation.accounts.models import TokenPurpose, User
from consultation.accounts.profiles import offered_profiles
from consultation.core.roles import Role, roles_required, second_factor_required
from consultation.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"

#: Per client address, on every form that creates something or sends a mail.
FORM_LIMIT = "5 per minute; 30 per hour"
UNCONFIRMED = (
    "Votre adresse électronique n’est pas encore confirmée : ouvrez le lien reçu par courriel "
    "pour pouvoir contribuer."
)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session cookie, unless their sessions were ended since (see session_token).

    Staff count as signed in only once their second factor passed in this session (mfa_session).
    """
    return mfa_session.user_for_session(session_id)


def safe_next(target: str | None) -> str:
    """Only local paths are followed after login: no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("publication.home")


def _form_status(form: FlaskForm) -> int:
    return 422 if form.is_submitted() else 200


def _show_problems(form: FlaskForm, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        form[name].errors = [*form[name].errors, message]


def _user_key() -> str:
    return f"user:{current_user.get_id()}"


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), _form_status(form)
    try:
        user = services.authenticate(form.email.data, form.password.data)
    except services.AccountRefused as refusal:
        db.session.commit()  # the failure counts towards throttling
        flash(refusal.message, "error")
        status = 429 if isinstance(refusal, services.SignInSuspended) else 401
        return render_template("accounts/login.html", form=form), status
    db.session.commit()
    if second_factor_required(user):
        return _await_second_factor(user)
    login_user(user, remember=form.remember.data)
    mfa_session.forget()
    flash(f"Bienvenue, {user.display_name}.", "success")
    if not user.is_confirmed:
        flash(UNCONFIRMED, "warning")
    return redirect(safe_next(request.args.get("next")))


def _await_second_factor(user: User):
    """Staff go on to their code; they are signed in only once it passes (mfa_session)."""
    logout_user()  # drops a remember-me cookie of old, which Flask-Login would load instead
    login_user(user)  # never remembered: a staff session ends with the browser
    mfa_session.begin(user)
    return redirect(url_for("mfa.verify", next=request.args.get("next")))


@bp.post("/deconnexion")
def logout():
    logout_user()
    mfa_session.forget()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("publication.home"))


@bp.route("/compte/inscription", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def register():
    if current_user.is_authenticated:
        flash("Vous êtes déjà connecté à votre compte.", "info")
        return redirect(url_for("publication.home"))
    profiles = offered_profiles()
    form = RegistrationForm()
    form.offer_profiles(profiles)
    if form.validate_on_submit():
        try:
            registration.register(_registration_from(form))
        except registration.RegistrationRefused as refusal:
            _show_problems(form, refusal.problems)
        else:
            db.session.commit()
            return _mail_sent("registration", form.email.data)
    page = render_template("accounts/register.html", form=form, profiles=profiles)
    return page, _form_status(form)


def _registration_from(form: RegistrationForm) -> registration.Registration:
    return registration.Registration(
        email=form.email.data,
        password=form.password.data,
        display_name=form.display_name.data,
        profile_code=form.profile.data,
        organisation=form.organisation.data or "",
        hatvp_number=form.hatvp_number.data or "",
        show_name=form.show_name.data,
        news_opt_in=form.news_opt_in.data,
        accepts_charter=form.accept_charter.data,
        accepts_privacy_notice=form.accept_privacy_notice.data,
    )


def _mail_sent(kind: str, email: str):
    """Redirect to the same "check your mailbox" page whether or not the address has an account."""
    session["mail_sent"] = {"kind": kind, "email": email}
    return redirect(url_for(".mail_sent"))


@bp.get("/compte/courriel-envoye")
def mail_sent():
    sent = session.get("mail_sent") or {"kind": "registration", "email": None}
    return render_template("accounts/mail_sent.html", kind=sent["kind"], email=sent["email"])


@bp.route("/compte/confirmer/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def confirm_email(token: str):
    """GET only shows a button: mail scanners that follow links must not use the token."""
    form = ActionForm()
    try:
        if not form.validate_on_submit():
            tokens.usable_token(token, TokenPurpose.CONFIRM_EMAIL)
            return render_template("accounts/confirm_email.html", form=form)
        user = registration.confirm_email(token)
    except services.AccountRefused as refusal:
        return _link_refused(refusal, TokenPurpose.CONFIRM_EMAIL)
    db.session.commit()
    login_user(user)
    flash(f"Votre adresse électronique {user.email} est confirmée.", "success")
    return redirect(url_for("publication.home"))


def _link_refused(refusal: services.AccountRefused, purpose: TokenPurpose):
    """Why the link does not work, and a form to get a new one."""
    page = render_template(
        "accounts/link_refused.html",
        message=refusal.message,
        purpose=purpose.value,
        resend_form=ActionForm(),
        forgot_form=ForgotPasswordForm(formdata=None),
    )
    return page, 410


@bp.route("/compte/confirmation/renvoyer", methods=["GET", "POST"])
@roles_required(Role.CONTRIBUTOR, Role.MODERATOR, Role.ANALYST)
@limiter.limit(FORM_LIMIT, methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_user_key)
def resend_confirmation():
    if current_user.is_confirmed:
        flash(registration.ALREADY_CONFIRMED, "info")
        return redirect(url_for("publication.home"))
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("accounts/resend_confirmation.html", form=form)
    registration.resend_confirmation(current_user._get_current_object())
    db.session.commit()
    return _mail_sent("confirmation", current_user.email)


@bp.route("/compte/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/forgot_password.html", form=form), _form_status(form)
    registration.request_reset(form.email.data)
    db.session.commit()
    return _mail_sent("reset", form.email.data)


@bp.route("/compte/reinitialiser/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    try:
        if form.validate_on_submit():
            user = registration.reset_password(token, form.new_password.data)
        else:
            tokens.usable_token(token, TokenPurpose.RESET_PASSWORD)
            user = None
    except services.AccountRefused as refusal:
        if refusal.field is None:
            return _link_refused(refusal, TokenPurpose.RESET_PASSWORD)
        _show_problems(form, {refusal.field: refusal.message})
        user = None
    if user is None:
        return render_template("accounts/reset_password.html", form=form), _form_status(form)
    db.session.commit()
    flash("Votre mot de passe est modifié et vos autres sessions sont fermées.", "success")
    if second_factor_required(user):
        return _await_second_factor(user)
    login_user(user)
    return redirect(url_for("publication.home"))
