#!/usr/bin/env bash
# Smoke test of the real console in a real terminal: start `command-console`, open an
# incident, log an entry, quit; read the screen with capture-pane; check the entry with
# `command-console timeline`. Usage: tests/tui/tmux_smoke.sh  (needs tmux; exit 0 = pass)
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

tmux new-session -d -s "$SESSION" -x 100 -y 30 "$CC --data-dir '$DATA'"
wait_for "Incidents (0 open)"
wait_for "sync: off"
tmux send-keys -t "$SESSION" n
wait_for "New incident"
tmux send-keys -t "$SESSION" -l "power"
tmux send-keys -t "$SESSION" Enter
wait_for "Incidents (1 open)"
wait_for "Power outage"
tmux send-keys -t "$SESSION" l
wait_for "Enter stores it"
tmux send-keys -t "$SESSION" -l "$ENTRY"
tmux send-keys -t "$SESSION" Enter
sleep 0.3
wait_for "Incidents (1 open)"
tmux send-keys -t "$SESSION" Enter
wait_for "Timeline (newest"
wait_for "smoke entry [bold]not markup[/]"
tmux send-keys -t "$SESSION" Escape
wait_for "Incidents (1 open)"
tmux send-keys -t "$SESSION" q
for _ in $(seq 1 50); do tmux has-session -t "$SESSION" 2>/dev/null || break; sleep 0.1; done
if tmux has-session -t "$SESSION" 2>/dev/null; then echo "FAIL: q did not quit" >&2; exit 1; fi

INCIDENT=$("$CC" --data-dir "$DATA" incident list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
"$CC" --data-dir "$DATA" timeline "$INCIDENT" | grep -qF -- "$ENTRY" || { echo "FAIL: entry not in timeline" >&2; exit 1; }
echo "tmux smoke: OK ($INCIDENT)"
