#!/usr/bin/env python3
"""Scores the SAST engine and Semgrep on the labeled corpus, side by side.

Usage: score.py CORPUS_DIR OURS_JSONL SEMGREP_JSON SEMGREP_RULES_DIR OURS_SECONDS SEMGREP_SECONDS

Labels are the `expect:` line at the top of each corpus file (see tests/sast_corpus.rs).
Both tools are scored on the files Semgrep can parse (no Markdown answers, no nginx) and on
the CWEs the Semgrep rule subset covers, so the comparison is like for like; the engine's
score on the whole corpus is printed as well. Findings of severity info (scan limits) are
ignored. Precision/recall are micro-averaged over (file, CWE) pairs.
"""
import json
import os
import re
import sys

corpus, ours_path, semgrep_path, rules_dir, ours_s, semgrep_s = sys.argv[1:7]
ours_s, semgrep_s = float(ours_s), float(semgrep_s)

def rel(path):
    path = str(path)
    i = path.find("corpus/")
    return path[i + len("corpus/"):] if i >= 0 else path

labels = {}
for root, _, files in os.walk(corpus):
    for f in files:
        p = os.path.join(root, f)
        with open(p, encoding="utf-8") as fh:
            head = "".join(fh.readline() for _ in range(2))
        m = re.search(r"expect:\s*(.*)", head)
        value = m.group(1).strip().removesuffix("-->").removesuffix("*/").strip()
        labels[rel(p)] = set() if value == "safe" else {c.strip() for c in value.split(",")}

ours = {}
with open(ours_path) as fh:
    for line in fh:
        rec = json.loads(line)
        ours[rel(rec["path"])] = {f["cwe"] for f in rec["findings"] if f["severity"] != "info"}

semgrep = {k: set() for k in labels}
with open(semgrep_path) as fh:
    data = json.load(fh)
for r in data["results"]:
    cwe = r["extra"]["metadata"]["cwe"]
    semgrep.setdefault(rel(r["path"]), set()).add(cwe)
scanned = {rel(p) for p in data["paths"]["scanned"]}

covered = set()
for f in os.listdir(rules_dir):
    with open(os.path.join(rules_dir, f)) as fh:
        covered |= set(re.findall(r"cwe:\s*(CWE-\d+)", fh.read()))

def score(pred, files, cwes=None):
    per = {}
    for f in files:
        exp, got = labels[f], pred.get(f, set())
        if cwes is not None:
            exp, got = exp & cwes, got & cwes
        for c in exp | got:
            t = per.setdefault(c, [0, 0, 0])
            if c in exp and c in got:
                t[0] += 1
            elif c in got:
                t[1] += 1
            else:
                t[2] += 1
    return per

def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f

def total(per):
    return [sum(v[i] for v in per.values()) for i in range(3)]

files = sorted(f for f in labels if f in scanned)
a = score(ours, files, covered)
b = score(semgrep, files, covered)
print(f"Like for like: {len(files)} files Semgrep parses, {len(covered)} CWEs its rule subset covers")
print(f"{'CWE':<9} | {'ours P':>6} {'R':>5} {'F1':>5} | {'semgrep P':>9} {'R':>5} {'F1':>5}")
for c in sorted(covered, key=lambda x: int(x.split('-')[1])):
    pa = prf(*a.get(c, [0, 0, 0]))
    pb = prf(*b.get(c, [0, 0, 0]))
    print(f"{c:<9} | {pa[0]:>6.2f} {pa[1]:>5.2f} {pa[2]:>5.2f} | {pb[0]:>9.2f} {pb[1]:>5.2f} {pb[2]:>5.2f}")
ta, tb = prf(*total(a)), prf(*total(b))
print(f"{'ALL':<9} | {ta[0]:>6.2f} {ta[1]:>5.2f} {ta[2]:>5.2f} | {tb[0]:>9.2f} {tb[1]:>5.2f} {tb[2]:>5.2f}")
full = prf(*total(score(ours, sorted(labels))))
print(f"\nEngine on the whole corpus ({len(labels)} files, all CWEs): "
      f"precision {full[0]:.3f} recall {full[1]:.3f} F1 {full[2]:.3f}")
print(f"\nWall time for the whole corpus, one core, start-up included:")
print(f"  ours     {ours_s:7.2f} s  {len(labels) / ours_s:8.0f} files/s")
print(f"  semgrep  {semgrep_s:7.2f} s  {len(scanned) / semgrep_s:8.0f} files/s  ({len(scanned)} files)")
