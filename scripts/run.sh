#!/usr/bin/env bash
# Start the Celery worker (with beat) in the background and the web server in the
# foreground; stopping the web server (Ctrl-C) stops the worker too.
set -euo pipefail
BIN=$1
HOST=$2
PORT=$3
mkdir -p var

"$BIN/celery" -A config worker --beat --loglevel=INFO --concurrency=2 \
    --schedule=var/celerybeat-schedule >var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM

password=${DEMO_PASSWORD:-$("$BIN/python" -c 'from config import settings; print(settings.DEMO_PASSWORD_DEFAULT)' 2>/dev/null || echo polku-demo-2026)}
cat <<MSG

  Polku is starting at http://$HOST:$PORT/
  Celery worker and beat: running (log in var/worker.log)

  Demo logins, all with the password: $password
    rise.oulu            Rise contact person, Oulu
    tym.oulu             employment services, named Rise contact person, Oulun seutu
    tym.tampere          employment services, Tampereen seutu
    koordinaattori.oulu  coordinator, Oulun seutu
    hva.pohjois          social worker, Pohjois-Pohjanmaan hyvinvointialue
    kela.pohjoinen       Kela officer, northern customer-service unit
    priima.butti         project worker, Priima Butti
    tietosuoja           data protection officer
    admin                administrator (also /admin/)

MSG
"$BIN/python" manage.py runserver "$HOST:$PORT"
