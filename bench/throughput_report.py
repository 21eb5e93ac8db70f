#!/usr/bin/python3
"""Print the replay-throughput table of bench/run.sh from hyperfine's JSON exports.

throughput_report.py MIX META.json HYPERFINE.json...

META.json is gen_corpus.py's summary of the corpus (events, records, bytes). Each hyperfine
export holds one command named elfwatch, floor or laurel. Prints events/s, MB/s (10^6 bytes
of input per second of wall time; mean of the runs, +- stddev) and the ratios
elfwatch/floor and elfwatch/laurel, and the targets (exec >= 1.0x floor, mixed >= 2.0x).
"""
import json
import sys

TARGET = {"exec": 1.0, "mixed": 2.0}


def main():
    mix, meta_path, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(meta_path) as f:
        meta = json.load(f)
    res = {}
    for path in runs:
        with open(path) as f:
            for r in json.load(f)["results"]:
                res[r["command"]] = r
    ev, mb = meta["events"], meta["bytes"] / 1e6
    print("replay %s: %d events, %d records, %.1f MB (%d exec events)"
          % (mix, ev, meta["records"], mb, meta["exec_events"]))
    for name in ("elfwatch", "floor", "laurel"):
        r = res.get(name)
        if not r:
            print("  %-8s not measured" % name)
            continue
        sd = r.get("stddev") or 0.0
        print("  %-8s %8.3f s +- %.3f (user %.2f s, sys %.2f s, %d runs): %9.0f events/s %7.1f MB/s"
              % (name, r["mean"], sd, r["user"], r["system"], len(r["times"]),
                 ev / r["mean"], mb / r["mean"]))
    e = res.get("elfwatch")
    for base in ("floor", "laurel"):
        b = res.get(base)
        if e and b:
            ratio = b["mean"] / e["mean"]
            line = "  ratio elfwatch/%s: %.2fx" % (base, ratio)
            if base == "floor":
                t = TARGET[mix]
                line += " (target >= %.1fx: %s)" % (t, "met" if ratio >= t else "MISSED")
            print(line)


if __name__ == "__main__":
    main()
