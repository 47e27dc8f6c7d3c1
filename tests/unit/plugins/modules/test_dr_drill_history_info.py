# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dr_drill_history (keep a report) and dr_drill_history_info (list, verify) run to their exit, local and S3 (moto)."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.recoverops.restore.plugins.modules import dr_drill_history, dr_drill_history_info

KEY1 = 'monthly/2026-10-01T100000Z_11111111-1111-4111-8111-111111111111.json'
KEY2 = 'monthly/2026-11-01T100000Z_22222222-2222-4222-8222-222222222222.json'


def report(key, started, previous=None):
    return json.dumps({'id': key.split('_')[1][:-5], 'name': 'Monthly', 'started_at': started, 'status': 'passed',
                       'history': {'key': key, 'previous': previous},
                       'items': [{'name': 'orders', 'status': 'passed', 'rpo': {'achieved_seconds': 60.0}, 'rto': {'achieved_seconds': 40.0}}]})


def two_drills(run_module, store):
    first = run_module(dr_drill_history, dict(store, key=KEY1, content=report(KEY1, '2026-10-01T10:00:00Z')), connection=False)
    assert first[0] == 0 and first[1]['changed']
    link = {'key': KEY1, 'sha256': first[1]['sha256']}
    second = run_module(dr_drill_history, dict(store, key=KEY2, content=report(KEY2, '2026-11-01T10:00:00Z', link)),
                        connection=False)
    assert second[0] == 0
    return first[1], second[1]


def test_local_history_verifies_then_names_the_altered_report(run_module, tmp_path):
    store = {'directory': str(tmp_path / 'history')}
    two_drills(run_module, store)
    rc, result = run_module(dr_drill_history_info, dict(store, name='Monthly', last=1), connection=False)
    assert rc == 0 and result['verified'] and result['changed'] is False
    drill = result['drills'][0]
    assert drill['count'] == 2 and [r['key'] for r in drill['reports']] == [KEY2]  # last=1, both verified
    path = tmp_path / 'history' / KEY1
    path.chmod(0o644)
    path.write_text(path.read_text().replace('passed', 'failed'))
    rc, result = run_module(dr_drill_history_info, dict(store, fail_on_broken=True), connection=False)
    assert rc == 1 and not result['verified']
    assert KEY1 in result['msg'] and 'altered' in result['msg']


def test_a_different_report_under_a_stored_key_fails(run_module, tmp_path):
    store = {'directory': str(tmp_path)}
    two_drills(run_module, store)
    rc, result = run_module(dr_drill_history, dict(store, key=KEY1, content='{}'), connection=False)
    assert rc == 1 and 'never overwritten' in result['msg']


@pytest.mark.parametrize('args, named', [
    ({'directory': '/tmp/h', 's3': {'bucket': 'evidence'}}, 'mutually exclusive'),
    ({'s3': {'bucket': 'Not_A_Bucket'}}, 's3.bucket'),
    ({'s3': {'bucket': 'evidence', 'object_lock': {'mode': 'legal-hold', 'days': 3}}}, 'mode'),
    ({'directory': '/tmp/h', 'last': -1}, 'last'),
])
def test_bad_input_fails_naming_the_option(run_module, args, named):
    rc, result = run_module(dr_drill_history_info, args, connection=False)
    assert rc == 1 and named in result['msg'] and 'Traceback' not in result['msg']


def test_bad_key_fails_before_writing(run_module, tmp_path):
    rc, result = run_module(dr_drill_history, {'directory': str(tmp_path), 'key': '../../etc/x.json', 'content': '{}'},
                            connection=False)
    assert rc == 1 and 'key' in result['msg'] and list(tmp_path.iterdir()) == []


def test_s3_history_with_object_lock(run_module, monkeypatch):
    for name, value in (('AWS_ACCESS_KEY_ID', 'testing'), ('AWS_SECRET_ACCESS_KEY', 'testing'), ('AWS_DEFAULT_REGION', 'us-east-1')):
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client('s3', region_name='us-east-1')
        s3.create_bucket(Bucket='evidence', ObjectLockEnabledForBucket=True)
        store = {'s3': {'bucket': 'evidence', 'prefix': 'drills', 'object_lock': {'mode': 'compliance', 'days': 7}}}
        first, _second = two_drills(run_module, store)
        assert first['object_lock']['mode'] == 'COMPLIANCE' and first['location'] == 's3://evidence/drills/' + KEY1
        s3.delete_object(Bucket='evidence', Key='drills/' + KEY1)  # a delete marker; the locked version stays
        rc, result = run_module(dr_drill_history_info, {'s3': {'bucket': 'evidence', 'prefix': 'drills'}}, connection=False)
        assert rc == 0 and not result['verified']
        assert [(p['key'], p['kind']) for p in result['problems']] == [(KEY1, 'deleted')]
        assert 'COMPLIANCE Object Lock' in result['problems'][0]['msg']
