#!/bin/sh
# Regenerate the engine fuzz seeds (fuzz/corpus/engine, see fuzz/fuzz_engine.c): the recorded
# stream logs (tests/data/*-stream.log, EOE-terminated as a plugin reads them) cut into runs
# of events, with clock steps and ticks between them, some with a reload, under a few
# configurations and both clocks. Deterministic; small (about 45 files, 200 KB).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/fuzz/corpus/engine
mkdir -p "$out"
python3 - "$top/tests/data" "$out" <<'PY'
import sys, os
data, out = sys.argv[1], sys.argv[2]
# (config byte, clock byte): json/kv/ecs/text, bounds, writes off, folding/rate cap, live/replay
modes = [(0x0c, 0), (0x01, 1), (0x06, 0), (0x43, 1), (0x0c, 1), (0x30, 0), (0x84, 0), (0x02, 0)]
n = 0
for name in sorted(os.listdir(data)):
    if not name.endswith('-stream.log'):
        continue
    events, cur = [], []
    for line in open(os.path.join(data, name), 'rb').read().split(b'\n'):
        if not line:
            continue
        # as intake's assembly hands events on: the ENRICHED interpretations (0x1d...) cut off
        cur.append(line.split(b'\x1d')[0] + b'\n')
        if b'type=EOE' in line:
            events.append(b''.join(cur)); cur = []
    fam = name[:-len('-stream.log')]
    step = 4
    for i in range(0, len(events), step):
        cfg, clk = modes[n % len(modes)]
        body = bytearray([cfg, clk])
        for j, ev in enumerate(events[i:i + step]):
            body += ev
            if j % 2:
                body += b'~t %d\n' % (400 * (j + 1))
            if j == 2 and n % 3 == 0:
                body += b'~r %d\n' % modes[(n + 1) % len(modes)][0]
        body += b'~t 5000\n~t 60000\n'
        open(os.path.join(out, '%s-%02d' % (fam, i // step)), 'wb').write(bytes(body))
        n += 1
print(n)
PY
