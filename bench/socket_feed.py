#!/usr/bin/python3
"""The plugin's live path apart from auditd: what one event costs it, on a machine without
root, kernel audit or a quiet moment.

socket_feed.py [--rounds N] [--exec-only] [--jump N] [--conf FILE] RATE STREAM PLUGIN...

Each PLUGIN (an audisp-elfwatch binary) runs in plugin mode, in turn, N rounds (default 3),
with stdin a Unix stream socket pair as under auditd. STREAM (plugin stream format, with EOE:
a recorded one, or bench/gen_corpus.py --mix exec) is written to it one write per record, as
auditd writes, RATE events a second. Per run: the plugin's CPU (user + system, from wait4)
per event, and its voluntary and involuntary context switches. --exec-only keeps the exec
events (execve, execveat) of STREAM: the files that write events name are not this machine's,
and following them costs what the machine's directories make it cost. The configuration
(default: a temporary one) sends alerts to stdout, which is /dev/null and keeps the state file in a temporary
directory. Binaries taking turns within one run of this script are the figures to compare.
--jump N: the first N events at RATE, half a second of quiet, then the rest as fast as this
writer can write (a build starting on a busy host): also prints how long the writer's longest
write waited for the plugin, and how many waited over 5 ms, in that burst. auditd's writes wait
the same way, and while they wait its queue to the plugins (2,000 records) fills.
"""
import argparse
import os
import re
import socket
import sys
import tempfile
import time

EXEC = re.compile(rb'^(?:node=\S+ )?type=SYSCALL .* syscall=(?:59|322) ')


def events_of(path, exec_only):
    events, cur = [], []
    with open(path, 'rb') as f:
        for line in f:
            cur.append(line)
            if b'type=EOE' in line[:40]:
                if not exec_only or any(EXEC.match(r) for r in cur):
                    events.append(cur)
                cur = []
    return events


def run(plugin, conf, events, rate, jump=None):
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        os.dup2(b.fileno(), 0)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execv(plugin, [plugin, '-c', conf, '--log-stderr'])
    b.close()
    time.sleep(0.5)                     # start-up is not what is measured... mostly
    t0 = time.monotonic()
    steady = events if jump is None else events[:jump]
    for i, ev in enumerate(steady):
        ahead = t0 + i / rate - time.monotonic()
        if ahead > 0.0005:
            time.sleep(ahead)
        for rec in ev:
            a.sendall(rec)
    burst = ''
    if jump is not None:
        time.sleep(0.5)
        longest, over5, tb = 0.0, 0, time.monotonic()
        for ev in events[jump:]:
            for rec in ev:
                w = time.monotonic()
                a.sendall(rec)
                w = time.monotonic() - w
                longest = max(longest, w)
                over5 += w > 0.005
        tb = time.monotonic() - tb
        burst = ('; burst of %d events at %.0f/s: longest write %.1f ms, %d over 5 ms'
                 % (len(events) - jump, (len(events) - jump) / tb, 1e3 * longest, over5))
    wall = time.monotonic() - t0
    time.sleep(1.0)
    a.close()
    _, status, ru = os.wait4(pid, 0)
    cpu = ru.ru_utime + ru.ru_stime
    return ('%s: %d events at %.0f/s wanted, %.0f/s sent; cpu %.3f s (user %.3f, system %.3f), '
            '%.1f us per event; context switches %d voluntary, %d involuntary; exit %d%s'
            % (plugin, len(events), rate, len(events) / wall, cpu, ru.ru_utime, ru.ru_stime,
               1e6 * cpu / len(events), ru.ru_nvcsw, ru.ru_nivcsw, os.waitstatus_to_exitcode(status),
               burst))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--exec-only', action='store_true')
    ap.add_argument('--jump', type=int)
    ap.add_argument('--conf')
    ap.add_argument('rate', type=float)
    ap.add_argument('stream')
    ap.add_argument('plugins', nargs='+')
    o = ap.parse_args()
    events = events_of(o.stream, o.exec_only)
    if not events:
        sys.exit('socket_feed: no whole event (ending in EOE) in %s' % o.stream)
    if o.jump is not None and not 0 <= o.jump < len(events):
        sys.exit('socket_feed: --jump %d: the stream has %d events; the burst needs at least one'
                 % (o.jump, len(events)))
    with tempfile.TemporaryDirectory(prefix='elfwatch-feed.') as tmp:
        conf = o.conf
        if not conf:
            conf = os.path.join(tmp, 'elfwatch.conf')
            with open(conf, 'w') as f:
                f.write('output = "stdout";\nlog_level = "info";\n'
                        'state: { path = "%s/state"; };\n' % tmp)
        for _ in range(o.rounds):
            for p in o.plugins:
                print(run(os.path.abspath(p), conf, events, o.rate, o.jump), flush=True)


if __name__ == '__main__':
    main()
