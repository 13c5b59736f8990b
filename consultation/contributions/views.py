"""Contributing on a chapter or a section, and reading the published contributions."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select

from consultation.contributions import reading, services, storage
from consultation.contributions.attachments import MAX_FILE_SIZE, Upload
from consultation.contributions.forms import ContributionForm
from consultation.contributions.models import Attachment, Contribution, Status
from consultation.contributions.services import ContributionRefused, DuplicateSubmission
from consultation.core.clock import now
from consultation.core.roles import Role, roles_required
from consultation.extensions import db, limiter
from consultation.publication import services as publication
from consultation.publication.models import Chapter, Consultation, ModerationMode

bp = Blueprint("contributions", __name__)

CONTRIBUTION_LIMIT = "10 per minute; 100 per day"
#: A downloaded file is never run as a page of the site, even if a browser tried.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


def _user_or_address() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def _chapter_or_404(slug: str, number: int) -> Chapter:
    """Any chapter of the consultation: the service says why an unpublished one is refused."""
    query = (
        select(Chapter)
        .join(Consultation)
        .where(Consultation.slug == slug, Chapter.number == number)
    )
    chapter = db.session.scalar(query)
    if chapter is None:
        abort(404)
    return chapter


def _form_page(chapter: Chapter, form: ContributionForm, problem: str | None = None):
    return render_template(
        "contributions/form.html",
        chapter=chapter,
        consultation=chapter.consultation,
        form=form,
        problem=problem,
        is_public=chapter.is_published(now()),
        needs_confirmation=not current_user.is_confirmed,
        resend_url=url_for("accounts.resend_confirmation"),
        files_were_sent=any(file.filename for file in request.files.getlist("attachments")),
    )


def _uploads() -> list[Upload]:
    files = [file for file in request.files.getlist("attachments") if file.filename]
    return [Upload(file.filename, file.stream.read(MAX_FILE_SIZE + 1)) for file in files]


@bp.route("/consultations/<slug>/chapitres/<int:number>/contribuer", methods=["GET", "POST"])
@roles_required(Role.CONTRIBUTOR, Role.MODERATOR, Role.ANALYST)
@limiter.limit(CONTRIBUTION_LIMIT, methods=["POST"], key_func=_user_or_address)
def contribute(slug: str, number: int):
    chapter = _chapter_or_404(slug, number)
    form = ContributionForm()
    form.offer_sections(chapter)
    if request.method == "GET":
        if not chapter.is_published(now()):
            abort(404)
        form.section.data = request.args.get("section", "")
        return _form_page(chapter, form, services.contribution_problem(current_user, chapter))
    if not form.validate_on_submit():
        return _form_page(chapter, form), 422
    return _submit(chapter, form)


def _submit(chapter: Chapter, form: ContributionForm):
    try:
        contribution = services.submit_contribution(
            current_user,
            chapter,
            form.body.data,
            form.section.data or None,
            form.submission_key.data,
            _uploads(),
        )
    except DuplicateSubmission as duplicate:
        flash(duplicate.message, "info")
        return redirect(url_for(".show", reference=duplicate.contribution.reference))
    except ContributionRefused as refusal:
        return _form_page(chapter, form, refusal.message), 409
    db.session.commit()
    return _after_submission(contribution)


def _after_submission(contribution: Contribution):
    if contribution.consultation.moderation_mode == ModerationMode.A_PRIORI:
        flash(
            f"Votre contribution {contribution.reference} est enregistrée. Elle sera publiée "
            "après modération ; un accusé de réception vous est envoyé par courriel.",
            "success",
        )
        return redirect(url_for(".show", reference=contribution.reference))
    flash(
        f"Votre contribution {contribution.reference} est publiée ; un accusé de réception "
        "vous est envoyé par courriel.",
        "success",
    )
    chapter = contribution.chapter
    anchor = f"contributions-{contribution.section_anchor or 'chapitre'}"
    return redirect(
        url_for(
            "publication.chapter",
            slug=chapter.consultation.slug,
            number=chapter.number,
            _anchor=anchor,
        )
    )


@bp.get("/consultations/<slug>/chapitres/<int:number>/contributions")
def index(slug: str, number: int):
    chapter = publication.get_published_chapter_or_404(slug, number, now())
    anchor = request.args.get("section") or None
    section = publication.find_section(chapter, anchor) if anchor else None
    if anchor and section is None:
        abort(404)
    page = reading.page_of(
        chapter, anchor, after=request.args.get("apres"), before=request.args.get("avant")
    )
    return render_template(
        "contributions/index.html",
        chapter=chapter,
        consultation=chapter.consultation,
        section=section,
        sections=chapter.consultation_version.sections,
        counts=reading.counts_by_section(chapter),
        page=page,
    )


@bp.get("/contributions/<reference>")
def show(reference: str):
    contribution = reading.get_by_reference(reference)
    if contribution is None:
        abort(404)
    if not reading.can_read(contribution, current_user) and contribution.status != Status.HIDDEN:
        abort(404)  # a hidden one keeps its page, where the card shows the moderation placeholder
    return render_template(
        "contributions/show.html",
        contribution=contribution,
        chapter=contribution.chapter,
        consultation=contribution.consultation,
    )


@bp.get("/contributions/<reference>/pieces-jointes/<int:attachment_id>")
def download(reference: str, attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id)
    if (
        attachment is None
        or attachment.contribution is None
        or attachment.contribution.reference != reference
        or not reading.can_download(attachment, current_user)
    ):
        abort(404)
    response = send_file(
        storage.path_for(attachment.storage_key),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        conditional=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response
