#!/usr/bin/env bash
# Migrates the embedded SQLite database, loads the demo, starts a task worker and the
# periodic scheduler (deadline reminders, escalations, file sweeps) and serves Warkat
# on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export WARKAT_DEMO=1
mkdir -p var
$PY manage.py migrate --no-input -v0
$PY manage.py createcachetable
$PY manage.py collectstatic --no-input -v0
$PY manage.py demo_load
$PY manage.py dashboard_demo
$PY manage.py db_worker --queue-name '*' --interval 2 >var/worker.log 2>&1 &
WORKER=$!
$PY manage.py run_periodic --loop >var/periodic.log 2>&1 &
PERIODIC=$!
trap 'kill $WORKER $PERIODIC 2>/dev/null || true' EXIT INT TERM
echo "Warkat: http://127.0.0.1:8000"
.venv/bin/gunicorn warkat.config.wsgi -b 127.0.0.1:8000 --workers 2 --threads 4 --access-logfile - 
