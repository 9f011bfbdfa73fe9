"""The yardstick for ``bench_load.py``: Flask's hello-world, served by the same Gunicorn settings
as the site. Gunicorn loads it as ``hello:app`` from this folder."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
