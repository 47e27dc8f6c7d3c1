"""Issue 18, second pass: XML-safe JUnit, clamped restore time, skew and objectives shown, the trend
chart's scale and dates, and the history settings checked before a drill starts."""
from __future__ import annotations

import pathlib
import re
import xml.etree.ElementTree as ET

import pytest
import xmlschema
from ansible.errors import AnsibleFilterError

from ansible_collections.recoverops.restore.plugins.filter.drill_report import FilterModule

FILTERS = FilterModule().filters()
JUNIT_XSD = pathlib.Path(__file__).resolve().parents[3] / 'schemas' / 'junit.xsd'


def run(name, rpo='24h', rto='10m', job=None, finished='2026-11-22T10:10:00Z', errors=()):
    started = '2026-11-22T10:00:00Z'
    job = job or {}
    return {
        'item': {'name': name, 'product': 'veeam_aws', 'rpo': rpo, 'rto': rto},
        'started_at': started, 'finished_at': finished, 'restore_requested_at': '2026-11-22T10:00:02Z',
        'restore_point': {'id': 'p-' + name, 'created_at': '2026-11-22T02:00:00Z', 'resource_name': name},
        'job': dict({'id': 'j-' + name, 'state': 'succeeded', 'outcome': 'succeeded', 'started_at': '2026-11-22T10:00:02Z',
                     'finished_at': '2026-11-22T10:05:00Z', 'duration_seconds': 298.0}, **job),
        'phases': [{'name': 'find', 'start': started, 'end': '2026-11-22T10:00:02Z'},
                   {'name': 'verify', 'start': '2026-11-22T10:05:00Z', 'end': '2026-11-22T10:06:00Z'}],
        'checks': [], 'errors': list(errors),
    }


def summary(*runs, history=None):
    return FILTERS['dr_drill_summary'](list(runs), 'Drill', '2026-11-22T10:00:00Z', '2026-11-22T10:10:00Z',
                                       {'id': 'drill-1', 'run_by': {'user': 'ops', 'via': 'local'}}, history)


def test_junit_stays_valid_xml_when_a_product_error_carries_control_characters():
    bad = 'Restore failed: \x1b[31mdisk full\x1b[0m\x00 at \x07 end \ufffe'
    failed = run('orders', job={'outcome': 'failed', 'state': 'failed', 'msg': bad}, errors=[bad])
    failed['checks'] = [{'name': 'rows\x01', 'passed': False, 'msg': 'found \x1b 0', 'expected': 10, 'found': '\x00'}]
    xml = FILTERS['dr_drill_junit'](summary(failed))
    root = ET.fromstring(xml.encode('utf-8'))  # an invalid character would raise ParseError here
    case = root.find('testsuite/testcase')
    assert '\\x1b[31mdisk full' in case.find('failure').text
    assert '\\x00' in case.find('system-out').text and '\\ufffe' in case.find('system-out').text
    assert [error.reason for error in xmlschema.XMLSchema(str(JUNIT_XSD)).iter_errors(xml)] == []


def test_the_restore_time_is_the_clamped_restore_phase_not_the_products_own_duration():
    # The product reports a 12.2 min restore; its clock runs ahead, so its job "ended" after our item did.
    drill = run('orders', job={'started_at': '2026-11-22T10:00:02Z', 'finished_at': '2026-11-22T10:12:14Z', 'duration_seconds': 732.0})
    drill['phases'] = drill['phases'][:1]
    report = summary(drill)
    item = report['items'][0]
    assert item['restore_seconds'] == 598.0  # 10:00:02 -> the item's end, 10:10:00
    assert item['restore_seconds'] <= item['duration_seconds']
    assert report['longest_restore_seconds'] == 598.0
    assert item['clock_skew_seconds'] == 134.0
    # Without the product's times, its duration, never longer than the item.
    no_times = run('orders', job={'started_at': None, 'finished_at': None, 'duration_seconds': 732.0})
    assert summary(no_times)['items'][0]['restore_seconds'] == 600.0


def test_the_clock_skew_is_shown_in_markdown_and_html_too():
    drill = run('orders', job={'finished_at': '2026-11-22T10:12:14Z'})
    report = summary(drill)
    for text in (FILTERS['dr_drill_markdown'](report), FILTERS['dr_drill_html'](report), FILTERS['dr_drill_junit'](report)):
        assert 'clock skew' in text and '2.2 min' in text
    # No skew, no line.
    assert 'clock skew' not in FILTERS['dr_drill_markdown'](summary(run('orders')))


def test_an_omitted_objective_says_no_objective():
    report = summary(run('orders', rpo=None, rto=None))
    for text in (FILTERS['dr_drill_markdown'](report), FILTERS['dr_drill_html'](report), FILTERS['dr_drill_junit'](report)):
        assert '- (-)' not in text
        assert '8.0 h / no objective' in text  # RPO
        assert '6.0 min / no objective' in text  # RTO: item start -> verified end
    not_measured = summary(run('orders', rto=None, job={'reused': True}))
    assert 'not measured (reused restore j-orders of an earlier run) / no objective' in FILTERS['dr_drill_markdown'](not_measured)


def history_entry(day, rto):
    started = '2026-%s-01T06:00:00Z' % day
    return {'key': 'drill/%s_x.json' % started, 'id': 'id-' + day, 'started_at': started, 'status': 'passed', 'passed': 1,
            'total': 1, 'items': [{'name': 'orders', 'status': 'passed', 'rpo_seconds': 28800.0, 'rto_seconds': rto}]}


def charts_of(report):
    page = FILTERS['dr_drill_html'](report)
    return [ET.fromstring(chart) for chart in re.findall(r'<svg xmlns[^>]*aria-label="orders R[PT]O trend".*?</svg>', page, flags=re.S)]


def test_ten_drills_label_at_most_five_dates_and_the_scale_top_sits_on_the_chart_top():
    history = [history_entry('%02d' % month, 20 * 3600.0 + month * 600) for month in range(1, 10)]
    report = FILTERS['dr_drill_trend'](summary(run('orders', rto='24h')), history, 10, 20)
    assert len(report['trend']['items'][0]['points']) == 10
    ns = '{http://www.w3.org/2000/svg}'
    rpo, rto = charts_of(report)
    for chart in (rpo, rto):
        height = float(chart.get('height'))
        dates = [text for text in chart.iter(ns + 'text') if float(text.get('y')) > height - 10]
        assert 2 <= len(dates) <= 5
        assert all(re.fullmatch(r'\d\d-\d\d', text.text) for text in dates)
        xs = sorted(float(text.get('x')) for text in dates)
        assert all(b - a >= 40 for a, b in zip(xs, xs[1:]))  # 9 px MM-DD labels, well apart
    # RTO: 24 h objective; the highest value (21.5 h) and the objective are under the scale's top label.
    lines = {round(float(line.get('y1')), 1): line for line in rto.iter(ns + 'line')}
    objective_y = next(float(line.get('y1')) for line in rto.iter(ns + 'line') if line.get('stroke-dasharray'))
    scale = [text for text in rto.iter(ns + 'text') if text.get('text-anchor') == 'end' and text.text.endswith(' h')]
    top_label = min(scale, key=lambda text: float(text.get('y')))
    top_y = float(top_label.get('y')) - 3.5
    assert round(top_y, 1) in lines  # the label is centred on its gridline
    assert top_y < objective_y  # the 24 h objective line is below the top of the scale
    top_value = float(top_label.text.split()[0])
    assert top_value >= 24.0
    for circle in rto.iter(ns + 'circle'):
        assert float(circle.get('cy')) >= top_y


def test_history_settings_name_the_option_and_accepted_values():
    store = FILTERS['dr_drill_history_store']
    assert store({}, '') == {}
    assert store(None, '/var/drills') == {'directory': '/var/drills'}
    assert store({'bucket': 'dr-evidence', 'prefix': 'drills', 'object_lock': {'mode': 'compliance', 'days': 30}, 'region': 'eu-west-1',
                  'access_key': None}, '/ignored') == {
        's3': {'bucket': 'dr-evidence', 'prefix': 'drills', 'object_lock': {'mode': 'compliance', 'days': 30}}, 'region': 'eu-west-1'}
    with pytest.raises(AnsibleFilterError, match=r'object_lock\.mode must be one of governance, compliance .*GOVERNANCE'):
        store({'bucket': 'dr-evidence', 'object_lock': {'mode': 'GOVERNANCE', 'days': 30}}, '')
    with pytest.raises(AnsibleFilterError, match=r'unknown option\(s\) bucket_name; accepted: bucket, prefix, object_lock, region'):
        store({'bucket_name': 'dr-evidence'}, '')
    with pytest.raises(AnsibleFilterError, match=r'object_lock: unknown option\(s\) retention; accepted: mode, days'):
        store({'bucket': 'dr-evidence', 'object_lock': {'mode': 'governance', 'days': 1, 'retention': 3}}, '')
    with pytest.raises(AnsibleFilterError, match=r'days must be a whole number'):
        store({'bucket': 'dr-evidence', 'object_lock': {'mode': 'governance', 'days': 0}}, '')
    with pytest.raises(AnsibleFilterError, match=r'bucket must be an S3 bucket name'):
        store({'bucket': 'DR_Evidence'}, '')
    with pytest.raises(AnsibleFilterError, match=r'dr_drill_history_s3 must be a dictionary'):
        store('s3://dr-evidence', '')


def test_a_history_error_is_shown_in_every_format():
    report = summary(run('orders'), history={'location': 's3://dr-evidence/drills/', 'error': 'S3 ListObjectVersions failed: AccessDenied'})
    assert report['history']['error'] == 'S3 ListObjectVersions failed: AccessDenied'
    for text in (FILTERS['dr_drill_markdown'](report), FILTERS['dr_drill_html'](report), FILTERS['dr_drill_junit'](report)):
        assert 'history error' in text.replace('history_error', 'history error') and 'AccessDenied' in text
