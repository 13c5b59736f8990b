"""My account: my contributions, my profile and consents, my email and password, my data."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/compte")
