#!/usr/bin/python3
"""Counts what is in each real PDB file of ../shared/data/pdb, independently of core/io/pdbRead.ts,
so its tests compare our reader with numbers it did not produce.

Usage (from the repository root):  /usr/bin/python3 scripts/pdb_counts.py
Writes core/io/fixtures/pdbCounts.json. Python 3 standard library only.

Per file, for the first model after keeping one alternate location per atom (the highest
occupancy, the first on ties, among records with the same chain, residue number, insertion code and
atom name when at least one of them has an altLoc letter):
  models          MODEL records (1 when there are none)
  atoms           ATOM + HETATM records kept
  hetatm          HETATM records kept
  residues        distinct (chain, residue number, insertion code)
  chains          distinct chain ids
  altLocDropped   records dropped by the altLoc rule
  elementCounts   kept atoms per element (columns 77-78, capitalised)
  coordinateSum   sum of x + y + z over the kept atoms, rounded to 3 decimals
  conectPairs     distinct unordered serial pairs in CONECT records
  conectResolved  of those, pairs whose two serials each belong to exactly one atom of model 1
                  (the others are what the reader skips with a warning)
  commonAtoms     kept atoms of model 1 that every model has (same chain, residue number, insertion
                  code, atom name, residue name and record type; n-th repeat matches n-th)
  title           TITLE text, continuation lines joined with one space
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.normpath(os.path.join(ROOT, '..', 'shared', 'data', 'pdb'))
OUT = os.path.join(ROOT, 'core', 'io', 'fixtures', 'pdbCounts.json')


def split_models(lines):
    """Lists of atom lines, one per model (everything when there is no MODEL record)."""
    models, current, in_model = [], [], False
    for line in lines:
        tag = line[:6].rstrip()
        if tag == 'END':
            break
        if tag == 'MODEL':
            in_model, current = True, []
        elif tag == 'ENDMDL':
            models.append(current)
            in_model, current = False, []
        elif tag in ('ATOM', 'HETATM'):
            current.append(line)
    if current or not models:
        models.append(current)
    return models


def keep_alt_locs(atoms):
    """(indices of the atom lines kept, {index: index of the line that stands for it})."""
    groups = {}
    for k, line in enumerate(atoms):
        key = (line[21], line[22:26].strip(), line[26], line[12:16].strip())
        groups.setdefault(key, []).append(k)
    winner = {k: k for k in range(len(atoms))}
    for members in groups.values():
        if len(members) < 2 or all(atoms[k][16] == ' ' for k in members):
            continue
        best = members[0]
        for k in members:
            if occupancy(atoms[k]) > occupancy(atoms[best]):
                best = k
        for k in members:
            winner[k] = best
    return [k for k in range(len(atoms)) if winner[k] == k], winner


def occupancy(line):
    text = line[54:60].strip()
    return float(text) if text else 1.0


def identity(line):
    return (line[21], line[22:26].strip(), line[26], line[12:16].strip(), line[17:20].strip(), line[:6])


def with_repeats(keys):
    seen, out = {}, []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        out.append(key + (seen[key],))
    return out


def count(path):
    with open(path, encoding='utf-8', errors='replace') as handle:
        lines = handle.read().splitlines()
    models = split_models(lines)
    first = models[0]
    kept, winner = keep_alt_locs(first)
    kept_lines = [first[k] for k in kept]

    elements = {}
    for line in kept_lines:
        symbol = line[76:78].strip().capitalize()
        elements[symbol] = elements.get(symbol, 0) + 1

    serial_lines = {}
    for k, line in enumerate(first):
        serial_lines.setdefault(line[6:11].strip(), []).append(k)
    pairs, resolved = set(), set()
    for line in lines:
        if line[:6].rstrip() == 'END':
            break
        if line[:6] != 'CONECT':
            continue
        fields = [line[c:c + 5].strip() for c in range(6, 31, 5)]
        fields = [f for f in fields if f]
        for other in fields[1:]:
            if other == fields[0]:
                continue
            pairs.add(tuple(sorted((int(fields[0]), int(other)))))
            a, b = serial_lines.get(fields[0], []), serial_lines.get(other, [])
            if len(a) == 1 and len(b) == 1:
                i, j = winner[a[0]], winner[b[0]]
                if i != j:
                    resolved.add(tuple(sorted((i, j))))

    kept_by_model = [[m[k] for k in keep_alt_locs(m)[0]] for m in models]
    key_sets = [set(with_repeats([identity(l) for l in atoms])) for atoms in kept_by_model]
    common = sum(1 for key in with_repeats([identity(l) for l in kept_lines]) if all(key in s for s in key_sets))

    title = ' '.join(l[10:80].strip() for l in lines if l[:6].rstrip() == 'TITLE' and l[10:80].strip())
    return {
        'models': sum(1 for l in lines if l[:6].rstrip() == 'MODEL') or 1,
        'atoms': len(kept_lines),
        'hetatm': sum(1 for l in kept_lines if l.startswith('HETATM')),
        'residues': len({(l[21], l[22:26].strip(), l[26]) for l in kept_lines}),
        'chains': len({l[21] for l in kept_lines}),
        'altLocDropped': len(first) - len(kept_lines),
        'elementCounts': dict(sorted(elements.items())),
        'coordinateSum': round(sum(float(l[30:38]) + float(l[38:46]) + float(l[46:54]) for l in kept_lines), 3),
        'conectPairs': len(pairs),
        'conectResolved': len(resolved),
        'commonAtoms': common,
        'title': title,
    }


def main():
    if not os.path.isdir(DATA):
        sys.exit(f'{DATA} does not exist; the PDB test files live there')
    counts = {name: count(os.path.join(DATA, name)) for name in sorted(os.listdir(DATA)) if name.endswith('.pdb')}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as handle:
        json.dump(counts, handle, indent=2)
        handle.write('\n')
    print(f'wrote {OUT} ({len(counts)} files)')


if __name__ == '__main__':
    main()
