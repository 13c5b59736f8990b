"""Moderators' screens for mail: the queue, one message and its triage, the staff downloads."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from consultation.accounts.models import Profile
from consultation.accounts.profiles import offered_profiles
from consultation.contributions import storage
from consultation.contributions.models import Attachment, Contribution
from consultation.core.roles import Role, roles_required
from consultation.extensions import db
from consultation.inbound_mail import report, triage
from consultation.inbound_mail.forms import RefusalForm, ReleaseForm, TriageForm
from consultation.inbound_mail.models import InboundMessage, MessageState, RefusalReason
from consultation.inbound_mail.triage import Excerpt, Publication, QueueFilter, TriageRefused
from consultation.moderation.views import bp
from consultation.publication.models import Chapter, Consultation

#: A file sent by a stranger is never shown as a page of the site, even if a browser tried.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"
UNASSIGNED = "aucune"


@bp.app_template_global()
def source_message_url(contribution: Contribution) -> str | None:
    """The link to the mail a contribution was taken from, for moderators and admins only."""
    if contribution.source_message_id is None or not current_user.is_authenticated:
        return None
    if current_user.role not in (Role.MODERATOR, Role.ADMIN):
        return None
    return url_for("moderation.mail_message", message_id=contribution.source_message_id)


@bp.get("/courriels")
@roles_required(Role.MODERATOR)
def mail_queue():
    filters = _queue_filter()
    return render_template(
        "moderation/mail_queue.html",
        page=triage.queue_page(filters, after=request.args.get("apres")),
        filters=filters,
        consultations=_consultations(),
        states=list(MessageState),
        unassigned=UNASSIGNED,
    )


@bp.get("/courriels/bilan")
@roles_required(Role.MODERATOR)
def mail_accounting():
    rows = report.accounting()
    return render_template(
        "moderation/mail_accounting.html", rows=rows, unassigned=UNASSIGNED, states=MessageState
    )


def _queue_filter() -> QueueFilter:
    state = request.args.get("etat", MessageState.NEW.value)
    consultation = request.args.get("consultation", "")
    return QueueFilter(
        state=MessageState(state) if state in set(MessageState) else MessageState.NEW,
        consultation_id=int(consultation) if consultation.isdigit() else None,
        is_unassigned=consultation == UNASSIGNED,
    )


def _consultations() -> list[Consultation]:
    query = select(Consultation).order_by(Consultation.opens_at.desc(), Consultation.id.desc())
    return list(db.session.scalars(query))


def _message_or_404(message_id: int) -> InboundMessage:
    return db.get_or_404(InboundMessage, message_id)


@bp.get("/courriels/<int:message_id>")
@roles_required(Role.MODERATOR)
def mail_message(message_id: int):
    message = _message_or_404(message_id)
    return _message_page(message, _triage_form(message, formdata=None))


def _triage_form(message: InboundMessage, formdata=None) -> TriageForm:
    """The triage form, from the request or, when formdata is None, with its defaults."""
    if formdata is not None:
        form = TriageForm()
    else:
        account = triage.matching_account(message)
        organisation = account.organisation if account else None
        form = TriageForm(
            formdata=None,
            consultation=request.args.get("consultation") or str(message.consultation_id or ""),
            author_label=triage.default_author_label(organisation, account),
            profile=str(account.profile_id or "") if account else "",
            organisation=organisation,
            excerpts=[{"place": "", "body": message.body_text or ""}],
        )
    _offer_choices(form, message)
    return form


def _offer_choices(form: TriageForm, message: InboundMessage) -> None:
    consultations = _consultations()
    chosen = next(
        (item for item in consultations if str(item.id) == form.consultation.data),
        message.consultation or (consultations[0] if consultations else None),
    )
    form.consultation.data = str(chosen.id) if chosen else ""
    chapters = triage.publishable_chapters(chosen) if chosen else []
    form.offer_choices(consultations, offered_profiles(), chapters, triage.attachments_of(message))


def _message_page(
    message: InboundMessage,
    form: TriageForm | None = None,
    refusal_form: RefusalForm | None = None,
    release_form: ReleaseForm | None = None,
    problem: str | None = None,
):
    return render_template(
        "moderation/mail_message.html",
        message=message,
        form=form or _triage_form(message),
        refusal_form=refusal_form or RefusalForm(formdata=None, prefix="refus"),
        release_form=release_form or ReleaseForm(formdata=None, prefix="liberation"),
        problem=problem,
        attachments=triage.attachments_of(message),
        account=triage.matching_account(message),
        contributions=triage.contributions_from(message),
        states=MessageState,
    )


@bp.post("/courriels/<int:message_id>/trier")
@roles_required(Role.MODERATOR)
def triage_mail(message_id: int):
    message = _message_or_404(message_id)
    form = _triage_form(message, formdata=request.form)
    action = request.form.get("action", "publier")
    if action != "publier":
        _rework(form, message, action)
        return _message_page(message, form)
    if not form.validate_on_submit():
        return _message_page(message, form), 422
    try:
        created = triage.publish_message(message, current_user, _publication(form, message))
    except TriageRefused as refusal:
        return _message_page(message, form, problem=refusal.message), 409
    db.session.commit()
    references = ", ".join(contribution.reference for contribution in created)
    flash(f"Courriel publié : contribution(s) {references}.", "success")
    return redirect(url_for(".mail_message", message_id=message.id))


def _rework(form: TriageForm, message: InboundMessage, action: str) -> None:
    """Add or remove an excerpt, or offer the chapters of another consultation."""
    if action == "ajouter" and not form.add_excerpt(message.body_text or ""):
        flash("Un courriel se découpe en 10 extraits au plus.", "warning")
    if action == "retirer":
        form.remove_excerpt()
    _offer_choices(form, message)


def _publication(form: TriageForm, message: InboundMessage) -> Publication:
    attachments = triage.attachments_of(message)
    excerpts = []
    for number, entry in enumerate(form.excerpts, start=1):
        chapter_id, anchor = form.place_of(entry)
        excerpts.append(
            Excerpt(
                chapter=db.session.get(Chapter, chapter_id),
                section_anchor=anchor,
                body=entry.form.body.data.replace("\r\n", "\n"),
                attachment_ids=form.attachment_ids_for(number, attachments),
            )
        )
    return Publication(
        consultation=db.session.get(Consultation, int(form.consultation.data)),
        profile=db.session.get(Profile, int(form.profile.data)),
        organisation=(form.organisation.data or "").strip() or None,
        author_label=form.author_label.data.strip(),
        excerpts=tuple(excerpts),
    )


@bp.post("/courriels/<int:message_id>/refuser")
@roles_required(Role.MODERATOR)
def refuse_mail(message_id: int):
    message = _message_or_404(message_id)
    form = RefusalForm(prefix="refus")
    if not form.validate_on_submit():
        return _message_page(message, refusal_form=form), 422
    reason = RefusalReason(form.reason.data)
    try:
        triage.refuse_message(message, current_user, reason, form.comment.data)
    except TriageRefused as refusal:
        return _message_page(message, refusal_form=form, problem=refusal.message), 409
    db.session.commit()
    flash(f"Courriel refusé (motif : {reason.label}).", "success")
    return redirect(url_for(".mail_queue"))


@bp.post("/courriels/<int:message_id>/liberer")
@roles_required(Role.MODERATOR)
def release_mail(message_id: int):
    message = _message_or_404(message_id)
    form = ReleaseForm(prefix="liberation")
    if not form.validate_on_submit():
        return _message_page(message, release_form=form), 422
    try:
        triage.release_message(message, current_user)
    except TriageRefused as refusal:
        return _message_page(message, release_form=form, problem=refusal.message), 409
    db.session.commit()
    flash("Courriel sorti de quarantaine : il est de nouveau à trier.", "success")
    return redirect(url_for(".mail_message", message_id=message.id))


@bp.get("/courriels/<int:message_id>/original.eml")
@roles_required(Role.MODERATOR)
def mail_raw(message_id: int):
    message = _message_or_404(message_id)
    response = Response(message.raw, mimetype="message/rfc822")
    response.headers["Content-Disposition"] = f'attachment; filename="courriel-{message.id}.eml"'
    return _as_download(response)


@bp.get("/courriels/<int:message_id>/pieces-jointes/<int:attachment_id>")
@roles_required(Role.MODERATOR)
def mail_attachment(message_id: int, attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    if attachment.inbound_message_id != message_id:
        abort(404)
    response = send_file(
        storage.path_for(attachment.storage_key),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        conditional=False,
    )
    return _as_download(response)


def _as_download(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response
