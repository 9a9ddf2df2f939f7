#!/usr/bin/env bash
# Smoke test of the real console in a real 80x24 terminal through a whole shift: open an
# incident, log, correct its start time so a deadline has passed (the alarm strip names
# whom to call), log a call with no answer (the strip names the next contact), the report,
# resolve, hand over, export every format, quit. Reads the screen with capture-pane and
# checks the store with the CLI. Usage: tests/tui/tmux_smoke.sh  (needs tmux; exit 0 = pass)
set -euo pipefail

CC=${COMMAND_CONSOLE_BIN:-command-console}
DATA=$(mktemp -d)/data
SESSION="cc-smoke-$$"
ENTRY="smoke entry [bold]not markup[/] 烟雾"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$(dirname "$DATA")"' EXIT

"$CC" --data-dir "$DATA" init >/dev/null
screen() { tmux capture-pane -p -t "$SESSION"; }
wait_for() {  # wait_for <text> : poll the screen up to 30 s
    for _ in $(seq 1 300); do
        if screen | grep -qF -- "$1"; then return 0; fi
        sleep 0.1
    done
    echo "FAIL: '$1' never appeared on screen:" >&2
    screen >&2
    return 1
}

tmux new-session -d -s "$SESSION" -x 80 -y 24 "$CC --data-dir '$DATA'"
keys() { tmux send-keys -t "$SESSION" "$@"; }
wait_for "Incidents (0 open)"
wait_for "sync: off"
keys n
wait_for "New incident"
keys -l "power"
keys Enter
wait_for "Incidents (1 open)"
wait_for "Power outage"
keys l
wait_for "Enter stores it"
keys -l "$ENTRY"
keys Enter
wait_for "Logged on"
# a start time 10 minutes ago: the 5-minute step is overdue, the alarm strip says whom to call
keys i
wait_for "Enter saves"
keys Tab Tab C-u
keys -l "10m ago"
keys Enter
wait_for "started at changed"
wait_for "⏰ 1-"
FIRST=$(screen | grep -F "⏰ 1-" | head -1 | sed -n 's/.*call \(.*\) +86.*/\1/p' | sed 's/ *$//')
[ -n "$FIRST" ] || { echo "FAIL: the alarm strip names nobody to call" >&2; screen >&2; exit 1; }
# c, Enter (to the list: the cursor is on the step's first contact), 2 = no answer
keys c
keys Enter
keys 2
wait_for "no answer → "
wait_for "no answer: $FIRST"  # the strip now names the next contact
keys Escape
sleep 0.5  # a lone ESC: the terminal waits to tell it from Alt+<next key>
# the report form: Esc leaves it (drafted fields are stored)
keys r
wait_for "Report ·"
keys Escape
wait_for "Incidents (1 open)"
# q with an incident open asks first; n keeps the console
keys q
wait_for "incident open"
keys n
wait_for "Incidents (1 open)"
keys x
wait_for "still open"
keys y
wait_for "Resolved"
keys h
wait_for "Shift handover"
keys Tab
sleep 0.3
keys Enter
keys -l "Zhang Wei"
keys Enter
wait_for "Shift handed over"
keys e
wait_for "Export the shift report"
keys Enter
wait_for "Exported 4 files"
keys q
for _ in $(seq 1 50); do tmux has-session -t "$SESSION" 2>/dev/null || break; sleep 0.1; done
if tmux has-session -t "$SESSION" 2>/dev/null; then echo "FAIL: q did not quit" >&2; screen >&2; exit 1; fi

# The console has just exited; a CLI read that finds the database busy says so (exit 4): try again.
OUT=""
for _ in $(seq 1 10); do
    INCIDENT=$("$CC" --data-dir "$DATA" incident list --all --json 2>&1 | python3 -c 'import json,sys; print(next(i["id"] for i in json.load(sys.stdin) if i["id"].startswith("1-")))' 2>/dev/null) \
        && OUT=$("$CC" --data-dir "$DATA" timeline "$INCIDENT" 2>&1) && grep -qF -- "$ENTRY" <<<"$OUT" && break
    sleep 0.5
done
grep -qF -- "$ENTRY" <<<"$OUT" || { echo "FAIL: entry not in timeline of '${INCIDENT:-?}': $OUT" >&2; exit 1; }
[ "$(ls "$DATA/reports" | wc -l)" -eq 4 ] || { echo "FAIL: not 4 files in $DATA/reports" >&2; exit 1; }
echo "tmux smoke: OK ($INCIDENT, a whole shift at 80x24)"
