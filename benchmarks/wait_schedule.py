# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wait schedule: how late the end of a job without progress is seen, and the requests it costs.

Runs plugins/module_utils/_waiting.wait_for_job on a fake clock (no simulators, no sleeping) for
jobs of 10 s to an hour: for each length, the worst over jobs ending in the 12% (+2 s) before it (one
that ends just after a look is seen a whole interval late); `requests` is the most polls among them,
with the restore modules' first look one poll_interval after the start. Compares the schedule of
issue 20 (an interval of 10% of the time waited, at least poll_interval, at most 5 min) with the
earlier one (poll_interval growing by half a poll up to 30 s). Goal: the end seen within
max(2 s, 10% of the job) at poll_interval 2. Writes benchmarks/results/wait_schedule.json.

    .venv/bin/python benchmarks/wait_schedule.py
"""
from __future__ import annotations

import argparse
import importlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / 'tools'))
sim_support = importlib.import_module('sim_support')
sys.path.insert(0, str(HERE.parent.parent.parent.parent))  # ansible_collections/.. when run from a collection copy
try:
    waiting = importlib.import_module('ansible_collections.recoverops.restore.plugins.module_utils._waiting')
except ImportError:
    sys.exit('run from the collection under ansible_collections/recoverops/restore (e.g. make collection, .build/collections)')

STATES = waiting.StateMap(running=('Running',), succeeded=('Succeeded',))
LENGTHS = (12, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600)
SWEEP = 400


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def earlier_schedule(length, poll_interval=5.0, cap=30.0, backoff=1.5):
    """(seen after, polls) of the loop before issue 20: poll_interval x 1.5 a poll, up to 30 s."""
    elapsed, interval, polls = poll_interval, poll_interval, 1
    while elapsed < length:
        elapsed += interval
        polls += 1
        interval = min(interval * backoff, max(cap, poll_interval))
    return elapsed, polls


def ours(length, poll_interval):
    clock = Clock()
    result = waiting.wait_for_job(lambda: ('Succeeded' if clock() >= length else 'Running', {}), STATES, timeout=2 * length + 600,
                                  poll_interval=poll_interval, clock=clock, sleep=clock.sleep, now=lambda: 'T',
                                  first_poll_after=poll_interval)
    return result.elapsed, result.polls


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--output', type=pathlib.Path, default=HERE / 'results' / 'wait_schedule.json')
    args = parser.parse_args()
    rows = []
    for length in LENGTHS:
        worst, within = {}, True
        window = 0.12 * length + 2
        for name, schedule in (('ours_pi2', lambda t: ours(t, 2)), ('ours_pi5', lambda t: ours(t, 5)), ('earlier_pi5', earlier_schedule)):
            # The worst case over jobs ending in (length - window, length]: one that ends just after a look.
            late, polls = 0.0, 0
            for step in range(SWEEP):
                end = max(length - window * step / SWEEP, 1.0)
                seen, count = schedule(end)
                late, polls = max(late, seen - end), max(polls, count)
                if name == 'ours_pi2' and end >= 10:
                    within = within and seen - end <= max(2.0, 0.1 * end) + 1e-9
            worst[name] = (round(late, 2), polls)
        bound = max(2.0, 0.1 * length)
        rows.append({'job_seconds': length, 'bound_seconds': bound,
                     'late_seconds': worst['ours_pi2'][0], 'requests': worst['ours_pi2'][1], 'within_bound': within,
                     'late_seconds_pi5': worst['ours_pi5'][0], 'requests_pi5': worst['ours_pi5'][1],
                     'earlier_late_seconds': worst['earlier_pi5'][0], 'earlier_requests': worst['earlier_pi5'][1]})
    sim_support.write_results(args.output, 'wait_schedule', rows, [
        ('job up to (s)', 'job_seconds'), ('bound max(2 s, 10%) (s)', 'bound_seconds'), ('late, poll_interval 2 (s)', 'late_seconds'),
        ('requests', 'requests'), ('within', 'within_bound'), ('late, poll_interval 5 (s)', 'late_seconds_pi5'),
        ('requests', 'requests_pi5'), ('earlier loop: late (s)', 'earlier_late_seconds'), ('requests', 'earlier_requests')])
    return 0 if all(row['within_bound'] for row in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
