from __future__ import annotations

import json
import pathlib
import xml.etree.ElementTree as ET

import xmlschema

from ansible_collections.recoverops.restore.plugins.filter.drill_report import FilterModule

FILTERS = FilterModule().filters()
JUNIT_XSD = pathlib.Path(__file__).resolve().parents[3] / 'schemas' / 'junit.xsd'


def run(name, outcome='succeeded', finished='2026-11-22T10:00:40Z', rpo='24h', rto='5m', errors=(), job=True):
    started = '2026-11-22T10:00:00Z'
    return {
        'item': {'name': name, 'product': 'veeam_aws', 'rpo': rpo, 'rto': rto},
        'started_at': started,
        'restore_requested_at': '2026-11-22T10:00:02Z',
        'restore_point': {'id': 'p-' + name, 'created_at': '2026-11-22T02:00:00Z', 'resource_name': name, 'region': 'us-east-1'},
        'job': {'id': 'j-' + name, 'status': 'Succeeded' if outcome == 'succeeded' else 'Failed', 'outcome': outcome,
                'started_at': '2026-11-22T10:00:02Z', 'finished_at': finished, 'duration_seconds': 38.0,
                'msg': '' if outcome == 'succeeded' else 'Restore session j-%s ended Failed: boom' % name} if job else None,
        'phases': [{'name': 'find', 'start': started, 'end': '2026-11-22T10:00:02Z'},
                   {'name': 'restore', 'start': '2026-11-22T10:00:02Z', 'end': finished}],
        'errors': list(errors),
    }


def report(*runs):
    return FILTERS['dr_drill_summary'](list(runs), 'Drill', '2026-11-22T10:00:00Z', '2026-11-22T10:01:00Z')


def test_summary_counts_and_objectives():
    summary = report(run('orders'), run('customers', outcome='failed'))
    assert (summary['total'], summary['passed'], summary['failed'], summary['status']) == (2, 1, 1, 'failed')
    orders = summary['items'][0]
    assert orders['status'] == 'passed'
    assert orders['rpo'] == {'objective_seconds': 86400.0, 'achieved_seconds': 28802.0, 'met': True}
    assert orders['rto'] == {'objective_seconds': 300.0, 'achieved_seconds': 40.0, 'met': True, 'not_measured': None}
    assert summary['items'][1]['errors'] == ['Restore session j-customers ended Failed: boom']
    assert summary['duration_seconds'] == 60.0
    assert summary['longest_restore_seconds'] == 38.0
    json.dumps(summary)  # report.json must serialize


def test_missed_objectives_fail_the_item():
    summary = report(run('orders', rpo='1h', rto='10s'))
    item = summary['items'][0]
    assert item['status'] == 'failed'
    assert item['rpo']['met'] is False and item['rto']['met'] is False
    assert any(error.startswith('RPO not met') for error in item['errors'])
    assert any(error.startswith('RTO not met') for error in item['errors'])


def test_an_item_that_never_started_is_failed_with_its_reason():
    summary = report(run('orders'), run('ghost', job=False, errors=['no restore point for ghost']))
    ghost = summary['items'][1]
    assert ghost['status'] == 'failed' and ghost['job'] is None
    assert ghost['errors'] == ['no restore point for ghost']


def test_a_point_refused_for_its_age_reports_the_rpo_it_missed():
    # restore_latest found the point, then refused it: no restore was requested, the age counts until the refusal.
    stale = dict(run('stale', rpo='1h', job=False, errors=['the newest restore point p-stale ... no restore was started']),
                 finished_at='2026-11-22T10:00:03Z')
    del stale['restore_requested_at']
    item = report(stale)['items'][0]
    assert item['rpo'] == {'objective_seconds': 3600.0, 'achieved_seconds': 28803.0, 'met': False}
    assert item['status'] == 'failed'
    assert item['errors'] == ['the newest restore point p-stale ... no restore was started', 'RPO not met: 8.0 h achieved against 60.0 min']
    assert item['rto']['achieved_seconds'] is None and item['rto']['not_measured'] == 'nothing was restored'


def test_junit_has_one_testcase_per_item_and_a_failure_for_failed_ones():
    xml = FILTERS['dr_drill_junit'](report(run('orders'), run('customers & co', outcome='failed')))
    root = ET.fromstring(xml)
    suite = root.find('testsuite')
    assert root.tag == 'testsuites' and suite.get('tests') == '2' and suite.get('failures') == '1'
    cases = suite.findall('testcase')
    assert [case.get('name') for case in cases] == ['orders', 'customers & co']
    assert cases[0].find('failure') is None
    assert 'boom' in cases[1].find('failure').get('message')
    assert float(cases[0].get('time')) == 40.0


def test_junit_validates_against_the_junit_schema():
    schema = xmlschema.XMLSchema(str(JUNIT_XSD))
    xml = FILTERS['dr_drill_junit'](report(run('orders'), run('customers & co', outcome='failed')))
    assert [error.reason for error in schema.iter_errors(xml)] == []
    # The schema is strict enough to catch a broken report.
    assert not schema.is_valid(xml.replace('tests="2"', 'tests="two"', 1))


def test_markdown_and_html_show_every_item_and_phase():
    summary = report(run('orders'), run('customers', outcome='failed'))
    markdown = FILTERS['dr_drill_markdown'](summary)
    assert markdown.count('| veeam_aws |') == 2 and '## Failures' in markdown and '**customers**' in markdown
    page = FILTERS['dr_drill_html'](summary)
    assert page.startswith('<!DOCTYPE html>')
    assert page.count('<rect ') == 4  # two phases for each of the two items
    assert '<svg' in page and 'FAILED' in page
    ET.fromstring(page[page.index('<svg'):page.index('</svg>') + len('</svg>')])  # the timeline is well-formed SVG


def test_a_rerun_that_reused_an_earlier_restore_is_marked_and_has_no_rto():
    reused = run('orders')
    reused['started_at'] = '2026-11-22T11:00:00Z'  # the drill ran again an hour later and found the restore done
    reused['job']['reused'] = True
    item = report(reused)['items'][0]
    assert item['reused'] and item['rto']['achieved_seconds'] is None
    assert item['rto']['not_measured'] == 'reused restore j-orders of an earlier run'
    assert item['restore_seconds'] is None
    assert [phase['name'] for phase in item['phases']] == ['find']
    summary = report(reused)
    assert 'reused j-orders of an earlier run' in FILTERS['dr_drill_markdown'](summary)
    assert 'not measured (reused restore j-orders' in FILTERS['dr_drill_html'](summary)
    assert 'reused j-orders' in FILTERS['dr_drill_junit'](summary)


def test_phases_come_from_real_times_in_order_and_never_negative():
    drill = run('orders')
    drill['finished_at'] = '2026-11-22T10:01:00Z'
    # The product's clock runs 5 s behind ours: its job "started" before we asked for it.
    drill['job'].update(started_at='2026-11-22T09:59:57Z', finished_at='2026-11-22T10:00:40Z')
    drill['phases'] = [{'name': 'find', 'start': '2026-11-22T10:00:00Z', 'end': '2026-11-22T10:00:02Z'},
                       {'name': 'verify', 'start': '2026-11-22T10:00:41Z', 'end': '2026-11-22T10:00:50Z'},
                       {'name': 'cleanup', 'start': '2026-11-22T10:00:50Z', 'end': '2026-11-22T10:00:55Z'}]
    item = report(drill)['items'][0]
    names = [phase['name'] for phase in item['phases']]
    assert names == ['find', 'restore', 'verify', 'cleanup']
    restore = item['phases'][1]
    assert (restore['start'], restore['end']) == ('2026-11-22T10:00:02Z', '2026-11-22T10:00:40Z')
    assert item['clock_skew_seconds'] == 5.0
    for earlier, later in zip(item['phases'], item['phases'][1:]):
        assert earlier['start'] <= earlier['end'] <= later['start'] <= later['end']
    # RTO runs from the item's start to its verified end (the verify phase), not to the restore's end.
    assert item['rto']['achieved_seconds'] == 50.0
    page = FILTERS['dr_drill_html'](report(drill))
    assert page.count('<rect ') == 4


def test_a_failed_restore_has_no_rto_and_says_why():
    item = report(run('orders', outcome='failed'))['items'][0]
    assert item['rto']['achieved_seconds'] is None and item['rto']['met'] is None
    assert item['status'] == 'failed'


def test_a_skipped_check_neither_fails_nor_passes_the_item_silently():
    drill = run('orders')
    drill['checks'] = [{'name': 'exists', 'passed': True, 'msg': 'table exists'},
                       {'name': 'compare_with_source', 'passed': False, 'skipped': True,
                        'msg': 'not compared: the source table orders is not reachable'}]
    item = report(drill)['items'][0]
    assert item['status'] == 'passed' and item['errors'] == []
    assert [check['name'] for check in item['checks'] if check.get('skipped')] == ['compare_with_source']
    drill['checks'][1]['skipped'] = False
    assert report(drill)['items'][0]['status'] == 'failed'
