"""The second step of staff sign-in (code or recovery code), enrolment, and recovery codes.

Staff whose password was just accepted reach these pages only (see mfa_session): a visitor
elsewhere, they are sent here by `sign_in_first` from every guarded page, with `next` kept.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_url
from markupsafe import Markup
from wtforms import Field

from consultation.accounts import mfa, mfa_session
from consultation.accounts.mfa_forms import (
    CodeForm,
    RecoveryCodeForm,
    RecoveryCodesDownloadForm,
    ReplaceAppForm,
)
from consultation.accounts.models import User
from consultation.accounts.services import AccountRefused, SignInSuspended
from consultation.accounts.views import safe_next
from consultation.core.clock import now
from consultation.core.roles import STAFF_ROLES, Role, roles_required
from consultation.extensions import db, limiter, login_manager

bp = Blueprint("mfa", __name__)

#: Per client address; wrong codes also count towards the account's sign-in suspension.
code_attempts = limiter.limit("10 per minute; 50 per hour", methods=["POST"])
staff_only = roles_required(Role.MODERATOR, Role.ANALYST)
APP_REPLACED = "Votre nouvelle application est enregistrée ; l’ancienne ne sert plus."
QR_TITLE = "Code QR à scanner avec votre application d’authentification"
RECOVERY_USED = (
    "Vous vous êtes connecté avec un code de secours : il ne servira plus. Il vous en reste "
    "{count}. Si vous avez perdu votre téléphone, demandez à un administrateur de réinitialiser "
    "votre second facteur."
)


@login_manager.unauthorized_handler
def sign_in_first() -> Response:
    """Staff half-way through signing in go on to their code; anyone else to the login page."""
    if mfa_session.pending_user() is not None:
        return redirect(login_url("mfa.verify", next_url=request.url))
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def awaiting_second_factor(view: Callable[..., object]) -> Callable[..., object]:
    """For the staff member whose password this session accepted: the view gets them as `user`.

    Signed-in staff go on to `next`; contributors are refused; visitors go to the login page.
    """

    @wraps(view)
    def guarded(*args: object, **kwargs: object) -> object:
        user = mfa_session.pending_user()
        if user is not None:
            return view(user, *args, **kwargs)
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_staff:
            abort(403)
        return redirect(safe_next(request.args.get("next")))

    guarded.required_roles = STAFF_ROLES  # type: ignore[attr-defined]
    return guarded


def _refused(field: Field, refusal: AccountRefused) -> int:
    """Keep the counted failure, show the reason on the field; 429 while sign-in is suspended."""
    db.session.commit()
    field.errors.append(refusal.message)
    return 429 if isinstance(refusal, SignInSuspended) else 401


def _signed_in(user: User) -> None:
    mfa_session.mark_passed(user)
    db.session.commit()
    flash(f"Bienvenue, {user.display_name}.", "success")


def _next_args() -> dict[str, str]:
    return {"next": request.args["next"]} if request.args.get("next") else {}


@bp.route("/connexion/verification", methods=["GET", "POST"])
@awaiting_second_factor
@code_attempts
def verify(user: User):
    if not mfa.is_enrolled(user):
        return redirect(url_for(".enrol", **_next_args()))
    form, status = CodeForm(), 200
    if form.validate_on_submit():
        try:
            mfa.complete_sign_in(user, form.code.data)
        except AccountRefused as refusal:
            status = _refused(form.code, refusal)
        else:
            _signed_in(user)
            return redirect(safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 422
    return render_template("accounts/mfa_verify.html", form=form, next_args=_next_args()), status


@bp.route("/connexion/code-de-secours", methods=["GET", "POST"])
@awaiting_second_factor
@code_attempts
def recover(user: User):
    form, status = RecoveryCodeForm(), 200
    if form.validate_on_submit():
        try:
            remaining = mfa.use_recovery_code(user, form.recovery_code.data)
        except AccountRefused as refusal:
            status = _refused(form.recovery_code, refusal)
        else:
            _signed_in(user)
            flash(RECOVERY_USED.format(count=remaining), "warning")
            return redirect(safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 422
    page = render_template("accounts/mfa_recover.html", form=form, next_args=_next_args())
    return page, status


@bp.route("/connexion/securite", methods=["GET", "POST"])
@awaiting_second_factor
@code_attempts
def enrol(user: User):
    """Scan the QR code (or type the key), confirm with a first code, then keep recovery codes."""
    if mfa.is_enrolled(user):
        return redirect(url_for(".verify", **_next_args()))
    secret = mfa_session.enrolment_secret(user)
    form, status = CodeForm(), 200
    if form.validate_on_submit():
        try:
            codes = mfa.confirm_enrolment(user, secret, form.code.data)
        except AccountRefused as refusal:
            status = _refused(form.code, refusal)
        else:
            _signed_in(user)
            return _recovery_codes_page("accounts/mfa_codes.html", codes)
    elif form.is_submitted():
        status = 422
    page = render_template(
        "accounts/mfa_enrol.html",
        form=form,
        qr_code=qr_code_svg(mfa.provisioning_uri(secret, user.email)),
        secret_groups=mfa.secret_groups(secret),
        email=user.email,
        issuer=mfa.ISSUER,
        next_args=_next_args(),
    )
    return page, status


def qr_code_svg(uri: str) -> Markup:
    """The QR code as inline SVG: no image to fetch, nothing for the CSP to allow."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=QR_TITLE, svgclass="mfa-qr"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - built by segno


def _recovery_codes_page(template: str, codes: list[str]) -> Response:
    """The codes, shown once: the page is never stored by the browser or a proxy."""
    page = render_template(
        template,
        codes=codes,
        download_form=RecoveryCodesDownloadForm(formdata=None, codes=" ".join(codes)),
        continue_url=safe_next(request.args.get("next")),
    )
    return Response(page, headers={"Cache-Control": "no-store"})


@bp.route("/compte/securite", methods=["GET", "POST"])
@staff_only
@code_attempts
def security():
    """Mon compte: new recovery codes, for someone who gives a current code of their app."""
    user = current_user._get_current_object()
    form, status = CodeForm(), 200
    if mfa.is_enrolled(user) and form.validate_on_submit():
        try:
            codes = mfa.regenerate_recovery_codes(user, form.code.data)
        except AccountRefused as refusal:
            status = _refused(form.code, refusal)
        else:
            db.session.commit()
            return _recovery_codes_page("accounts/mfa_account_codes.html", codes)
    elif form.is_submitted():
        status = 422
    page = render_template(
        "accounts/mfa_account.html",
        form=form,
        is_enrolled=mfa.is_enrolled(user),
        recovery_code_count=mfa.recovery_code_count(user),
    )
    return page, status


@bp.route("/compte/securite/nouvelle-application", methods=["GET", "POST"])
@staff_only
@code_attempts
def replace_app():
    """Mon compte: another phone, with a code of the old app and a first one of the new."""
    user = current_user._get_current_object()
    if not mfa.is_enrolled(user):
        return redirect(url_for(".security"))
    secret = mfa_session.enrolment_secret(user)
    form, status = ReplaceAppForm(), 200
    if form.validate_on_submit():
        try:
            mfa.replace_app(user, form.code.data, secret, form.new_code.data)
        except AccountRefused as refusal:
            status = _refused(getattr(form, refusal.field or "code", form.code), refusal)
        else:
            mfa_session.forget_enrolment()
            db.session.commit()
            flash(APP_REPLACED, "success")
            return redirect(url_for(".security"))
    elif form.is_submitted():
        status = 422
    qr_code = qr_code_svg(mfa.provisioning_uri(secret, user.email))
    groups = mfa.secret_groups(secret)
    page = render_template(
        "accounts/mfa_replace.html", form=form, qr_code=qr_code, secret_groups=groups
    )
    return page, status


@bp.post("/compte/securite/codes-de-secours.txt")
@staff_only
def download_recovery_codes():
    """The codes just shown, as a text file; only unused codes of this account are served."""
    form = RecoveryCodesDownloadForm()
    codes = form.codes.data.split() if form.validate_on_submit() else []
    if not mfa.are_unused_recovery_codes(current_user, codes):
        flash("Ces codes de secours ne sont plus valables : créez-en de nouveaux.", "error")
        return redirect(url_for(".security"))
    text = render_template("accounts/mfa_codes.txt", codes=codes, email=current_user.email)
    filename = f"codes-de-secours-concertation-{now():%Y-%m-%d}.txt"
    return Response(
        text,
        mimetype="text/plain",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
