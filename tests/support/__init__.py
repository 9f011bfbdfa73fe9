"""Helpers the tests share: content folders, apps, real servers, the CI rule.

Imported by tests as ``from support.servers import start_gunicorn`` (pytest puts ``tests/`` on
the path); ``conftest.py`` holds only fixtures.
"""
