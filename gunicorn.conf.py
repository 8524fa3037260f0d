"""gunicorn's settings, one file for the container (Dockerfile) and the load test (bench/load.py).

Chosen for two cores. A request is mostly Python (CPU under the GIL) with a short wait for
PostgreSQL and Redis in between (bench/results/latest.md: a list page's CPU is about 60-90 %
of its time).
Three processes keep both cores busy when one of them waits; two threads per process let a
process take the next request while one waits on the database, without more processes
competing for two cores (more only adds switching and memory). GUNICORN_WORKERS /
GUNICORN_THREADS override it on a larger machine (about cores + 1 processes).
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
graceful_timeout = 30
# Longer than the reverse proxy's (and the load test's) idle reuse of a connection: otherwise
# gunicorn closes an idle keep-alive connection just as the client reuses it (a reset).
keepalive = 30
