"""Gunicorn reads this file when started in the project folder: the settings live in the package
(``webapp/gunicorn_conf.py``), so that an installed copy has them too."""

from webapp.gunicorn_conf import *  # noqa: F403
