"""Converts Presidio's own labelled synthetic set (presidio-research, data/synth_dataset_v2.json)
into our corpus format, so compare.sh can score every tool on text none of us wrote.

    python3 bench/detectors/presidio_synth.py synth_dataset_v2.json > /tmp/presidio_synth.jsonl
    CORPUS=/tmp/presidio_synth.jsonl bench/detectors/compare.sh

Presidio's entity names map to ours where both have the entity. Its other labels (addresses,
places, organisations, dates, titles) are dropped: no tool is scored on them, and a tool that
calls an organisation a PERSON is charged a false positive either way, as on a real prompt. Offsets go from characters to UTF-8 bytes, which is what our corpus holds. Every item
is English (the set is) and has no injection label, so the INJECTION row stays empty.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import byte_offsets  # noqa: E402  (the char-to-byte table compare.py scores with)

TO_OURS = {
    'PERSON': 'PERSON',
    'EMAIL_ADDRESS': 'EMAIL',
    'PHONE_NUMBER': 'PHONE',
    'CREDIT_CARD': 'CREDIT_CARD',
    'US_SSN': 'SSN',
    'IP_ADDRESS': 'IP',
    'IBAN_CODE': 'IBAN',
}


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: presidio_synth.py synth_dataset_v2.json > corpus.jsonl')
    with open(sys.argv[1], encoding='utf-8') as f:
        items = json.load(f)
    for i, it in enumerate(items):
        text = it['full_text']
        bo = byte_offsets(text)
        spans = []
        for s in it['spans']:
            if s['entity_type'] not in TO_OURS:
                continue
            start, end = s['start_position'], s['end_position']
            if text[start:end] != s['entity_value']:
                sys.exit(f'item {i}: span {start}..{end} does not hold its value')
            spans.append({
                'entity': TO_OURS[s['entity_type']],
                'start': bo[start],
                'end': bo[end],
            })
        spans.sort(key=lambda s: (s['start'], s['end']))
        print(json.dumps({'id': f'presidio-synth-{i:04d}', 'lang': 'en', 'kind': 'synthetic',
                          'text': text, 'spans': spans}, ensure_ascii=False))


if __name__ == '__main__':
    main()
