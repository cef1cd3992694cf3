"""Judge the poller's log against the hosts' restart windows; print what was measured as JSON.

    check_windows.py POLLER_LOG JOURNALS_JSON

JOURNALS_JSON: {"NAME": [line, ...]}, each host's `journalctl -u docker.service -o short-unix` since the
run started; a window is from systemd's "Stopping docker.service" to its next "Started". A failed poll
counts as inside a window when it started between 1.5 s before the stop (a poll takes up to 2 s) and
2.5 s after systemd saw dockerd ready. Exits 1 naming the polls outside every window, or when a host
was never polled or never restarted."""

import json
import sys

BEFORE, AFTER = 1.5, 2.5


def main():
    polls = {}
    for line in open(sys.argv[1]):
        parts = line.strip().split(' ', 3)
        polls.setdefault(parts[1], []).append((float(parts[0]), parts[2] == 'ok', line.strip()))
    windows = {}
    for name, lines in json.load(open(sys.argv[2])).items():
        spans, stopping = [], None
        for line in lines:
            at = float(line.split(' ', 1)[0])
            if 'Stopping docker' in line and stopping is None:
                stopping = at
            elif 'Started docker' in line and stopping is not None:
                spans.append((stopping, at))
                stopping = None
        windows[name] = spans
    report, problems = {}, []
    for name, spans in sorted(windows.items()):
        mine = polls.get(name, [])
        if not mine or not spans:
            problems.append('%s: %d polls, %d restarts' % (name, len(mine), len(spans)))
            continue
        outside = [text for at, ok, text in mine
                   if not ok and not any(start - BEFORE <= at <= end + AFTER for start, end in spans)]
        problems.extend('%s: failed outside its restart windows: %s' % (name, text) for text in outside)
        # Unreachable: from the first failed poll of a run of failures to the next good one.
        down, since = 0.0, None
        for at, ok, _text in mine:
            if not ok and since is None:
                since = at
            elif ok and since is not None:
                down, since = down + at - since, None
        report[name] = {'polls': len(mine), 'failed_polls': sum(1 for _at, ok, _t in mine if not ok),
                        'restarts': len(spans), 'unreachable_s': round(down, 1),
                        'restart_windows_s': [round(end - start, 1) for start, end in spans]}
    print(json.dumps(report, sort_keys=True))
    if problems:
        print('\n'.join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
