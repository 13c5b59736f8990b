"""The audit trail for admins: every staff action, filtered and read page by page, or as CSV.

Reading the trail is for admins only; downloading it is itself recorded, so an investigator's
export leaves its own trace.
"""

from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context
from flask_wtf import FlaskForm

from consultation.admin import audit_csv, audit_reading
from consultation.admin.audit_labels import ACTION_LABELS, OBJECT_TYPE_LABELS
from consultation.admin.audit_reading import AuditFilter
from consultation.admin.views import bp
from consultation.core import audit
from consultation.core.clock import now
from consultation.core.dates import to_paris
from consultation.core.roles import Role, roles_required
from consultation.extensions import db


@bp.get("/journal")
@roles_required(Role.ADMIN)
def audit_log():
    filters = AuditFilter.from_args(request.args)
    return render_template(
        "admin/audit_log.html",
        filters=filters,
        page=audit_reading.journal_page(filters, after=request.args.get("apres")),
        actions=sorted(ACTION_LABELS.items(), key=lambda item: item[1]),
        object_types=sorted(OBJECT_TYPE_LABELS.items(), key=lambda item: item[1]),
        is_later_page=bool(audit_reading.decode_cursor(request.args.get("apres"))),
        export_form=FlaskForm(),
    )


@bp.post("/journal/export.csv")
@roles_required(Role.ADMIN)
def audit_log_export():
    """The filtered events as CSV; the export is recorded (and committed) before it is sent."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    filters = AuditFilter.from_args(request.form)
    details = audit_csv.export_details(filters, audit_reading.count(filters))
    audit.record(
        "audit.export", None, after=details, label="Journal d’audit", object_type="journal"
    )
    db.session.commit()
    name = f"journal-audit-{to_paris(now()):%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(audit_csv.csv_chunks(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
