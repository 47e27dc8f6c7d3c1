from __future__ import annotations

import html
import json
import pathlib
import re
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


# -- evidence: who, where, with what; every item's evidence in every format; the trend -------------
AWX_VARS = {'awx_user_name': 'alice', 'awx_job_id': 812, 'awx_job_template_name': 'Monthly DR drill', 'tower_job_id': 812}


def evidence_run():
    drill = run('orders')
    drill['item'].update(source={'table_name': 'orders', 'password': 'hunter22'}, target={'target_table_name': 'orders-dr'},
                         cleanup=True)
    drill['job']['created_resource'] = {'type': 'dynamodb_table', 'name': 'orders-dr', 'region': 'us-east-1'}
    drill['finished_at'] = '2026-11-22T10:00:50Z'
    drill['checks'] = [{'name': 'exists', 'passed': True, 'msg': 'table orders-dr exists'},
                       {'name': 'item_count', 'passed': True, 'expected': 1200, 'found': 1200, 'msg': 'table holds 1200 items'}]
    drill['cleaned_up'] = True
    return drill


def failing_run():
    drill = run('customers')
    drill['checks'] = [{'name': 'item_count', 'passed': False, 'expected': 500, 'found': 498, 'msg': 'table holds 498 items, the restore point 500'}]
    drill['job']['finished_at'] = None  # no RTO: the testcase time is the item's duration
    drill['finished_at'] = '2026-11-22T10:22:00Z'
    return drill


def evidence_report(*runs, history=None):
    context = FILTERS['dr_drill_context'](AWX_VARS, '0f8fad5b-d9cb-469f-a165-70867728950e')
    return FILTERS['dr_drill_summary'](list(runs) or [evidence_run(), failing_run()], 'Drill', '2026-11-22T10:00:00Z',
                                       '2026-11-22T10:23:00Z', context, history or {'location': '/var/drills'}, False)


def test_the_context_names_the_awx_user_job_and_template_else_the_local_user(monkeypatch):
    context = FILTERS['dr_drill_context'](AWX_VARS)
    assert context['run_by'] == {'user': 'alice', 'via': 'awx'}
    assert context['awx'] == {'user_name': 'alice', 'job_id': 812, 'job_template_name': 'Monthly DR drill'}
    assert len(context['id']) == 36 and context['id'] != FILTERS['dr_drill_context'](AWX_VARS)['id']
    assert context['versions']['ansible-core'] and context['versions']['recoverops.restore'] not in (None, '')
    assert context['controller_host']
    # A scheduled AWX job has no user: the schedule ran it.
    scheduled = FILTERS['dr_drill_context']({'tower_job_id': 9, 'awx_schedule_name': 'first Monday'})
    assert scheduled['run_by'] == {'user': 'schedule first Monday', 'via': 'awx'}
    monkeypatch.setenv('LOGNAME', 'bob')
    monkeypatch.setenv('USER', 'bob')
    local = FILTERS['dr_drill_context']({})
    assert local['run_by'] == {'user': 'bob', 'via': 'local'} and local['awx'] is None


def test_the_report_carries_the_drill_facts_and_each_items_evidence():
    summary = evidence_report()
    assert summary['id'] == '0f8fad5b-d9cb-469f-a165-70867728950e' and summary['run_by']['user'] == 'alice'
    assert summary['failed_items'] == ['customers']
    assert summary['history']['key'] == 'drill/2026-11-22T100000Z_0f8fad5b-d9cb-469f-a165-70867728950e.json'
    orders = summary['items'][0]
    assert orders['source'] == {'table_name': 'orders', 'password': '********'}  # a secret never reaches the report
    assert orders['cleanup_requested'] is True and orders['cleaned_up'] is True
    assert orders['checks'][1] == {'name': 'item_count', 'passed': True, 'skipped': False, 'expected': 1200, 'found': 1200,
                                   'msg': 'table holds 1200 items'}
    markdown, page = FILTERS['dr_drill_markdown'](summary), FILTERS['dr_drill_html'](summary)
    junit = FILTERS['dr_drill_junit'](summary)
    for text in (markdown, page, junit):
        for fact in ('0f8fad5b-d9cb-469f-a165-70867728950e', 'alice (awx)', '812, template Monthly DR drill', 'ansible-core',
                     'recoverops.restore', 'p-orders, taken 2026-11-22T02:00:00Z', 'j-orders (', 'dynamodb_table orders-dr us-east-1',
                     '/var/drills'):
            assert fact in html.unescape(text), (fact, text[:200])
        assert 'hunter22' not in text
        # Human units only: no raw seconds with a fraction anywhere in the text.
        assert not re.search(r'\d+\.\d{3}\s?s\b', html.unescape(text)), re.findall(r'\d+\.\d{3}\s?s\b', text)
    assert '- **cleanup**: done' in markdown and '- **cleanup**: not asked for' in markdown
    for text in (markdown, junit):
        assert 'passed (expected 1200, found 1200): table holds 1200 items' in text
        assert 'FAILED (expected 500, found 498): table holds 498 items, the restore point 500' in text
    # The HTML shows each check as a row: name, result, expected, found, detail.
    assert ('<td>item_count</td><td class="check-passed">passed</td><td>1200</td><td>1200</td><td>table holds 1200 items</td>'
            in page)
    assert '<td>item_count</td><td class="check-failed">FAILED</td><td>500</td><td>498</td>' in page


def test_junit_time_properties_evidence_and_a_failure_naming_the_check():
    root = ET.fromstring(FILTERS['dr_drill_junit'](evidence_report()))
    suite = root.find('testsuite')
    facts = {prop.get('name'): prop.get('value') for prop in suite.find('properties')}
    assert facts['drill.drill_id'] == '0f8fad5b-d9cb-469f-a165-70867728950e' and facts['drill.run_by'] == 'alice (awx)'
    orders, customers = suite.findall('testcase')
    # orders: RTO measured (start to the verified end, 40 s); customers: not measured, so its duration (22 min).
    assert float(orders.get('time')) == 40.0 and float(customers.get('time')) == 1320.0
    checks = {prop.get('name'): prop.get('value') for prop in orders.find('properties')}
    assert checks['check.item_count'] == 'passed (expected 1200, found 1200): table holds 1200 items'
    assert checks['time'] == 'RTO' and checks['job.id'] == 'j-orders' and checks['cleanup'] == 'done'
    assert 'check item_count: passed' in orders.find('system-out').text  # a passed testcase carries its evidence too
    failure = customers.find('failure')
    assert failure.get('message').startswith('failed checks: item_count; ')
    schema = xmlschema.XMLSchema(str(JUNIT_XSD))
    xml = FILTERS['dr_drill_junit'](evidence_report())
    assert [error.reason for error in schema.iter_errors(xml)] == []
    # The schema keeps a testcase's order: properties first, then failure, then system-out.
    moved = re.sub(r'(<properties>.*?</properties>)\s*(<system-out>.*?</system-out>)', r'\2\1', xml, count=1, flags=re.S)
    assert moved != xml and not schema.is_valid(moved)


def history_entry(started, rto, status='passed', rpo=28802.0):
    return {'key': 'drill/%s_x.json' % started, 'id': 'id-' + started, 'started_at': started, 'status': status, 'passed': 1,
            'total': 2, 'items': [{'name': 'orders', 'status': status, 'rpo_seconds': rpo, 'rto_seconds': rto},
                                  {'name': 'customers', 'status': 'passed', 'rpo_seconds': rpo, 'rto_seconds': 30.0}]}


def test_the_trend_shows_earlier_drills_pass_rate_and_flags_regressions():
    history = [history_entry('2026-09-22T10:00:00Z', 20.0, 'failed'), history_entry('2026-10-22T10:00:00Z', 30.0)]
    summary = FILTERS['dr_drill_trend'](evidence_report(), history, 10, 20)
    trend = summary['trend']
    assert [drill['id'] for drill in trend['drills']] == ['id-2026-09-22T10:00:00Z', 'id-2026-10-22T10:00:00Z', summary['id']]
    assert trend['pass_rate'] == 0.333  # one failed drill before, this one failed (customers)
    orders = trend['items'][0]
    assert [point['rto_seconds'] for point in orders['points']] == [20.0, 30.0, 40.0]
    assert orders['pass_rate'] == 0.667
    assert orders['regressions'] == ["RTO 40 s is 33% worse than the previous drill's 30 s (more than 20%)"]
    assert FILTERS['dr_drill_trend'](evidence_report(), history, 10, 50)['trend']['items'][0]['regressions'] == []
    # Only the last N drills, this one included.
    assert len(FILTERS['dr_drill_trend'](evidence_report(), history, 2, 20)['trend']['drills']) == 2
    markdown = FILTERS['dr_drill_markdown'](summary)
    assert '## Trend (last 3 drills, pass rate 33%)' in markdown
    assert '| orders | FAILED RPO 8.0 h, RTO 20 s | passed RPO 8.0 h, RTO 30 s | passed RPO 8.0 h, RTO 40 s | 67% |' in markdown
    page = FILTERS['dr_drill_html'](summary)
    assert page.count('<polyline ') == 4  # an RPO and an RTO chart for each of the two items
    assert page.count('<rect ') == sum(len(item['phases']) for item in summary['items'])  # charts add no timeline bars
    assert 'class="regression"' in page and '33% worse' in page
    for chart in re.findall(r'<svg.*?</svg>', page, flags=re.S):
        ET.fromstring(chart)


def test_a_report_without_history_says_so():
    page = FILTERS['dr_drill_html'](evidence_report())
    assert 'No history' in page and '## Trend' not in FILTERS['dr_drill_markdown'](evidence_report())


def test_a_broken_history_chain_is_shown_in_every_format():
    history = {'location': '/var/drills', 'previous': {'key': 'drill/2026-10-22T100000Z_x.json', 'sha256': 'ab' * 32},
               'chain': {'verified': False, 'problems': ['report drill/2026-09-22T100000Z_y.json is missing: ...']}}
    summary = evidence_report(history=history)
    assert summary['history']['previous'] == {'key': 'drill/2026-10-22T100000Z_x.json', 'sha256': 'ab' * 32}
    for text in (FILTERS['dr_drill_markdown'](summary), FILTERS['dr_drill_html'](summary), FILTERS['dr_drill_junit'](summary)):
        assert 'BROKEN: report drill/2026-09-22T100000Z_y.json is missing' in text
        assert 'drill/2026-10-22T100000Z_x.json, SHA-256 ' + 'ab' * 32 in text
