"""gunicorn settings of Neue Wege: `gunicorn -c gunicorn.conf.py` (production, README) and the
benchmarks (bench/pages.py). Values from environment variables where a deployment differs.

Behind a reverse proxy (nginx) that keeps connections to the application open. Whoever closes
an idle connection first must be the proxy: if gunicorn closed it while the proxy was sending the
next request on it, that request would be reset. So ``keepalive`` is longer than the proxy's
idle timeout for upstream connections (nginx ``keepalive_timeout`` in the ``upstream`` block,
60 s by default; keep it at 60 s or less). With gunicorn's default of 2 s, 14 to 40 of 300 clients
of a booking rush got a connection reset.
"""

import multiprocessing
import os

bind = os.environ.get("NEUEWEGE_BIND", "127.0.0.1:8000")
# threads overlap the waits for PostgreSQL; each thread keeps its own database connection
# (workers × threads connections, NEUEWEGE_DB_CONN_MAX_AGE seconds each)
worker_class = "gthread"
workers = int(os.environ.get("NEUEWEGE_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("NEUEWEGE_THREADS", "4"))
keepalive = 75  # seconds; longer than the proxy's 60 s (see above)
# A request that runs longer than this is a bug: imports, plans and large exports run as
# background tasks (`neuewege db_worker`), the pages only poll their progress.
timeout = 30
graceful_timeout = 30
backlog = 2048  # connections waiting to be accepted in a rush (the kernel's somaxconn caps it)
# workers are renewed now and then, staggered, so that none grows for ever
max_requests = 5000
max_requests_jitter = 500
# the proxy's addresses whose X-Forwarded-Proto gunicorn believes (HTTPS detection)
forwarded_allow_ips = os.environ.get("NEUEWEGE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No access log by default: the addresses of the parents' booking and survey pages carry their
# personal links. NEUEWEGE_ACCESS_LOG=- writes one to standard output.
accesslog = os.environ.get("NEUEWEGE_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("NEUEWEGE_GUNICORN_LOG_LEVEL", "info")
