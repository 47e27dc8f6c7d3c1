# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make test` installs nothing into ~/.ansible/collections: list that folder before the run, compare after.

python tools/home_collections.py DIR --save LIST     writes what DIR holds (or that it does not exist)
python tools/home_collections.py DIR --compare LIST  prints the difference and fails when DIR changed
Each entry is a path below DIR with its type, size and modification time, so a file rewritten in place counts.
"""
from __future__ import annotations

import argparse
import difflib
import os
import pathlib
import sys

ABSENT = '(does not exist)'


def listing(folder):
    """One line per file, folder and link below `folder`, sorted; ABSENT when there is no such folder."""
    if not os.path.lexists(folder):
        return [ABSENT]
    lines = []
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            path = os.path.join(root, name)
            stat = os.lstat(path)
            kind = 'link' if os.path.islink(path) else 'dir' if os.path.isdir(path) else 'file'
            size = '' if kind == 'dir' else ' %d bytes' % stat.st_size
            lines.append('%s %s%s mtime %d' % (kind, os.path.relpath(path, folder), size, stat.st_mtime_ns))
    return sorted(lines) or ['(empty)']


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('folder', type=pathlib.Path)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument('--save', type=pathlib.Path, metavar='LIST')
    action.add_argument('--compare', type=pathlib.Path, metavar='LIST')
    args = parser.parse_args(argv)
    now = listing(args.folder)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text('\n'.join(now) + '\n', encoding='utf-8')
        print('%s before the run: %s' % (args.folder, now[0] if now[0].startswith('(') else '%d entries' % len(now)))
        return 0
    before = args.compare.read_text(encoding='utf-8').splitlines()
    if before == now:
        print('%s after the run: unchanged (%s)' % (args.folder, now[0] if now[0].startswith('(') else '%d entries' % len(now)))
        return 0
    print('%s changed during the run (a test installed into it):' % args.folder)
    sys.stdout.writelines(line + '\n' for line in difflib.unified_diff(before, now, 'before', 'after', lineterm=''))
    return 1


if __name__ == '__main__':
    sys.exit(main())
