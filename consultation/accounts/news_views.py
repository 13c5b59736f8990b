"""Unsubscribing from the news through the link of a mail, without signing in."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_wtf import FlaskForm

from consultation.accounts import news as services
from consultation.extensions import db

bp = Blueprint("news", __name__, url_prefix="/actualites")


@bp.route("/desabonnement/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET shows a button and changes nothing; POST ends the subscription."""
    user = services.user_from_token(token)
    if user is None:
        return render_template("account/news_unsubscribe_invalid.html"), 400
    form = FlaskForm()
    if form.validate_on_submit():
        services.unsubscribe(user)
        db.session.commit()
        return render_template("account/news_unsubscribe_done.html")
    return render_template("account/news_unsubscribe.html", form=form)
