"""The page that explains the visitor counts and lets anyone opt out of them, or back in.

The blueprint also carries the after-request hook that counts the pages read
(`audience.count_page_view`), so that registering it in create_app brings both.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf

from consultation.statistics import audience

bp = Blueprint("audience", __name__)
bp.after_app_request(audience.count_page_view)

OPT_OUT, OPT_IN = "refuser", "accepter"


class AudienceChoiceForm(FlaskForm):
    choice = HiddenField(validators=[AnyOf([OPT_OUT, OPT_IN])])


@bp.route("/statistiques-de-frequentation", methods=["GET", "POST"])
def page():
    form = AudienceChoiceForm()
    if form.validate_on_submit():
        response = redirect(url_for(".page"))
        if form.choice.data == OPT_OUT:
            audience.opt_out(response)
            flash("Vos visites ne sont plus comptées sur ce navigateur.", "success")
        else:
            audience.opt_in(response)
            flash("Vos visites sont de nouveau comptées, de façon anonyme.", "success")
        return response
    status = 400 if request.method == "POST" else 200
    return render_template(
        "statistics/audience.html",
        title="Statistiques de fréquentation",
        form=form,
        has_opted_out=bool(request.cookies.get(audience.OPT_OUT_COOKIE)),
        has_privacy_signal=audience.has_privacy_signal(request),
        visitor_cookie=audience.VISITOR_COOKIE,
        opt_out_cookie=audience.OPT_OUT_COOKIE,
        opt_out=OPT_OUT,
        opt_in=OPT_IN,
    ), status
