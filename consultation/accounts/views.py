"""Signing in and out."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from consultation.accounts import services
from consultation.accounts.forms import LoginForm
from consultation.accounts.models import User
from consultation.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session cookie, unless their sessions were ended since (see session_token)."""
    user_id, _, token = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not token or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after login: no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("publication.home")


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template(
            "accounts/login.html", form=form
        ), 422 if form.is_submitted() else 200
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        flash("Adresse électronique ou mot de passe incorrect.", "error")
        return render_template("accounts/login.html", form=form), 401
    login_user(user, remember=form.remember.data)
    flash(f"Bienvenue, {user.display_name}.", "success")
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/deconnexion")
def logout():
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("publication.home"))
