# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DR drill report: one summary dict, rendered as JUnit XML, Markdown and HTML with an SVG timeline."""

from __future__ import annotations

import getpass
import html
import json
import os
import pathlib
import re
import socket
import uuid
from xml.sax import saxutils

from ansible.errors import AnsibleFilterError
from ansible.release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._history import check_store, report_key
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import human_duration, parse_duration, parse_timestamp

JOB_FIELDS = ('id', 'product', 'state', 'outcome', 'reused', 'started_at', 'finished_at', 'finished_at_observed', 'duration_seconds',
              'created_resource', 'changed')
# A key whose value the report (and dr_drill_run's records) never show: the whole value, whatever its type.
SECRET_KEY_RE = re.compile(r'password|secret|token|api_key|access_key', re.IGNORECASE)
AWX_FIELDS = ('user_name', 'job_id', 'job_template_name', 'job_launch_type', 'schedule_name', 'workflow_job_id')
# What dr_drill_history_s3 may hold: the store's own keys and the amazon.aws connection options.
HISTORY_S3_KEYS = ('bucket', 'prefix', 'object_lock')
HISTORY_AWS_OPTIONS = ('region', 'endpoint_url', 'profile', 'access_key', 'secret_key', 'session_token', 'aws_ca_bundle',
                       'validate_certs')
# Characters XML 1.0 cannot hold at all, not even as character references (a product error may carry ESC or NUL).
XML_INVALID_RE = re.compile(r'[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')
PHASE_COLOURS = {'find': '#6b7280', 'restore': '#2563eb', 'verify': '#7c3aed', 'cleanup': '#d97706'}


def _seconds_between(start, end):
    if not start or not end:
        return None
    return round((parse_timestamp(end) - parse_timestamp(start)).total_seconds(), 3)


def _objective(achieved, objective):
    seconds = parse_duration(objective) if objective not in (None, '') else None
    met = None if seconds is None or achieved is None else achieved <= seconds
    return {'objective_seconds': seconds, 'achieved_seconds': achieved, 'met': met}


def _collection_version():
    """The running collection's version: MANIFEST.json when installed, galaxy.yml in a checkout."""
    root = pathlib.Path(__file__).resolve().parents[2]
    try:
        return json.loads((root / 'MANIFEST.json').read_text())['collection_info']['version']
    except (OSError, ValueError, KeyError):
        pass
    try:
        match = re.search(r'^version:\s*["\']?([^"\'\s]+)', (root / 'galaxy.yml').read_text(), re.MULTILINE)
    except OSError:
        match = None
    return match.group(1) if match else None


def _local_user():
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        return 'uid %d' % os.getuid()


def dr_drill_context(awx_vars=None, drill_id=None):
    """Who, where and with what: the AWX variables when AWX runs the job, else the local user."""
    awx_vars = awx_vars or {}
    awx = {field: awx_vars.get('awx_' + field) or awx_vars.get('tower_' + field) for field in AWX_FIELDS}
    under_awx = any(awx[field] not in (None, '') for field in ('job_id', 'user_name'))
    if under_awx:
        # A scheduled job has no launching user: the schedule is who ran it.
        who = awx['user_name'] or ('schedule %s' % awx['schedule_name'] if awx['schedule_name'] else 'AWX (no user)')
    else:
        who = _local_user()
    return {
        'id': drill_id or str(uuid.uuid4()),
        'run_by': {'user': str(who), 'via': 'awx' if under_awx else 'local'},
        'awx': {field: value for field, value in awx.items() if value not in (None, '')} if under_awx else None,
        'controller_host': socket.getfqdn() or socket.gethostname(),
        'versions': {'recoverops.restore': _collection_version(), 'ansible-core': ANSIBLE_CORE_VERSION},
    }


def dr_drill_history_store(s3=None, directory=None):
    """The history store's module options from dr_drill_history_s3 and dr_drill_history_dir, {} for none.

    Checked as the history modules check them, so that a bad setting fails the drill before anything
    starts, naming the option and what it accepts; only the options given are passed on (an omitted
    one would hide its module_defaults value).
    """
    s3 = s3 if s3 not in (None, '') else {}
    if not isinstance(s3, dict):
        raise AnsibleFilterError('dr_drill_history_s3 must be a dictionary (bucket, prefix, object_lock and AWS connection '
                                 'options), got %s' % type(s3).__name__)
    if directory not in (None, '') and not isinstance(directory, str):
        raise AnsibleFilterError('dr_drill_history_dir must be a path, got %s' % type(directory).__name__)
    if not s3:
        return {'directory': directory} if directory else {}
    allowed = HISTORY_S3_KEYS + HISTORY_AWS_OPTIONS
    unknown = sorted(str(key) for key in s3 if key not in allowed)
    if unknown:
        raise AnsibleFilterError('dr_drill_history_s3: unknown option(s) %s; accepted: %s' % (', '.join(unknown), ', '.join(allowed)))
    lock = s3.get('object_lock')
    problems = []
    if lock not in (None, {}):
        if not isinstance(lock, dict):
            problems.append('object_lock must be a dictionary with mode and days, got %r' % (lock,))
        else:
            unknown = sorted(str(key) for key in lock if key not in ('mode', 'days'))
            if unknown:
                problems.append('object_lock: unknown option(s) %s; accepted: mode, days' % ', '.join(unknown))
            # The history modules take the mode as written in their choices: lower case.
            if lock.get('mode') not in ('governance', 'compliance'):
                problems.append('object_lock.mode must be one of governance, compliance (lower case), got %r' % (lock.get('mode'),))
    if not isinstance(s3.get('prefix', ''), str):
        problems.append('prefix must be a string, got %r' % (s3.get('prefix'),))
    if not problems:
        try:
            check_store({'s3': s3})
        except OptionError as exc:
            problems.append(exc.msg.replace('s3.', '', 1))
    if problems:
        raise AnsibleFilterError('dr_drill_history_s3: %s' % '; '.join(problems))
    options = {'s3': {key: s3[key] for key in HISTORY_S3_KEYS if key in s3 and s3[key] is not None}}
    options.update({key: s3[key] for key in HISTORY_AWS_OPTIONS if key in s3 and s3[key] is not None})
    return options


def dr_drill_summary(runs, name='DR drill', started_at=None, finished_at=None, context=None, history=None, cleanup_default=None):
    """The report dict from the drill's per-item runs (see roles/dr_drill).

    context: from dr_drill_context (drill id, who, where, versions); history: the store's location and
    the previous report of this drill ({key, sha256}) that this report links to.
    """
    context = context or dr_drill_context()
    try:
        items = [_summarize_item(run, cleanup_default) for run in runs or []]
    except (KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError('dr_drill_summary: %s' % exc) from exc
    failed = [item for item in items if item['status'] != 'passed']
    history = dict(history or {})
    previous = history.get('previous') or None
    duration = _seconds_between(started_at, finished_at)
    longest = max([item['restore_seconds'] or 0 for item in items] or [0])
    return {
        'id': context['id'], 'name': name, 'started_at': started_at, 'finished_at': finished_at,
        'run_by': context.get('run_by'), 'awx': context.get('awx'), 'controller_host': context.get('controller_host'),
        'versions': context.get('versions'),
        'duration_seconds': duration, 'duration': _fmt(duration),
        'total': len(items), 'passed': len(items) - len(failed), 'failed': len(failed),
        'status': 'passed' if items and not failed else 'failed',
        'longest_restore_seconds': longest, 'longest_restore': _fmt(longest),
        'failed_items': [item['name'] for item in failed],
        'history': {'location': history.get('location'), 'key': report_key(name, started_at, context['id']),
                    'previous': {'key': previous.get('key'), 'sha256': previous.get('sha256')} if previous else None,
                    'chain': history.get('chain'), 'error': history.get('error') or None},
        'items': items,
    }


def masked(value):
    """A source or target as the report shows it: the value of any secret-looking key masked, at any depth."""
    if isinstance(value, dict):
        return {key: '********' if SECRET_KEY_RE.search(str(key)) else masked(val) for key, val in value.items()}
    if isinstance(value, list):
        return [masked(val) for val in value]
    return value


def _truthy(value):
    return value.strip().lower() in ('true', 'yes', '1') if isinstance(value, str) else bool(value)


def _check(check):
    shown = {'name': check.get('name'), 'passed': _truthy(check.get('passed')), 'skipped': _truthy(check.get('skipped')),
             'msg': check.get('msg') or ''}
    for key in ('expected', 'found'):
        if key in check:
            shown[key] = check[key]
    return shown


def _summarize_item(run, cleanup_default=None):
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
    errors += [check['msg'] for check in run.get('checks') or [] if not _truthy(check.get('passed')) and not _truthy(check.get('skipped'))]
    cleanup = item.get('cleanup', cleanup_default)
    return {
        'name': item['name'], 'product': item.get('product'), 'status': 'failed' if errors else 'passed',
        'started_at': run.get('started_at'), 'finished_at': run.get('finished_at'),
        'duration_seconds': _seconds_between(run.get('started_at'), run.get('finished_at')),
        'source': masked(item.get('source')), 'target': masked(item.get('target')),
        'point_in_time': item.get('point_in_time'),
        'restore_point': {key: point.get(key) for key in ('id', 'created_at', 'resource_name', 'region')} if point else None,
        'job': {key: job.get(key) for key in JOB_FIELDS} if job else None,
        'reused': reused,
        'restore_seconds': _restore_seconds(run, job, phases) if job and not reused else None,
        'rpo': rpo, 'rto': rto,
        'checks': [_check(check) for check in run.get('checks') or []],
        'cleanup_requested': None if cleanup is None else bool(cleanup),
        'cleaned_up': _truthy(run.get('cleaned_up', False)),
        'phases': phases,
        'clock_skew_seconds': skew,
        'errors': errors,
    }


def _restore_seconds(run, job, phases):
    """The restore phase's length: the product's job start and end clamped to the item's span.

    Without the product's times, its own duration, but never longer than the item itself.
    """
    restore = next((phase for phase in phases if phase['name'] == 'restore'), None)
    if restore:
        return _seconds_between(restore['start'], restore['end'])
    seconds = job.get('duration_seconds')
    span = _seconds_between(run.get('started_at'), run.get('finished_at'))
    if seconds is not None and span is not None:
        return min(seconds, span)
    return seconds


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


def _value(value):
    if value is None or value == '':
        return '-'
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _check_text(check):
    state = 'skipped' if check['skipped'] else 'passed' if check['passed'] else 'FAILED'
    figures = ''
    if check.get('expected') not in (None, '') or check.get('found') not in (None, ''):
        figures = ' (expected %s, found %s)' % (_value(check.get('expected')), _value(check.get('found')))
    return '%s%s: %s' % (state, figures, check['msg'])


def _cleanup_text(item):
    if item['cleaned_up']:
        return 'done'
    if item['cleanup_requested']:
        return 'asked for, NOT done'
    return 'not asked for' if item['cleanup_requested'] is False else 'not done'


def _point_text(item):
    point = item['restore_point']
    if not point:
        return 'none found'
    return '%s, taken %s' % (point.get('id'), point.get('created_at'))


def _target_text(item):
    created = (item['job'] or {}).get('created_resource') or {}
    if created:
        return ' '.join(_value(created.get(key)) for key in ('type', 'name', 'region') if created.get(key))
    return _value(item['target'])


def _evidence(item):
    """The item's evidence, one (label, text) per line: the same in JUnit, Markdown and HTML."""
    job = item['job'] or {}
    lines = [('source', _value(item['source'])), ('restore point', _point_text(item)),
             ('restore job', '%s (%s)' % (job.get('id'), job.get('state') or job.get('outcome')) if job else 'not started'),
             ('reused', 'yes, a restore of an earlier run' if item['reused'] else 'no'),
             ('target', _target_text(item)),
             ('RPO', _rpo_text(item)),
             ('RTO', _rto_text(item)), ('restore', _restore_text(item))]
    if item.get('clock_skew_seconds'):
        lines.append(('clock skew', "the product's job times lay up to %s outside the item's span (clocks differ): the "
                                    "restore phase is clamped to it" % _fmt_exact(item['clock_skew_seconds'])))
    lines += [('check %s' % check['name'], _check_text(check)) for check in item['checks']]
    lines.append(('cleanup', _cleanup_text(item)))
    lines += [('error', error) for error in item['errors']]
    return lines


def _drill_facts(report):
    run_by = report.get('run_by') or {}
    awx = report.get('awx') or {}
    versions = report.get('versions') or {}
    history = report.get('history') or {}
    previous = history.get('previous') or {}
    facts = [('drill id', report.get('id')), ('name', report['name']), ('started', report['started_at']),
             ('finished', report['finished_at']), ('duration', _fmt(report['duration_seconds'])),
             ('run by', '%s (%s)' % (run_by.get('user'), run_by.get('via')) if run_by else None)]
    if awx:
        facts += [('AWX job', '%s, template %s' % (awx.get('job_id'), awx.get('job_template_name')))]
    facts += [('controller host', report.get('controller_host')),
              ('versions', ', '.join('%s %s' % (name, version) for name, version in sorted(versions.items()))),
              ('history', '%s (%s)' % (history.get('location'), history.get('key')) if history.get('location') else 'not kept'),
              ('previous report', '%s, SHA-256 %s' % (previous.get('key'), previous.get('sha256')) if previous else 'none')]
    chain = history.get('chain') or {}
    if history.get('error'):
        facts.append(('history error', history['error']))
    if chain.get('verified') is not None:
        facts.append(('history chain', 'verified' if chain['verified'] else 'BROKEN: ' + '; '.join(chain.get('problems') or [])))
    return [(label, _value(value)) for label, value in facts]


def _failure_message(item):
    failed = [check['name'] for check in item['checks'] if not check['passed'] and not check['skipped']]
    first = item['errors'][0] if item['errors'] else 'failed'
    return 'failed checks: %s; %s' % (', '.join(failed), first) if failed else first


def _xml_safe(text):
    """Text XML 1.0 can hold: a character it cannot (ESC, NUL, other C0 controls) shown as its code, e.g. \\x1b."""
    return XML_INVALID_RE.sub(lambda match: '\\x%02x' % ord(match.group()) if ord(match.group()) < 0x100
                              else '\\u%04x' % ord(match.group()), str(text))


def escape(text):
    return saxutils.escape(_xml_safe(text))


def quoteattr(text):
    return saxutils.quoteattr(_xml_safe(text))


def dr_drill_junit(report):
    """JUnit XML: one testsuite with the drill's facts as properties, one testcase per item.

    A testcase's time is the item's RTO where measured, else its duration; each check is a
    property; the evidence goes to system-out; a failed item's failure message names its failed checks.
    """
    def properties(pairs, indent):
        rows = ['%s  <property name=%s value=%s/>' % (indent, quoteattr(name), quoteattr(value)) for name, value in pairs]
        return ['%s<properties>' % indent] + rows + ['%s</properties>' % indent]

    cases = []
    for item in report['items']:
        seconds = item['rto']['achieved_seconds']
        if seconds is None:
            seconds = item.get('duration_seconds') or 0
        pairs = [('item.product', _value(item['product'])), ('item.status', item['status']),
                 ('restore_point.id', _value((item['restore_point'] or {}).get('id'))),
                 ('restore_point.created_at', _value((item['restore_point'] or {}).get('created_at'))),
                 ('job.id', _value((item['job'] or {}).get('id'))), ('reused', 'yes' if item['reused'] else 'no'),
                 ('target', _target_text(item)),
                 ('rpo', _rpo_text(item)), ('rto', _rto_text(item)),
                 ('time', 'RTO' if item['rto']['achieved_seconds'] is not None else 'item duration (RTO not measured)')]
        pairs += [('check.%s' % check['name'], _check_text(check)) for check in item['checks']]
        pairs.append(('cleanup', _cleanup_text(item)))
        body = properties(pairs, '      ')
        if item['status'] != 'passed':
            body.append('      <failure message=%s type="DrillFailure">%s</failure>' % (
                quoteattr(_failure_message(item)), escape('\n'.join(item['errors']))))
        body.append('      <system-out>%s</system-out>' % escape('\n'.join('%s: %s' % pair for pair in _evidence(item))))
        cases.append('    <testcase classname=%s name=%s time="%.3f">\n%s\n    </testcase>' % (
            quoteattr('dr_drill.%s' % (item['product'] or 'unknown')), quoteattr(item['name']), seconds or 0, '\n'.join(body)))
    suite_facts = [('drill.%s' % label.replace(' ', '_'), value) for label, value in _drill_facts(report)]
    return '\n'.join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name=%s tests="%d" failures="%d" errors="0" time="%.3f">' % (
            quoteattr(report['name']), report['total'], report['failed'], report['duration_seconds'] or 0),
        '  <testsuite name=%s tests="%d" failures="%d" errors="0" skipped="0" time="%.3f" timestamp=%s hostname=%s id=%s>' % (
            quoteattr(report['name']), report['total'], report['failed'], report['duration_seconds'] or 0,
            # JUnit readers (Ant, Jenkins) take a local date-time without fraction or zone.
            quoteattr((report['started_at'] or '1970-01-01T00:00:00')[:19]),
            quoteattr(_value(report.get('controller_host'))), quoteattr(_value(report.get('id')))),
    ] + properties(suite_facts, '    ') + cases + ['  </testsuite>', '</testsuites>', ''])


def _fmt_exact(seconds):
    return '%.1f s' % seconds if seconds < 120 else _fmt(seconds)


# The collection's one way to show a duration (module_utils, so modules and filters share it).
_fmt = human_duration


def _restore_text(item):
    job = item['job'] or {}
    if item['reused']:
        return 'reused %s of an earlier run' % job.get('id')
    if not job:
        return 'not started'
    observed = ' (end observed)' if job.get('finished_at_observed') else ''
    return '%s, %s%s' % (job.get('id'), _fmt(item['restore_seconds']), observed)


def _objective_text(objective, achieved):
    if objective['objective_seconds'] is None:
        return '%s / no objective' % achieved
    if objective.get('not_measured') or objective['met'] is None:
        return '%s / %s' % (achieved, _fmt(objective['objective_seconds']))
    return '%s / %s (%s)' % (achieved, _fmt(objective['objective_seconds']), _met(objective))


def _rpo_text(item):
    rpo = item['rpo']
    return _objective_text(rpo, _fmt(rpo['achieved_seconds']) if rpo['achieved_seconds'] is not None else 'not measured')


def _rto_text(item):
    rto = item['rto']
    if rto.get('not_measured'):
        return _objective_text(rto, 'not measured (%s)' % rto['not_measured'])
    return _objective_text(rto, _fmt(rto['achieved_seconds']))


def _met(objective):
    return {True: 'met', False: 'MISSED', None: '-'}[objective['met']]


def dr_drill_trend(report, history=None, last=10, regression_percent=20):
    """The report with `trend`: each item's RPO and RTO over the last drills of the history (this one last).

    history: the drill's stored reports, oldest first, as dr_drill_history_info returns them
    (drills[].reports). Regressions: an RTO over its objective, or worse than the previous measured
    RTO by more than regression_percent; an RPO over its objective.
    """
    try:
        last, percent = max(int(last), 1), float(regression_percent)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('dr_drill_trend: last and regression_percent must be numbers: %s' % exc) from exc
    own_key = (report.get('history') or {}).get('key')
    earlier = [record for record in history or [] if record.get('key') != own_key and record.get('id') != report.get('id')]
    earlier = sorted(earlier, key=lambda record: str(record.get('started_at')))[-(last - 1):] if last > 1 else []
    current = {'id': report.get('id'), 'key': own_key, 'started_at': report['started_at'], 'status': report['status'],
               'passed': report['passed'], 'total': report['total'], 'current': True,
               'items': [{'name': item['name'], 'status': item['status'], 'rpo_seconds': item['rpo']['achieved_seconds'],
                          'rto_seconds': item['rto']['achieved_seconds']} for item in report['items']]}
    drills = [dict(record, current=False) for record in earlier] + [current]
    items, regressions = [], []
    for item in report['items']:
        points = []
        for drill in drills:
            found = next((entry for entry in drill.get('items') or [] if entry.get('name') == item['name']), None)
            points.append({'drill_id': drill.get('id'), 'started_at': drill.get('started_at'),
                           'status': found.get('status') if found else None,
                           'rpo_seconds': found.get('rpo_seconds') if found else None,
                           'rto_seconds': found.get('rto_seconds') if found else None})
        ran = [point for point in points if point['status']]
        flags = _regressions(item, points, percent)
        regressions += ['%s: %s' % (item['name'], flag) for flag in flags]
        items.append({'name': item['name'], 'points': points, 'regressions': flags,
                      'rpo_objective_seconds': item['rpo']['objective_seconds'],
                      'rto_objective_seconds': item['rto']['objective_seconds'],
                      'pass_rate': round(sum(1 for point in ran if point['status'] == 'passed') / len(ran), 3) if ran else None})
    passed = sum(1 for drill in drills if drill.get('status') == 'passed')
    trend = {'drills': [{key: drill.get(key) for key in ('id', 'key', 'started_at', 'status', 'passed', 'total', 'current')}
                        for drill in drills],
             'pass_rate': round(passed / len(drills), 3), 'last': last, 'regression_percent': percent,
             'items': items, 'regressions': regressions}
    return dict(report, trend=trend)


def _regressions(item, points, percent):
    flags = []
    rto, rpo = item['rto'], item['rpo']
    if rto['met'] is False:
        flags.append('RTO %s over its objective %s' % (_fmt(rto['achieved_seconds']), _fmt(rto['objective_seconds'])))
    if rpo['met'] is False:
        flags.append('RPO %s over its objective %s' % (_fmt(rpo['achieved_seconds']), _fmt(rpo['objective_seconds'])))
    before = [point['rto_seconds'] for point in points[:-1] if point['rto_seconds'] is not None]
    now = rto['achieved_seconds']
    if now is not None and before and before[-1] > 0 and now > before[-1] * (1 + percent / 100.0):
        flags.append('RTO %s is %.0f%% worse than the previous drill\'s %s (more than %g%%)' % (
            _fmt(now), (now / before[-1] - 1) * 100, _fmt(before[-1]), percent))
    return flags


def _pct(rate):
    return '-' if rate is None else '%.0f%%' % (rate * 100)


def dr_drill_markdown(report):
    summary = '%s: %d of %d items passed, %s to %s (%s).' % (
        report['status'].upper(), report['passed'], report['total'], report['started_at'], report['finished_at'],
        _fmt(report['duration_seconds']))
    lines = ['# %s' % report['name'], '', summary, '', '| drill | |', '|---|---|']
    lines += ['| %s | %s |' % (label, _md(text)) for label, text in _drill_facts(report)]
    lines += ['', '| item | product | status | restore point | restore | RPO achieved / objective | RTO achieved / objective |',
              '|---|---|---|---|---|---|---|']
    for item in report['items']:
        point = item['restore_point'] or {}
        lines.append('| %s | %s | %s | %s | %s | %s | %s |' % (
            _md(item['name']), item['product'], item['status'], point.get('created_at') or '-', _md(_restore_text(item)),
            _md(_rpo_text(item)), _md(_rto_text(item))))
    lines += ['', '## Evidence']
    for item in report['items']:
        lines += ['', '### %s (%s)' % (item['name'], item['status'].upper()), '']
        lines += ['- **%s**: %s' % (label, _md(text)) for label, text in _evidence(item)]
    trend = report.get('trend')
    if trend:
        columns = ' | '.join(_day(drill['started_at']) + (' (this)' if drill['current'] else '') for drill in trend['drills'])
        lines += ['', '## Trend (last %d drills, pass rate %s)' % (len(trend['drills']), _pct(trend['pass_rate'])), '',
                  '| item | %s | pass rate | regressions |' % columns, '|---|' + '---|' * (len(trend['drills']) + 2)]
        for item in trend['items']:
            cells = ['%s RPO %s, RTO %s' % (_mark(point['status']), _fmt(point['rpo_seconds']),
                                            'not measured' if point['rto_seconds'] is None else _fmt(point['rto_seconds']))
                     if point['status'] else 'not in this drill' for point in item['points']]
            lines.append('| %s | %s | %s | %s |' % (_md(item['name']), ' | '.join(cells), _pct(item['pass_rate']),
                                                    _md('; '.join(item['regressions'])) or 'none'))
    failures = [item for item in report['items'] if item['errors']]
    if failures:
        lines += ['', '## Failures', '']
        lines += ['- **%s**: %s' % (item['name'], '; '.join(item['errors'])) for item in failures]
    return '\n'.join(lines) + '\n'


def _md(text):
    return str(text).replace('|', '\\|').replace('\n', ' ')


def _day(moment):
    return str(moment or '-')[:16].replace('T', ' ')


def _mark(status):
    return {'passed': 'passed', 'failed': 'FAILED'}.get(status, str(status))


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
        # The first and last tick labels stay inside the picture.
        parts.append('<text x="%.1f" y="%d" font-size="11" text-anchor="%s" fill="#374151">%s</text>' % (
            x, height - 10, 'end' if tick == 5 else 'middle', _fmt(total * tick / 5)))
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


def _chart_svg(item, metric, label):
    """A small line chart of one metric of one item over the trend's drills; the objective dashed."""
    # The plot runs from y=plot_top (the scale's top) down to height - bottom (zero); the title sits above it.
    width, height, left, bottom, plot_top = 310, 130, 62, 22, 26
    values = [point[metric + '_seconds'] for point in item['points']]
    objective = item[metric + '_objective_seconds']
    highest = max([value for value in values if value is not None] + [1])
    # An objective far above every value would flatten the line: then it is named, not drawn.
    drawn = bool(objective) and objective <= 3 * highest
    top = max(highest, objective if drawn else 0) * 1.15
    count = len(values)

    def x(index):
        return left + (width - left - 10) * (index / (count - 1) if count > 1 else 0.5)

    def y(value):
        return plot_top + (height - bottom - plot_top) * (1 - value / top)

    # Under the chart at most five dates (MM-DD; the first, the last and evenly between), so that
    # ten drills' labels do not overlap; every point's full time is in its tooltip.
    step = max(1, -(-(count - 1) // 4)) if count > 1 else 1
    labelled = set(range(0, count, step)) | {count - 1}
    if count > 1 and count - 1 - max(index for index in labelled if index != count - 1) < step / 2.0:
        labelled.discard(max(index for index in labelled if index != count - 1))

    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img" aria-label="%s %s trend">' % (
        width, height, html.escape(item['name']), label),
        '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#9ca3af"/>' % (left, height - bottom, width - 10, height - bottom),
        '<text x="4" y="14" font-size="11" fill="#374151">%s</text>' % label]
    # The scale: gridlines at its top and middle, each labelled on its own line (the label's middle on the line).
    for value in (top, top / 2):
        parts.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e5e7eb"/>'
                     '<text x="%d" y="%.1f" font-size="10" fill="#6b7280" text-anchor="end">%s</text>' % (
                         left, y(value), width - 10, y(value), left - 4, y(value) + 3.5, _fmt(value)))
    parts.append('<text x="%d" y="%.1f" font-size="10" fill="#6b7280" text-anchor="end">0</text>' % (left - 4, y(0) + 3.5))
    if objective and not drawn:
        parts.append('<text x="%d" y="14" font-size="10" fill="#dc2626" text-anchor="end">objective %s (above the scale)</text>' % (
            width - 10, _fmt(objective)))
    elif objective:
        parts.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dc2626" stroke-dasharray="4 3"/>'
                     '<text x="%d" y="%.1f" font-size="10" fill="#dc2626" text-anchor="end">objective %s</text>' % (
                         left, y(objective), width - 10, y(objective), width - 10, y(objective) - 3, _fmt(objective)))
    line = ['%.1f,%.1f' % (x(index), y(value)) for index, value in enumerate(values) if value is not None]
    if len(line) > 1:
        parts.append('<polyline fill="none" stroke="#2563eb" stroke-width="2" points="%s"/>' % ' '.join(line))
    for index, (point, value) in enumerate(zip(item['points'], values)):
        if index in labelled:
            anchor = 'start' if index == 0 and count > 1 else 'end' if index == count - 1 and count > 1 else 'middle'
            parts.append('<text x="%.1f" y="%d" font-size="9" fill="#6b7280" text-anchor="%s">%s</text>' % (
                x(index), height - 6, anchor, html.escape(str(point['started_at'] or '')[5:10])))
        if value is None:
            continue
        colour = '#16a34a' if point['status'] == 'passed' else '#dc2626'
        parts.append('<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s %s: %s (%s)</title></circle>' % (
            x(index), y(value), colour, html.escape(str(point['started_at'])), label, _fmt(value), point['status']))
    parts.append('</svg>')
    return ''.join(parts)


def _trend_html(trend):
    if not trend:
        return '<h2>Trend</h2><p>No history: this report is not compared with earlier drills.</p>'
    rows = []
    for item in trend['items']:
        flags = ''.join('<li class="regression">%s</li>' % html.escape(flag) for flag in item['regressions'])
        rows.append('<div class="trend-item"><h3>%s</h3><p>pass rate %s over %d drills</p>%s%s<ul>%s</ul></div>' % (
            html.escape(item['name']), _pct(item['pass_rate']), len(item['points']), _chart_svg(item, 'rpo', 'RPO'),
            _chart_svg(item, 'rto', 'RTO'), flags or '<li>no regression</li>'))
    drills = ', '.join('%s %s%s' % (html.escape(_day(drill['started_at'])), _mark(drill['status']),
                                    ' (this drill)' if drill['current'] else '') for drill in trend['drills'])
    return ('<h2>Trend</h2><p>Last %d drills of this name: %s. Pass rate %s; regressions: %s.</p>%s' % (
        len(trend['drills']), drills, _pct(trend['pass_rate']), len(trend['regressions']), ''.join(rows)))


def _pairs_table(pairs, css=''):
    return '<table class="%s">%s</table>' % (css, ''.join('<tr><th>%s</th><td>%s</td></tr>' % (
        html.escape(label), html.escape(text)) for label, text in pairs))


def _evidence_html(item):
    checks = ''.join('<tr><td>%s</td><td class="check-%s">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>' % (
        html.escape(str(check['name'])), 'skipped' if check['skipped'] else 'passed' if check['passed'] else 'failed',
        'skipped' if check['skipped'] else 'passed' if check['passed'] else 'FAILED',
        html.escape(_value(check.get('expected'))), html.escape(_value(check.get('found'))), html.escape(check['msg']))
        for check in item['checks'])
    facts = [pair for pair in _evidence(item) if not pair[0].startswith('check ')]
    return ('<div class="evidence"><h3 class="status-%s">%s: %s</h3>%s<table><tr><th>check</th><th>result</th><th>expected</th>'
            '<th>found</th><th>detail</th></tr>%s</table></div>' % (
                item['status'], html.escape(item['name']), item['status'].upper(), _pairs_table(facts, 'facts'),
                checks or '<tr><td colspan="5">no checks ran</td></tr>'))


def dr_drill_html(report):
    rows = []
    for item in report['items']:
        point = item['restore_point'] or {}
        rows.append('<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>' % (
            item['status'], html.escape(item['name']), html.escape(str(item['product'])), item['status'],
            html.escape(str(point.get('created_at') or '-')), html.escape(_restore_text(item)),
            html.escape(_rpo_text(item)), html.escape(_rto_text(item)), html.escape('; '.join(item['errors'])) or '-'))
    legend = ' '.join('<span style="color:%s">&#9632; %s</span>' % (colour, name) for name, colour in PHASE_COLOURS.items())
    return """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%(name)s</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#111827}
table{border-collapse:collapse;margin-top:12px}td,th{border:1px solid #d1d5db;padding:4px 8px;font-size:13px;text-align:left;vertical-align:top}
th{background:#f9fafb}
tr.failed td{background:#fef2f2}tr.passed td:nth-child(3){color:#16a34a}tr.failed td:nth-child(3){color:#dc2626;font-weight:bold}
.status-passed{color:#16a34a}.status-failed{color:#dc2626}.check-passed{color:#16a34a}.check-failed{color:#dc2626;font-weight:bold}
.check-skipped{color:#92400e}.facts th{width:130px}.evidence{margin-top:18px}.evidence td{overflow-wrap:anywhere;max-width:420px}
.trend-item{display:inline-block;vertical-align:top;margin:0 24px 12px 0}.trend-item svg{margin-right:8px}
.regression{color:#dc2626;font-weight:bold}h3{margin:8px 0 4px}
</style></head><body>
<h1>%(name)s</h1>
<p class="status-%(status)s"><strong>%(status_upper)s</strong>: %(passed)d of %(total)d items passed; %(started)s to %(finished)s (%(duration)s).</p>
%(facts)s
<h2>Timeline</h2><p>%(legend)s</p>
%(svg)s
<h2>Items</h2>
<table><tr><th>item</th><th>product</th><th>status</th><th>restore point</th><th>restore</th><th>RPO achieved / objective</th>
<th>RTO achieved / objective</th><th>errors</th></tr>
%(rows)s
</table>
%(trend)s
<h2>Evidence</h2>
%(evidence)s
</body></html>
""" % {'name': html.escape(report['name']), 'status': report['status'], 'status_upper': report['status'].upper(),
       'passed': report['passed'], 'total': report['total'], 'started': report['started_at'], 'finished': report['finished_at'],
       'duration': _fmt(report['duration_seconds']), 'legend': legend, 'svg': _timeline_svg(report), 'rows': '\n'.join(rows),
       'facts': _pairs_table(_drill_facts(report), 'facts'), 'trend': _trend_html(report.get('trend')),
       'evidence': '\n'.join(_evidence_html(item) for item in report['items'])}


class FilterModule:
    def filters(self):
        return {
            'dr_drill_summary': dr_drill_summary,
            'dr_drill_junit': dr_drill_junit,
            'dr_drill_markdown': dr_drill_markdown,
            'dr_drill_html': dr_drill_html,
            'dr_drill_context': dr_drill_context,
            'dr_drill_trend': dr_drill_trend,
            'dr_drill_history_store': dr_drill_history_store,
        }
