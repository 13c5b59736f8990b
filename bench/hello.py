"""The ceiling: a bare Flask app served the same way as Concertation, doing nothing."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Bonjour"
