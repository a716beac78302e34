#!/usr/bin/env bash
# Load test on loopback: gunicorn + PostgreSQL, 50 simulated users for 60 s (bounded), then report.
# Needs PostgreSQL running (as .ci/run starts it). Usage: bench/load_test.sh [users] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
bin/setup
.venv/bin/pip install -q locust==2.47.0
USERS=${1:-50}; SECONDS_=${2:-60}
rm -f /tmp/plantracker_load_*.csv
port=$(pg_lsclusters -h | head -1 | awk '{print $3}')
su postgres -c "psql -p $port -qc 'DROP DATABASE IF EXISTS plantracker_load WITH (FORCE)'" >/dev/null
su postgres -c "psql -p $port -qc 'CREATE DATABASE plantracker_load OWNER plantracker'" >/dev/null
export DATABASE_URL="postgres://plantracker:plantracker@127.0.0.1:${port}/plantracker_load"
export PLAN_TODAY=2009-11-04 LOGIN_FAILURE_LIMIT=1000 LOG_LEVEL=WARNING
# PDFs are built by a Celery worker, as in production, not in the web workers.
redis-cli -p 6391 ping >/dev/null 2>&1 || redis-server --port 6391 --daemonize yes --save "" --appendonly no >/dev/null
redis-cli -p 6391 flushall >/dev/null  # no PDF jobs or cached pages left from an earlier run
export CELERY_BROKER_URL=redis://127.0.0.1:6391/0 REDIS_URL=redis://127.0.0.1:6391/1
.venv/bin/python manage.py migrate -v0
plan_id=$(.venv/bin/python manage.py shell < bench/setup_load.py | tail -1)
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/gunicorn safeguarding.wsgi --bind 127.0.0.1:8765 --workers "${WEB_WORKERS:-4}" --threads "${WEB_THREADS:-1}" \
  --keep-alive 10 --log-level warning --error-logfile /tmp/plantracker_load_gunicorn.log &
gunicorn_pid=$!
# The PDF worker yields the cores to the web workers (nice 19) and lays out on one process: a PDF
# waits longer, a page does not.
REPORT_LAYOUT_WORKERS=1 nice -n 19 .venv/bin/celery -A safeguarding worker --pool solo -l warning \
  >/tmp/plantracker_load_worker.log 2>&1 &
worker_pid=$!
trap 'kill $gunicorn_pid $worker_pid 2>/dev/null || true' EXIT
sleep 4
.venv/bin/locust -f bench/locustfile.py --headless --host http://127.0.0.1:8765 -u "$USERS" -r 10 \
  --run-time "${SECONDS_}s" --stop-timeout 10 --only-summary --csv /tmp/plantracker_load --plan-id "$plan_id" 2>&1 | tail -30
