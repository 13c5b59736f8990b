"""Contributing on a chapter or a section, and reading the published contributions."""

from flask import Blueprint

bp = Blueprint("contributions", __name__)
