#!/usr/bin/python3
"""Judge the alerts elfwatch sent to syslog during the live test against scenarios.tsv.

check_alerts.py --scenarios TSV --alerts ALERTS.log --pri ELFWATCH.log --audit-log AUDIT.log
                [--ses FAMILY=N]... [--ignore-pid PID]...

Prints one result per line for tests/test_live.sh to number: "ok|DESC", "not ok|DESC",
"skip|DESC", and "# ..." diagnostics. An alert belongs to a family when its process.ses is
that family's audit session (so other activity on the machine is ignored), and to a scenario
when its process.pid is the scenario's job pid (see tests/live/scenarios.sh).
"""
import argparse
import json
import re


def result(status, desc, diags=()):
    print("%s|%s" % (status, desc.replace("\n", " ")))
    for d in diags:
        print("# " + str(d).replace("\n", "\\n"))


def brief(a):
    p = a.get("process", {})
    return "pid=%s ses=%s severity=%s reasons=%s argv=%s" % (
        p.get("pid"), p.get("ses"), a.get("severity"), a.get("reasons"), p.get("argv"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--alerts", required=True)
    ap.add_argument("--pri", required=True)
    ap.add_argument("--audit-log", required=True)
    ap.add_argument("--ses", action="append", default=[])
    ap.add_argument("--ignore-pid", action="append", default=[], type=int)
    opt = ap.parse_args()

    ses = {}
    for s in opt.ses:
        fam, _, n = s.partition("=")
        ses[fam] = int(n)
    rows = [l.rstrip("\n").split("\t", 4)
            for l in open(opt.scenarios, encoding="utf-8", errors="replace") if l.strip()]

    # Alert lines are JSON objects; the plugin's own log messages share the ident.
    alerts, bad, logs = [], [], []
    with open(opt.alerts, "rb") as f:
        for n, raw in enumerate(f, 1):
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith("{"):
                if line:
                    logs.append(line)
                continue
            try:
                a = json.loads(line)
                if not isinstance(a, dict):
                    raise ValueError("not an object")
                alerts.append(a)
            except ValueError as e:
                bad.append("line %d: %s: %s" % (n, e, line[:200]))
    result("not ok" if bad else "ok", "every alert line is one JSON object (%d alerts)" % len(alerts),
           bad[:10])
    for l in logs:
        print("# plugin log: " + l[:300])

    pris = [l.split(" ", 1)[0] for l in open(opt.pri, encoding="utf-8", errors="replace")
            if l.split(" ", 1)[-1].lstrip().startswith("{")]
    wrong = sorted(set(p for p in pris if not p.startswith("auth.")))
    result("not ok" if wrong or not pris else "ok",
           "alerts are sent with the configured facility auth", wrong)

    rules = sorted(set(a.get("rule") for a in alerts) - {"loader_exec"})
    result("not ok" if rules else "ok", "every alert has rule loader_exec", rules)

    fam_of_ses = {v: k for k, v in ses.items()}
    scoped = {}
    foreign = []
    for a in alerts:
        p = a.get("process", {})
        if p.get("pid") in opt.ignore_pid:
            continue
        if ses and p.get("ses") not in fam_of_ses:
            foreign.append(a)
            continue
        scoped.setdefault(p.get("pid"), []).append(a)
    for a in foreign:
        print("# ignored (not a scenario's session): " + brief(a))

    known = set()
    for fam, sid, pid, expect, cmd in rows:
        desc = "%s %s: %s" % (sid, cmd[:100], expect)
        if pid == "-":
            result("skip", "%s %s" % (sid, cmd.lstrip("# ")))
            continue
        pid = int(pid)
        known.add(pid)
        got = scoped.get(pid, [])
        if expect == "skip":
            result("skip", desc + " (not asserted; got %d alert(s))" % len(got))
            continue
        if expect == "none":
            result("ok" if not got else "not ok", desc, [brief(a) for a in got])
            continue
        sev, _, reasons = expect.partition(":")
        want = set(r for r in reasons.split(",") if r)
        good = (len(got) == 1 and got[0].get("severity") == sev
                and set(got[0].get("reasons", [])) == want)
        diags = [] if good else ["want severity=%s reasons=%s; got %d alert(s)" %
                                 (sev, sorted(want), len(got))] + [brief(a) for a in got]
        result("ok" if good else "not ok", desc, diags)

    stray = [a for pid, lst in scoped.items() if pid not in known for a in lst]
    result("not ok" if stray else "ok",
           "no alert from a scenario session outside the scenario jobs (ldd's children etc.)",
           [brief(a) for a in stray])

    # Each alert must name an event auditd logged for the same pid: `ausearch -a ID` works.
    text = open(opt.audit_log, "rb").read()
    missing = []
    for lst in scoped.values():
        for a in lst:
            eid = str(a.get("event", {}).get("id", ""))
            m = re.search(rb"type=SYSCALL msg=audit\(" + re.escape(eid.encode()) +
                          rb"\):[^\n]* pid=(\d+) ", text)
            if not m or int(m.group(1)) != a["process"]["pid"]:
                missing.append(eid + " " + brief(a))
    result("not ok" if missing else "ok", "alert event ids match audit.log events", missing)


if __name__ == "__main__":
    main()
