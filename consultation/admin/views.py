"""Back-office screens for admins."""

from flask import Blueprint, render_template

from consultation.core.roles import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html")
