"""Screens of the themes, for moderators and analysts: manage them, tag contributions with them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from consultation.contributions import themes
from consultation.contributions.models import Contribution, Theme
from consultation.contributions.themes import ThemeRefused
from consultation.core.roles import Role, roles_required
from consultation.extensions import db
from consultation.moderation.contribution_views import contribution_panel
from consultation.moderation.theme_forms import (
    BulkTagForm,
    ContributionThemesForm,
    MergeForm,
    ThemeNameForm,
)
from consultation.moderation.views import bp
from consultation.publication.models import Consultation

staff_only = roles_required(Role.MODERATOR, Role.ANALYST)


@bp.route("/themes", methods=["GET", "POST"])
@staff_only
def themes_index():
    """?consultation=<id>: its themes and their counts, and the form creating one (POST)."""
    consultation_id = request.args.get("consultation", type=int)
    if consultation_id is None:
        return _choose_consultation()
    consultation = db.get_or_404(Consultation, consultation_id)
    form = ThemeNameForm()
    if form.validate_on_submit():
        try:
            theme = themes.create_theme(consultation, form.name.data)
        except ThemeRefused as refusal:
            form.name.errors.append(refusal.message)
        else:
            db.session.commit()
            flash(f"Le thème « {theme.name} » est créé.", "success")
            return redirect(url_for(".themes_index", consultation=consultation.id))
    page = render_template(
        "moderation/themes.html",
        consultation=consultation,
        counts=themes.themes_with_counts(consultation.id),
        form=form,
    )
    return page, 422 if form.errors else 200


def _choose_consultation():
    consultations = db.session.scalars(select(Consultation).order_by(Consultation.title)).all()
    return render_template("moderation/themes_choice.html", consultations=consultations)


@bp.get("/themes/<int:theme_id>")
@staff_only
def theme(theme_id: int):
    return _theme_page(db.get_or_404(Theme, theme_id))


def _theme_page(theme: Theme, rename: ThemeNameForm | None = None, merge: MergeForm | None = None):
    """The page of one theme: rename it, merge it into another, delete it while unused."""
    rename = rename or ThemeNameForm(name=theme.name, formdata=None)
    merge = merge or MergeForm(formdata=None)
    merge.offer(themes.themes_of(theme.consultation_id), theme)
    page = render_template(
        "moderation/themes_edit.html",
        theme=theme,
        count=themes.contribution_count(theme),
        rename=rename,
        merge=merge,
    )
    return page, 422 if rename.errors or merge.errors else 200


@bp.post("/themes/<int:theme_id>/renommer")
@staff_only
def rename_theme(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    form = ThemeNameForm()
    if form.validate_on_submit():
        before = theme.name
        try:
            themes.rename_theme(theme, form.name.data)
        except ThemeRefused as refusal:
            db.session.rollback()
            form.name.errors.append(refusal.message)
        else:
            db.session.commit()
            flash(f"Le thème « {before} » s’appelle désormais « {theme.name} ».", "success")
            return _back_to_list(theme.consultation_id)
    return _theme_page(theme, rename=form)


@bp.post("/themes/<int:theme_id>/fusionner")
@staff_only
def merge_theme(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    form = MergeForm()
    form.offer(themes.themes_of(theme.consultation_id), theme)
    if form.validate_on_submit():
        target = db.session.get(Theme, form.target.data)
        name, consultation_id = theme.name, theme.consultation_id
        moved = themes.merge_themes(theme, target)
        db.session.commit()
        flash(
            f"Le thème « {name} » est fusionné dans « {target.name} » "
            f"({moved} contribution{'s' if moved > 1 else ''} de plus sous ce thème).",
            "success",
        )
        return _back_to_list(consultation_id)
    return _theme_page(theme, merge=form)


@bp.post("/themes/<int:theme_id>/supprimer")
@staff_only
def delete_theme(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    name, consultation_id = theme.name, theme.consultation_id
    try:
        themes.delete_theme(theme)
    except ThemeRefused as refusal:
        flash(refusal.message, "error")
        return _theme_page(theme)[0], 409
    db.session.commit()
    flash(f"Le thème « {name} » est supprimé.", "success")
    return _back_to_list(consultation_id)


def _back_to_list(consultation_id: int):
    return redirect(url_for(".themes_index", consultation=consultation_id))


@bp.route("/contributions/<int:contribution_id>/themes", methods=["GET", "POST"])
@staff_only
def contribution_themes(contribution_id: int):
    """The themes of one contribution, as checkboxes (the staff page shows the same form)."""
    contribution = db.get_or_404(Contribution, contribution_id)
    form = ContributionThemesForm()
    available = themes.themes_of(contribution.consultation_id)
    form.offer(available)
    if form.validate_on_submit():
        chosen = [theme for theme in available if theme.id in set(form.themes.data)]
        themes.set_themes(contribution, chosen)
        db.session.commit()
        flash(
            f"Les thèmes de la contribution {contribution.reference} sont enregistrés.", "success"
        )
        return redirect(_back_to(url_for(".contribution_themes", contribution_id=contribution_id)))
    if not form.is_submitted():
        form.themes.data = [theme.id for theme in contribution.themes]
    page = render_template(
        "moderation/themes_contribution.html", contribution=contribution, form=form
    )
    return page, 422 if form.errors else 200


@bp.post("/themes/attribuer")
@staff_only
def tag_contributions():
    """Tag several contributions at once: POST of `contribution` ids and a `theme`."""
    form = BulkTagForm()
    theme_id = request.form.get("theme", type=int)
    chosen = db.session.get(Theme, theme_id) if theme_id else None
    form.offer(themes.themes_of(chosen.consultation_id) if chosen else [])
    if not form.validate_on_submit():
        page = render_template("moderation/themes_tagging_refused.html", form=form, back=_back_to())
        return page, 422
    tagged = themes.tag_many(form.contribution.data, chosen)
    db.session.commit()
    count = len(tagged)
    flash(
        f"Thème « {chosen.name} » attribué à {count} contribution{'s' if count > 1 else ''} "
        f"de plus.",
        "success",
    )
    return redirect(_back_to())


def _back_to(default: str | None = None) -> str:
    """The back-office page the form came from (`retour`), never another site."""
    target = request.form.get("retour", "")
    if target.startswith("/moderation/") and "//" not in target and "\\" not in target:
        return target
    return default or url_for(".index")


@contribution_panel
def themes_panel(contribution: Contribution):
    """The "Thèmes" panel of the staff page of a contribution."""
    form = ContributionThemesForm(formdata=None)
    form.offer(themes.themes_of(contribution.consultation_id))
    form.themes.data = [theme.id for theme in contribution.themes]
    return "moderation/themes_panel.html", {"form": form}
