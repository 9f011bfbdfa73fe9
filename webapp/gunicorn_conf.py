"""Gunicorn settings for the help site, shipped inside the package so that they apply wherever
it is installed: ``gunicorn -c python:webapp.gunicorn_conf`` from any folder, or
``gunicorn 'webapp:create_app()'`` from the project folder, whose ``gunicorn.conf.py`` reads
this module.

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import gc
import sys
from pathlib import Path

from webapp import startup
from webapp.config import SettingError, Settings
from webapp.logs import configure_logging

# What to serve when the command names no application.
wsgi_app = "webapp:create_app()"

# The process's own set-up, before the application loads: a start-up problem (broken content, a
# setting it cannot use) ends it as one line per problem, not a traceback; a setting this file
# cannot use too, before Gunicorn would print its own traceback for the file.
startup.install_excepthook()
try:
    _settings = Settings.from_environ()
except SettingError as exc:
    sys.exit("\n".join(startup.problem_lines(exc) or [str(exc)]))
configure_logging(_settings.log_format, _settings.log_level)
# Python's cyclic collector waits while the master loads the content (preload_app, below): the
# many small objects loading makes would have it scan the growing heap again and again for
# cycles loading never makes (a tenth of the start-up). on_starting turns it on again.
gc.disable()

# Loopback only, port 8000 (PORT changes the port, BIND the whole address: "0.0.0.0:8000",
# "unix:/run/signin-help/gunicorn.sock"). Gunicorn must not face the internet: a thread waits on
# each connection until its request has arrived, so a few slow clients stop every worker. A
# buffering reverse proxy in front (deploy/nginx/) reads whole requests first and hands over
# only complete ones.
bind = _settings.bind or f"127.0.0.1:{_settings.port}"

# Which connections may tell Gunicorn the scheme (X-Forwarded-Proto): only the reverse proxy's,
# and only when the site is told there is one (PROXY_COUNT, which the application also uses for
# X-Forwarded-For). At 0 nobody is trusted, not even 127.0.0.1, Gunicorn's own default.
# FORWARDED_ALLOW_IPS lists the proxy's addresses or networks when it runs on another machine.
if _settings.proxy_count:
    forwarded_allow_ips = _settings.forwarded_allow_ips
    # The one scheme header our proxy sets (and overwrites); Gunicorn's other defaults
    # (X-Forwarded-Ssl, X-Forwarded-Protocol) would pass from the client through the proxy.
    secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
else:
    forwarded_allow_ips = ""
    # Also for a unix socket, whose peers Gunicorn trusts whatever forwarded_allow_ips says.
    secure_scheme_headers = {}
# Never take SCRIPT_NAME or PATH_INFO from a request header, from anyone: the site sets
# SCRIPT_NAME itself (the /de prefix, webapp/i18n.py), and a forged one would be stored in the
# page cache under another page's address. Gunicorn drops header names with "_" it is not told
# to trust (header_map = "drop", its default).
forwarder_headers = ""
header_map = "drop"

# The content is loaded once in the master and shared by the forked workers (copy-on-write),
# which also makes a broken content folder stop the start-up before any worker forks. On HUP,
# on_reload (below) loads it again before the new workers fork, and refuses a broken edit.
preload_app = True

# Chosen with tests/benchmarks/bench_load.py on 2 cores (figures in the README). Requests are
# short and CPU-bound (most are answered from the page cache in microseconds; the rest run a
# search in Python), so only processes give parallelism: Python runs one thread at a time per
# process. Two processes per core keep both cores busy while another process is in the kernel
# writing a response or a log line: 4 workers had the lowest tail latency (p99 ~70 ms at 64
# connections, against 100-230 ms for 2 or 3 workers) at the same throughput, for ~85 MB each.
workers = _settings.web_concurrency
# gthread: each worker keeps idle keep-alive connections in a poller without tying up a thread,
# so a few hundred open connections need no more threads. 2 threads let a worker read the next
# request while one answers; more only queue on the same lock (8 gave no more throughput).
worker_class = "gthread"
threads = _settings.gunicorn_threads

# A request that takes 30 s is a bug: the worker is replaced. Keep-alive 5 s: a browser reuses
# its connection for the page, its CSS, script and suggestions; behind a proxy, keep the proxy's
# own idle time for upstream connections below it (deploy/nginx/ uses 4 s), so the proxy closes
# an idle connection before Gunicorn does and never sends a request into a closing one.
timeout = 30
graceful_timeout = 30
keepalive = 5

# Replace each worker after about 20,000 requests, at different times thanks to the jitter, as
# a safeguard against slow leaks in any library (the site's own caches are bounded). Cheap with
# preload_app: the new worker is forked from the master with the content already loaded, and
# renders each page once more.
max_requests = 20000
max_requests_jitter = 2000

# Access log on standard output, errors on standard error, in LOG_FORMAT (text or json lines) by
# webapp.logs.GunicornLogger, each access line with the request's X-Request-ID.
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level
logger_class = "webapp.logs.GunicornLogger"
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'
)

# No runtime control socket: nothing to adjust without a restart, and nothing for another local
# user to talk to (Gunicorn 25.1+ opens one by default).
control_socket_disable = True

# Say "Server: signin-help" rather than the server software's name: one less thing to look up.
import gunicorn.http.wsgi  # noqa: E402  (Gunicorn is what reads this file)

gunicorn.http.wsgi.SERVER = "signin-help"


def on_starting(server):
    """The content is loaded (preload_app): the collector may run again. And prometheus_client's
    multiprocess folder is emptied before the first worker starts, as its documentation asks:
    the files of a previous run would be added to this one's."""
    gc.enable()
    folder = _settings.prometheus_multiproc_dir
    if folder:
        for stale in Path(folder).glob("*.db"):
            stale.unlink()
    elif server.cfg.workers > 1:
        # The library reads the folder when first imported, which is before this file runs:
        # only the shell that starts Gunicorn can name it (its documentation says so).
        server.log.warning(
            "PROMETHEUS_MULTIPROC_DIR is not set: /metrics shows one worker's counts of %d. "
            "Set it to an empty folder before starting Gunicorn (the systemd unit does).",
            server.cfg.workers,
        )


def on_reload(server):
    """``kill -HUP`` (``systemctl reload``): load the content again before the new workers fork,
    so that they serve it; a broken edit is refused and the old content stays (see
    webapp.publishing)."""
    from flask import Flask

    from webapp import create_app
    from webapp.publishing import republish

    loaded = server.app.wsgi()  # the application the workers fork with (preload_app)
    if isinstance(loaded, Flask) and loaded.import_name == "webapp":
        gc.disable()
        try:
            republish(loaded, create_app)
        finally:
            gc.enable()


def child_exit(server, worker):
    """A worker ended: prometheus_client's multiprocess mode forgets its live gauges."""
    if _settings.prometheus_multiproc_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
