# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DR drill report: one summary dict, rendered as JUnit XML, Markdown and HTML with an SVG timeline."""

from __future__ import annotations

import html
from xml.sax.saxutils import escape, quoteattr

from ansible.errors import AnsibleFilterError

from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_duration, parse_timestamp

JOB_FIELDS = ('id', 'product', 'state', 'outcome', 'reused', 'started_at', 'finished_at', 'finished_at_observed', 'duration_seconds',
              'created_resource', 'changed')
PHASE_COLOURS = {'find': '#6b7280', 'restore': '#2563eb', 'verify': '#7c3aed', 'cleanup': '#d97706'}


def _seconds_between(start, end):
    if not start or not end:
        return None
    return round((parse_timestamp(end) - parse_timestamp(start)).total_seconds(), 3)


def _objective(achieved, objective):
    seconds = parse_duration(objective) if objective not in (None, '') else None
    met = None if seconds is None or achieved is None else achieved <= seconds
    return {'objective_seconds': seconds, 'achieved_seconds': achieved, 'met': met}


def dr_drill_summary(runs, name='DR drill', started_at=None, finished_at=None):
    """The report dict from the drill's per-item runs (see roles/dr_drill)."""
    try:
        items = [_summarize_item(run) for run in runs or []]
    except (KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError('dr_drill_summary: %s' % exc) from exc
    failed = [item for item in items if item['status'] != 'passed']
    return {
        'name': name, 'started_at': started_at, 'finished_at': finished_at,
        'duration_seconds': _seconds_between(started_at, finished_at),
        'total': len(items), 'passed': len(items) - len(failed), 'failed': len(failed),
        'status': 'passed' if items and not failed else 'failed',
        'longest_restore_seconds': max([item['restore_seconds'] or 0 for item in items] or [0]),
        'items': items,
    }


def _summarize_item(run):
    item, job = run['item'], run.get('job') or {}
    point = run.get('restore_point') or {}
    errors = [error for error in run.get('errors') or [] if error]
    reused = bool(job.get('reused'))
    phases, skew = _phases(run, job)
    verified_end = next((phase['end'] for phase in reversed(phases) if phase['name'] in ('verify', 'restore')), None)
    # RPO: the point's age when its restore started (or when it was refused); only when a point was found.
    rpo_at = job.get('started_at') or run.get('restore_requested_at') or run.get('finished_at')
    rpo = _objective(_seconds_between(point.get('created_at'), rpo_at) if point else None, item.get('rpo'))
    # RTO: item start -> verified end, measured only for a restore this drill started and saw end.
    measured = bool(job) and not reused and job.get('outcome') in ('succeeded', 'warning') and verified_end
    rto = _objective(_seconds_between(run.get('started_at'), verified_end) if measured else None, item.get('rto'))
    rto['not_measured'] = None if measured else ('reused restore %s of an earlier run' % job.get('id') if reused
                                                 else 'nothing was restored')
    if job and job.get('outcome') not in ('succeeded', 'warning'):
        errors.append(job.get('msg') or 'restore %s ended %s' % (job.get('id'), job.get('state') or job.get('status')))
    for objective, label in ((rpo, 'RPO'), (rto, 'RTO')):
        if objective['met'] is False:
            errors.append('%s not met: %s achieved against %s' % (label, _fmt(objective['achieved_seconds']),
                                                                  _fmt(objective['objective_seconds'])))
    # A check that could not run here (say, no source table to compare with) is shown as skipped, not passed.
    errors += [check['msg'] for check in run.get('checks') or [] if not check.get('passed') and not check.get('skipped')]
    return {
        'name': item['name'], 'product': item.get('product'), 'status': 'failed' if errors else 'passed',
        'restore_point': {key: point.get(key) for key in ('id', 'created_at', 'resource_name', 'region')} if point else None,
        'job': {key: job.get(key) for key in JOB_FIELDS} if job else None,
        'reused': reused,
        'restore_seconds': job.get('duration_seconds') if job and not reused else None,
        'rpo': rpo, 'rto': rto,
        'checks': run.get('checks') or [],
        'cleaned_up': run.get('cleaned_up', False),
        'phases': phases,
        'clock_skew_seconds': skew,
        'errors': errors,
    }


def _phases(run, job):
    """find, restore, verify, cleanup from real times, in order and none negative.

    The restore phase is the product's own job start and end; a product time outside the item's
    span (clocks differ) is clamped to it and the largest shift reported as the skew.
    """
    start, end = run.get('started_at'), run.get('finished_at')
    recorded = {phase['name']: phase for phase in run.get('phases') or [] if phase.get('start') and phase.get('end')}
    phases, skew = [], 0.0
    if 'find' in recorded:
        phases.append(dict(recorded['find']))
    if job and not job.get('reused') and job.get('started_at') and job.get('finished_at'):
        floor = run.get('restore_requested_at') or start
        restore = {'name': 'restore', 'start': job['started_at'], 'end': job['finished_at'],
                   'observed': bool(job.get('finished_at_observed'))}
        for key in ('start', 'end'):
            clamped = _clamp(restore[key], floor, end)
            skew = max(skew, abs(_seconds_between(restore[key], clamped) or 0))
            restore[key] = clamped
        phases.append(restore)
    for name in ('verify', 'cleanup'):
        if name in recorded:
            phases.append(dict(recorded[name]))
    for earlier, later in zip(phases, phases[1:]):
        if parse_timestamp(later['start']) < parse_timestamp(earlier['end']):
            later['start'] = earlier['end']
        if parse_timestamp(later['end']) < parse_timestamp(later['start']):
            later['end'] = later['start']
    return phases, round(skew, 3)


def _clamp(moment, low, high):
    if low and parse_timestamp(moment) < parse_timestamp(low):
        return low
    if high and parse_timestamp(moment) > parse_timestamp(high):
        return high
    return moment


def dr_drill_junit(report):
    """JUnit XML: one testsuite, one testcase per item, a <failure> with the reasons for a failed item."""
    cases = []
    for item in report['items']:
        seconds = item['rto']['achieved_seconds']
        if seconds is None:
            seconds = _seconds_between(item['phases'][0]['start'], item['phases'][-1]['end']) if item['phases'] else 0
        body = '<system-out>%s</system-out>' % escape('restore: %s; RTO: %s' % (_restore_text(item), _rto_text(item)))
        if item['status'] != 'passed':
            text = '\n'.join(item['errors'])
            body = '<failure message=%s type="DrillFailure">%s</failure>' % (quoteattr(item['errors'][0]), escape(text)) + body
        cases.append('    <testcase classname=%s name=%s time="%.3f">%s</testcase>' % (
            quoteattr('dr_drill.%s' % (item['product'] or 'unknown')), quoteattr(item['name']), seconds or 0, body))
    return '\n'.join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name=%s tests="%d" failures="%d" errors="0" time="%.3f">' % (
            quoteattr(report['name']), report['total'], report['failed'], report['duration_seconds'] or 0),
        '  <testsuite name=%s tests="%d" failures="%d" errors="0" skipped="0" time="%.3f" timestamp=%s>' % (
            quoteattr(report['name']), report['total'], report['failed'], report['duration_seconds'] or 0,
            # JUnit readers (Ant, Jenkins) take a local date-time without fraction or zone.
            quoteattr((report['started_at'] or '1970-01-01T00:00:00')[:19])),
    ] + cases + ['  </testsuite>', '</testsuites>', ''])


def _fmt(seconds):
    if seconds is None:
        return '-'
    for unit, size in (('d', 86400), ('h', 3600), ('min', 60)):
        if seconds >= 2 * size:
            return '%.1f %s' % (seconds / size, unit)
    return '%.0f s' % seconds


def _restore_text(item):
    job = item['job'] or {}
    if item['reused']:
        return 'reused %s of an earlier run' % job.get('id')
    if not job:
        return 'not started'
    observed = ' (end observed)' if job.get('finished_at_observed') else ''
    return '%s, %s%s' % (job.get('id'), _fmt(item['restore_seconds']), observed)


def _rto_text(item):
    rto = item['rto']
    if rto.get('not_measured'):
        return 'not measured (%s) / %s' % (rto['not_measured'], _fmt(rto['objective_seconds']))
    return '%s / %s (%s)' % (_fmt(rto['achieved_seconds']), _fmt(rto['objective_seconds']), _met(rto))


def _met(objective):
    return {True: 'met', False: 'MISSED', None: '-'}[objective['met']]


def dr_drill_markdown(report):
    summary = '%s: %d of %d items passed, %s to %s (%s).' % (
        report['status'].upper(), report['passed'], report['total'], report['started_at'], report['finished_at'],
        _fmt(report['duration_seconds']))
    lines = ['# %s' % report['name'], '', summary, '',
             '| item | product | status | restore point | restore | RPO achieved / objective | RTO achieved / objective |',
             '|---|---|---|---|---|---|---|']
    for item in report['items']:
        point = item['restore_point'] or {}
        lines.append('| %s | %s | %s | %s | %s | %s / %s (%s) | %s |' % (
            item['name'], item['product'], item['status'], point.get('created_at') or '-', _restore_text(item),
            _fmt(item['rpo']['achieved_seconds']), _fmt(item['rpo']['objective_seconds']), _met(item['rpo']), _rto_text(item)))
    failures = [item for item in report['items'] if item['errors']]
    if failures:
        lines += ['', '## Failures', '']
        lines += ['- **%s**: %s' % (item['name'], '; '.join(item['errors'])) for item in failures]
    return '\n'.join(lines) + '\n'


def _timeline_svg(report):
    """One row per item, one bar per phase, on a common time axis from the drill's start."""
    start = report['started_at']
    total = max(report['duration_seconds'] or 0, 1)
    row, label_w, width = 28, 220, 980
    scale = (width - label_w - 20) / total
    height = row * len(report['items']) + 50
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img" aria-label="Drill timeline">' % (width, height)]
    for tick in range(0, 6):
        x = label_w + tick * (width - label_w - 20) / 5
        parts.append('<line x1="%.1f" y1="10" x2="%.1f" y2="%d" stroke="#e5e7eb"/>' % (x, x, height - 25))
        parts.append('<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="#374151">%s</text>' % (
            x, height - 10, _fmt(total * tick / 5)))
    for index, item in enumerate(report['items']):
        y = 14 + index * row
        colour = '#16a34a' if item['status'] == 'passed' else '#dc2626'
        parts.append('<text x="4" y="%d" font-size="13" fill="%s">%s</text>' % (y + 14, colour, html.escape(item['name'][:30])))
        for phase in item['phases']:
            offset = _seconds_between(start, phase['start']) or 0
            length = max(_seconds_between(phase['start'], phase['end']) or 0, 0.2)
            parts.append('<rect x="%.1f" y="%d" width="%.1f" height="18" rx="3" fill="%s"><title>%s %s: %s</title></rect>' % (
                label_w + offset * scale, y, max(length * scale, 2), PHASE_COLOURS.get(phase['name'], '#9ca3af'),
                html.escape(item['name']), phase['name'], _fmt(length)))
    parts.append('</svg>')
    return '\n'.join(parts)


def dr_drill_html(report):
    rows = []
    for item in report['items']:
        point = item['restore_point'] or {}
        rows.append('<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s / %s %s</td><td>%s</td><td>%s</td></tr>' % (
            item['status'], html.escape(item['name']), html.escape(str(item['product'])), item['status'],
            html.escape(str(point.get('created_at') or '-')), html.escape(_restore_text(item)),
            _fmt(item['rpo']['achieved_seconds']), _fmt(item['rpo']['objective_seconds']), _met(item['rpo']),
            html.escape(_rto_text(item)), html.escape('; '.join(item['errors'])) or '-'))
    legend = ' '.join('<span style="color:%s">&#9632; %s</span>' % (colour, name) for name, colour in PHASE_COLOURS.items())
    return """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%(name)s</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#111827}
table{border-collapse:collapse;margin-top:16px}td,th{border:1px solid #d1d5db;padding:4px 8px;font-size:13px;text-align:left}
tr.failed td{background:#fef2f2}tr.passed td:nth-child(3){color:#16a34a}tr.failed td:nth-child(3){color:#dc2626;font-weight:bold}
.status-passed{color:#16a34a}.status-failed{color:#dc2626}
</style></head><body>
<h1>%(name)s</h1>
<p class="status-%(status)s"><strong>%(status_upper)s</strong>: %(passed)d of %(total)d items passed; %(started)s to %(finished)s (%(duration)s).</p>
<h2>Timeline</h2><p>%(legend)s</p>
%(svg)s
<h2>Items</h2>
<table><tr><th>item</th><th>product</th><th>status</th><th>restore point</th><th>restore</th><th>RPO achieved / objective</th>
<th>RTO achieved / objective</th><th>errors</th></tr>
%(rows)s
</table></body></html>
""" % {'name': html.escape(report['name']), 'status': report['status'], 'status_upper': report['status'].upper(),
       'passed': report['passed'], 'total': report['total'], 'started': report['started_at'], 'finished': report['finished_at'],
       'duration': _fmt(report['duration_seconds']), 'legend': legend, 'svg': _timeline_svg(report), 'rows': '\n'.join(rows)}


class FilterModule:
    def filters(self):
        return {
            'dr_drill_summary': dr_drill_summary,
            'dr_drill_junit': dr_drill_junit,
            'dr_drill_markdown': dr_drill_markdown,
            'dr_drill_html': dr_drill_html,
        }
