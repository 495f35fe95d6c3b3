#!/usr/bin/env bash
# Migrates the embedded SQLite database, loads the demo, starts two task workers (one
# for the OCR of scans) and the periodic scheduler (deadline reminders, escalations,
# file sweeps) and serves Warkat on http://127.0.0.1:$PORT (8000 unless PORT is set:
# `make demo PORT=8123`).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
[[ "$PORT" =~ ^[0-9]+$ ]] && ((PORT >= 1 && PORT <= 65535)) || {
  echo "warkat: PORT must be a TCP port number, not '$PORT'" >&2; exit 2; }
export WARKAT_DEMO=1
# Links in QR codes, e-mails and verification pages point at the port served, unless
# the caller chose an address.
export WARKAT_PUBLIC_BASE_URL=${WARKAT_PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}
mkdir -p var
$PY manage.py migrate --no-input -v0
$PY manage.py createcachetable -v0
$PY manage.py collectstatic --no-input -v0
$PY manage.py demo_load
$PY manage.py dashboard_demo
$PY manage.py db_worker --queue-name '*' --exclude-queues ocr --interval 2 >var/worker.log 2>&1 &
WORKER=$!
# OCR of scans (seconds per page) on its own worker, so notifications never wait for it.
$PY manage.py db_worker --queue-name ocr --interval 2 >var/worker-ocr.log 2>&1 &
OCR_WORKER=$!
$PY manage.py run_periodic --loop >var/periodic.log 2>&1 &
PERIODIC=$!
# The demo SKPD app (warkat.sso.skpd_app) signs Keerom's people in through Warkat.
SKPD_PORT=$((PORT + 1))
$PY -m warkat.sso.skpd_app --issuer "http://127.0.0.1:$PORT/sso" \
  --client-id keerom-skpd-demo \
  --client-secret warkat-demo-skpd-app-secret-not-for-production \
  --port "$SKPD_PORT" >var/skpd-app.log 2>&1 &
SKPD=$!
trap 'kill $WORKER $OCR_WORKER $PERIODIC $SKPD 2>/dev/null || true' EXIT INT TERM
echo "Warkat: http://127.0.0.1:$PORT"
echo "SKPD app signing in through Warkat: http://127.0.0.1:$SKPD_PORT"
.venv/bin/gunicorn warkat.config.wsgi -b "127.0.0.1:$PORT" --workers 2 --threads 4 --access-logfile -
