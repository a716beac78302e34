#!/usr/bin/env bash
# Load test on loopback: gunicorn + PostgreSQL, 50 simulated users for 60 s (bounded), then report.
# Needs PostgreSQL running (as .ci/run starts it) with the role plantracker (CREATEDB).
# Usage: bench/load_test.sh [users] [seconds]
# Its own database, Redis databases, port and CSV prefix can be chosen, so runs side by side do not collide:
#   LOAD_DATABASE (plantracker_load), LOAD_PG_PORT (the first cluster's), LOAD_REDIS_PORT (6391),
#   LOAD_REDIS_DB (0: the broker), LOAD_CACHE_DB (the next one; may be the same), LOAD_WEB_PORT (8765),
#   LOAD_CSV (/tmp/plantracker_load), LOCUST (a locust to use instead of installing one in .venv).
# LOAD_ORGANISATIONS=149 first fills the database with that many other councils, each with a plan of
# 2,000 milestones (manage.py generate_organisations; about 2.5 min): the scale run of issue 17.
set -euo pipefail
cd "$(dirname "$0")/.."
bin/setup
LOCUST=${LOCUST:-}
if [ -z "$LOCUST" ]; then
  .venv/bin/pip install -q locust==2.47.0
  LOCUST=.venv/bin/locust
fi
USERS=${1:-50}; SECONDS_=${2:-60}
db=${LOAD_DATABASE:-plantracker_load}
pg_port=${LOAD_PG_PORT:-$(pg_lsclusters -h | head -1 | awk '{print $3}')}
redis_port=${LOAD_REDIS_PORT:-6391}
broker_db=${LOAD_REDIS_DB:-0}; cache_db=${LOAD_CACHE_DB:-$((broker_db + 1))}
web_port=${LOAD_WEB_PORT:-8765}
csv=${LOAD_CSV:-/tmp/plantracker_load}
rm -f "${csv}"_*.csv
export PGPASSWORD=plantracker
psql -h 127.0.0.1 -p "$pg_port" -U plantracker -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
psql -h 127.0.0.1 -p "$pg_port" -U plantracker -d postgres -qc "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="postgres://plantracker:plantracker@127.0.0.1:${pg_port}/${db}"
export PLAN_TODAY=2009-11-04 LOGIN_FAILURE_LIMIT=1000 LOG_LEVEL=WARNING
# PDFs are built by a Celery worker, as in production, not in the web workers.
redis-cli -p "$redis_port" ping >/dev/null 2>&1 ||
  redis-server --port "$redis_port" --daemonize yes --save "" --appendonly no >/dev/null
# No PDF jobs or cached pages left from an earlier run (only this run's two databases are emptied).
redis-cli -p "$redis_port" -n "$broker_db" flushdb >/dev/null
redis-cli -p "$redis_port" -n "$cache_db" flushdb >/dev/null
export CELERY_BROKER_URL=redis://127.0.0.1:${redis_port}/${broker_db} REDIS_URL=redis://127.0.0.1:${redis_port}/${cache_db}
.venv/bin/python manage.py migrate -v0
if [ "${LOAD_ORGANISATIONS:-0}" -gt 0 ]; then
  .venv/bin/python manage.py generate_organisations --organisations "$LOAD_ORGANISATIONS" --milestones-per-plan 2000
fi
plan_id=$(.venv/bin/python manage.py shell < bench/setup_load.py | tail -1)
.venv/bin/python manage.py collectstatic --noinput -v0
# Fresh planner statistics after the bulk load, as autovacuum would have made by the next morning.
psql -h 127.0.0.1 -p "$pg_port" -U plantracker -d "$db" -qc "SET client_min_messages = error; ANALYZE" >/dev/null
# Settings from gunicorn.conf.py (preloaded and warmed in the master); these flags override it.
.venv/bin/gunicorn --bind "127.0.0.1:${web_port}" --workers "${WEB_WORKERS:-4}" --threads "${WEB_THREADS:-1}" \
  --keep-alive 10 --log-level warning --error-logfile "${csv}_gunicorn.log" &
gunicorn_pid=$!
# The PDF worker yields the cores to the web workers (nice 19) and lays out on one process: a PDF
# waits longer, a page does not.
REPORT_LAYOUT_WORKERS=1 chrt --idle 0 nice -n 19 .venv/bin/celery -A safeguarding worker --pool solo -l warning \
  >"${csv}_worker.log" 2>&1 &
worker_pid=$!
trap 'kill $gunicorn_pid $worker_pid 2>/dev/null || true' EXIT
sleep 4
"$LOCUST" -f bench/locustfile.py --headless --host "http://127.0.0.1:${web_port}" -u "$USERS" -r 10 \
  --run-time "${SECONDS_}s" --stop-timeout 10 --only-summary --csv "$csv" --plan-id "$plan_id" 2>&1 | tail -40
