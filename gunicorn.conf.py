"""gunicorn's settings for Plan Tracker (read from the working directory; flags on the command line
override them). Measured under bench/load_test.sh: see README "Load test"."""

import os

wsgi_app = "safeguarding.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("WEB_THREADS", "1"))
# Longer than a user's think time: the 2 s default closed connections clients were about to reuse.
keepalive = 10
# Load the application once in the master and warm it there, so no worker's first request pays for
# imports and template compilation (safeguarding/warmup.py).
preload_app = True


def when_ready(server):
    from safeguarding import warmup

    result = warmup.warm()
    warmup.freeze()
    server.log.info("Warmed up: %(compiled)s templates compiled, %(failed)s failed", result)


def post_fork(server, worker):
    # Connections are opened in each worker after the fork, never shared with the master. With threads,
    # each thread opens its own when it first needs one.
    if threads == 1:
        from safeguarding import warmup

        warmup.connect()
