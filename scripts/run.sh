#!/usr/bin/env bash
# Start the Celery worker (with beat) and the web server; Ctrl-C, or a TERM or HUP to this
# script or to its process group, stops both within 10 seconds.
set -euo pipefail
BIN=$1
HOST=$2
PORT=$3
# The same folder as config/settings.py's VAR_DIR: the filesystem broker, beat's schedule.
VAR=${POLKU_VAR_DIR:-var}
mkdir -p "$VAR"
# Links in e-mails and invitations point to the server started here, unless set otherwise.
export POLKU_BASE_URL=${POLKU_BASE_URL:-http://$HOST:$PORT}

stop() {
    trap '' INT TERM HUP
    trap - EXIT
    echo "Stopping the web server and the Celery worker..."
    # runserver's own Ctrl-C, to its autoreloader and the server process it restarts.
    kill -INT -- "-$WEB" 2>/dev/null || true
    # A warm shutdown: running tasks finish, beat saves its schedule. With the filesystem
    # broker it takes 5 to 8 seconds, most of it in Celery's one-second polls and joins. A
    # worker that is not done after 7 seconds is killed with its pool and beat: every task
    # is acknowledged late and safe to run again, and the outbox drain hands out again
    # what a killed send held (docs/adr/0020-outbox.md).
    kill -TERM "$WORKER" 2>/dev/null || true
    local tenths=0
    while kill -0 "$WORKER" 2>/dev/null || kill -0 "$WEB" 2>/dev/null; do
        if ((tenths == 30)); then kill -KILL -- "-$WEB" 2>/dev/null || true; fi
        if ((tenths == 70)) && kill -0 "$WORKER" 2>/dev/null; then
            echo "The Celery worker did not stop in 7 seconds: killed." >&2
            kill -KILL -- "-$WORKER" 2>/dev/null || true
        fi
        sleep 0.1
        tenths=$((tenths + 1))
    done
    wait 2>/dev/null || true
}
WEB=''
WORKER=''
trap stop INT TERM HUP EXIT
# Both run in the background, each in a process group of its own (job control is on while
# they start), and this script stops them. A signal to the terminal's group (Ctrl-C) or to
# this script's would otherwise reach the worker's pool processes too: a TERM kills one
# while it holds the pool's queue lock, and the worker's warm shutdown then waits for that
# lock for ever. Told by this script, the worker's main process stops its pool and beat in
# order. In the foreground, the web server would also hold back the trap until it ended.
set -m
"$BIN/celery" -A config worker --beat --loglevel=INFO --concurrency=2 \
    --schedule="$VAR/celerybeat-schedule" </dev/null >"$VAR/worker.log" 2>&1 &
WORKER=$!
"$BIN/python" manage.py runserver "$HOST:$PORT" </dev/null &
WEB=$!
set +m

password=${DEMO_PASSWORD:-$("$BIN/python" -c 'from config import settings; print(settings.DEMO_PASSWORD_DEFAULT)' 2>/dev/null || echo polku-demo-2026)}
cat <<MSG

  Polku is starting at http://$HOST:$PORT/ (links in e-mails point to $POLKU_BASE_URL/)
  Celery worker and beat: running (log in $VAR/worker.log)

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
# Until one of them ends (the web server cannot take the port, say): then both stop. The
# short sleeps in the background let a signal's trap run at once.
while kill -0 "$WEB" 2>/dev/null && kill -0 "$WORKER" 2>/dev/null; do
    sleep 1 &
    wait $! || true
done
