# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a drill's report.html in headless Chromium: keep a screenshot, and check the rendered page.

The rendered DOM must hold the timeline (one bar per phase of every item in report.json), one
table row per item, the drill's facts (id, who, where, versions), one evidence row per check of
every item, and, when report.json has a trend, an RPO and an RTO chart per item; the screenshot
is kept as a test artifact. The drill's junit.xml must validate
against the JUnit schema in tests/schemas/junit.xsd.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

import xmlschema

JUNIT_XSD = pathlib.Path(__file__).resolve().parent.parent / 'tests' / 'schemas' / 'junit.xsd'

CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync']


def chromium(args, profile):
    binary = shutil.which('chromium') or shutil.which('chromium-browser')
    if not binary:
        sys.exit('render_report: chromium is not installed (make installs Debian\'s chromium package)')
    command = [binary] + CHROMIUM_FLAGS + ['--user-data-dir=%s' % profile] + args
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


def _height(report):
    """Tall enough for the whole page: summary, timeline, table, trend charts and every item's evidence."""
    rows = sum(len(item['checks']) + 12 for item in report['items'])
    trend = 190 * ((report['total'] + 1) // 2) if report.get('trend') else 60
    return 700 + 40 * report['total'] + trend + 24 * rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('report_dir', type=pathlib.Path, help='a dr_drill report directory')
    parser.add_argument('--png', type=pathlib.Path, required=True)
    parser.add_argument('--min-trend-drills', type=int, default=0,
                        help='fail unless report.json has a trend over at least this many drills (2: an earlier drill is in it)')
    args = parser.parse_args()
    page = (args.report_dir / 'report.html').resolve()
    report = json.loads((args.report_dir / 'report.json').read_text())
    args.png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='chromium-') as profile:
        dom = chromium(['--dump-dom', page.as_uri()], profile)
        chromium(['--screenshot=%s' % args.png.resolve(), '--window-size=1100,%d' % _height(report), page.as_uri()],
                 profile)
    phases = sum(len(item['phases']) for item in report['items'])
    problems = []
    if dom.count('<rect ') != phases:
        problems.append('the timeline has %d bars for %d phases' % (dom.count('<rect '), phases))
    if dom.count('<tr class=') != report['total']:
        problems.append('the table has %d item rows for %d items' % (dom.count('<tr class='), report['total']))
    checks = sum(len(item['checks']) for item in report['items'])
    if dom.count('<td class="check-') != checks:
        problems.append('the evidence has %d check rows for %d checks' % (dom.count('<td class="check-'), checks))
    if report.get('id') and report['id'] not in dom:
        problems.append('the page does not name the drill id %s' % report['id'])
    charts = 0
    trend_drills = len((report.get('trend') or {}).get('drills') or [])
    if trend_drills < args.min_trend_drills:
        problems.append('the trend holds %d drill(s), fewer than %d' % (trend_drills, args.min_trend_drills))
    if report.get('trend'):
        charts = dom.count(' trend"')
        if charts != 2 * report['total']:
            problems.append('the trend has %d charts for %d items (an RPO and an RTO chart each)' % (charts, report['total']))
    junit = xmlschema.XMLSchema(str(JUNIT_XSD))
    for error in junit.iter_errors(str(args.report_dir / 'junit.xml')):
        problems.append('junit.xml does not validate against %s: %s' % (JUNIT_XSD.name, error.reason))
    if not args.png.exists() or args.png.stat().st_size < 10000:
        problems.append('no usable screenshot at %s' % args.png)
    if problems:
        print('render_report: ' + '; '.join(problems))
        return 1
    drills = len((report.get('trend') or {}).get('drills') or [])
    print('render_report: %s rendered (%d items, %d timeline bars, %d check rows, %d trend charts over %d drills); screenshot %s '
          '(%d bytes); junit.xml valid against %s'
          % (page, report['total'], phases, checks, charts, drills, args.png, args.png.stat().st_size, JUNIT_XSD.name))
    return 0


if __name__ == '__main__':
    sys.exit(main())
