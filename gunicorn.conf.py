"""Gunicorn settings for the help site: ``gunicorn 'webapp:create_app()'`` reads this file.

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

# Listen on all interfaces of this machine, port 8000 (PORT overrides), behind a proxy or not.
bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")

# The content is loaded once in the master and shared by the forked workers (copy-on-write),
# which also makes a broken content folder stop the start-up before any worker forks.
preload_app = True

# Pages are served from memory and never wait on anything slow: one process per core plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

timeout = 30
graceful_timeout = 30
keepalive = 5

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
