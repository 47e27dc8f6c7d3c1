# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drill history: keys, the hash chain and what breaks it, in a local folder and in S3 (moto) with Object Lock."""

from __future__ import annotations

import json
import os

import boto3
import botocore.exceptions
import pytest
from moto import mock_aws

from ansible_collections.recoverops.restore.plugins.module_utils import _history as history
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError


def drill(store, name, started, previous=None, status='passed', rto=40.0, drill_id=None):
    """Store one report as the role does: linked to the newest stored report of the same drill."""
    found = next((entry for entry in history.verify(store, name)['drills']), None)
    link = {'key': found['newest']['key'], 'sha256': found['newest']['sha256']} if found and previous is None else previous
    drill_id = drill_id or '0000%04d-0000-4000-8000-000000000000' % (len(found['reports']) if found else 0)
    key = history.report_key(name, started, drill_id)
    report = {'id': drill_id, 'name': name, 'started_at': started, 'status': status, 'total': 1, 'passed': 1, 'failed': 0,
              'history': {'key': key, 'previous': link},
              'items': [{'name': 'orders', 'status': status, 'rpo': {'achieved_seconds': 3600.0, 'objective_seconds': 86400.0},
                         'rto': {'achieved_seconds': rto, 'objective_seconds': 300.0}}]}
    data = json.dumps(report, indent=2)
    store.put(key, data.encode())
    return key, history.sha256(data)


def test_keys_sort_by_start_and_are_one_safe_segment_per_level():
    key = history.report_key('Monthly DR drill / prod', '2026-11-22T10:00:00.123Z', 'abc-1')
    assert key == 'monthly-dr-drill-prod/2026-11-22T100000.123Z_abc-1.json'
    history.check_key(key)
    for bad in ('../x/2026_a.json', 'a/b/c.json', 'a/2026_x.json\n', 'a/2026_X Y.json'):
        with pytest.raises(OptionError):
            history.check_key(bad)


def test_store_options_are_checked_before_anything():
    with pytest.raises(OptionError, match='exactly one of directory'):
        history.check_store({'directory': '/tmp/x', 's3': {'bucket': 'b'}})
    with pytest.raises(OptionError, match='s3.bucket'):
        history.check_store({'directory': None, 's3': {'bucket': 'Bad_Bucket'}})
    with pytest.raises(OptionError, match='s3.prefix'):
        history.check_store({'directory': None, 's3': {'bucket': 'evidence', 'prefix': '../up'}})
    with pytest.raises(OptionError, match='object_lock.days'):
        history.check_store({'directory': None, 's3': {'bucket': 'evidence', 'object_lock': {'mode': 'compliance', 'days': 0}}})


def test_a_local_chain_verifies_and_names_an_altered_or_missing_report(tmp_path):
    store = history.LocalStore(str(tmp_path))
    first, _sha = drill(store, 'Monthly', '2026-10-01T10:00:00Z')
    second, _sha = drill(store, 'Monthly', '2026-11-01T10:00:00Z')
    third, third_sha = drill(store, 'Monthly', '2026-12-01T10:00:00Z')
    drill(store, 'Weekly', '2026-11-20T10:00:00Z')
    found = history.verify(store)
    assert found['verified'] and [d['name'] for d in found['drills']] == ['Monthly', 'Weekly']
    monthly = found['drills'][0]
    assert [r['key'] for r in monthly['reports']] == [first, second, third]
    assert monthly['newest'] == {'key': third, 'sha256': third_sha, 'id': monthly['reports'][-1]['id'],
                                 'started_at': '2026-12-01T10:00:00Z'}
    # Altered: one byte of the first report changed.
    path = tmp_path / first
    os.chmod(path, 0o644)
    path.write_text(path.read_text().replace('"passed"', '"failed"', 1))
    found = history.verify(store, 'Monthly')
    assert not found['verified']
    assert [(p['key'], p['kind']) for p in found['problems']] == [(first, 'altered')]
    assert first in found['problems'][0]['msg'] and second in found['problems'][0]['msg']
    # Missing: the second report deleted; the third names it.
    os.remove(tmp_path / second)
    kinds = [(p['key'], p['kind']) for p in history.verify(store, 'Monthly')['problems']]
    assert (second, 'missing') in kinds


def test_stored_evidence_is_never_overwritten(tmp_path):
    store = history.LocalStore(str(tmp_path))
    params = {'directory': str(tmp_path), 's3': None, 'key': 'd/2026-11-01T100000Z_abc.json', 'content': '{"name": "d"}'}
    assert history.store_report(params, None)['changed'] is True
    assert history.store_report(params, None)['changed'] is False  # the same bytes again
    with pytest.raises(OperationFailed, match='never overwritten'):
        history.store_report(dict(params, content='{"name": "e"}'), None)
    assert store.get(params['key']) == b'{"name": "d"}'
    # Check mode writes nothing.
    assert history.store_report(dict(params, key='d/2026-11-02T100000Z_abd.json'), None, check_mode=True)['changed']
    assert store.get('d/2026-11-02T100000Z_abd.json') is None


def test_a_report_without_a_link_after_an_earlier_one_is_named(tmp_path):
    store = history.LocalStore(str(tmp_path))
    first, _sha = drill(store, 'Monthly', '2026-10-01T10:00:00Z')
    drill(store, 'Monthly', '2026-11-01T10:00:00Z', previous={})
    problems = history.verify(store)['problems']
    assert [(p['key'], p['kind']) for p in problems] == [(first, 'unlinked')]


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client('s3', region_name='us-east-1')
        client.create_bucket(Bucket='evidence', ObjectLockEnabledForBucket=True)
        client.create_bucket(Bucket='plain')
        client.put_bucket_versioning(Bucket='plain', VersioningConfiguration={'Status': 'Enabled'})
        yield client


def test_s3_object_lock_keeps_a_deleted_report_and_the_check_says_so(s3):
    store = history.S3Store(s3, 'evidence', 'drills', {'mode': 'governance', 'days': 30},
                            errors=(botocore.exceptions.ClientError,))
    first, _sha = drill(store, 'Monthly', '2026-10-01T10:00:00Z')
    drill(store, 'Monthly', '2026-11-01T10:00:00Z')
    assert history.verify(store)['verified']
    versions = s3.list_object_versions(Bucket='evidence', Prefix='drills/' + first)['Versions']
    head = s3.head_object(Bucket='evidence', Key='drills/' + first, VersionId=versions[0]['VersionId'])
    assert head['ObjectLockMode'] == 'GOVERNANCE'
    # Deleting the locked version is refused by S3.
    with pytest.raises(botocore.exceptions.ClientError, match='AccessDenied'):
        s3.delete_object(Bucket='evidence', Key='drills/' + first, VersionId=versions[0]['VersionId'])
    # A plain delete only lays a delete marker over it: reported as such, and the chain is checked against the kept version.
    s3.delete_object(Bucket='evidence', Key='drills/' + first)
    found = history.verify(store)
    assert [(p['key'], p['kind']) for p in found['problems']] == [(first, 'deleted')]
    assert 'GOVERNANCE Object Lock until' in found['problems'][0]['msg']


def test_s3_without_lock_a_rewritten_or_deleted_report_breaks_the_chain(s3):
    store = history.S3Store(s3, 'plain', '', errors=(botocore.exceptions.ClientError,))
    first, _sha = drill(store, 'Monthly', '2026-10-01T10:00:00Z')
    drill(store, 'Monthly', '2026-11-01T10:00:00Z')
    s3.put_object(Bucket='plain', Key=first, Body=b'{"name": "Monthly", "started_at": "2026-10-01T10:00:00Z"}')
    kinds = sorted((p['key'], p['kind']) for p in history.verify(store)['problems'])
    assert kinds == [(first, 'altered'), (first, 'rewritten')]
    for version in s3.list_object_versions(Bucket='plain', Prefix=first)['Versions']:
        s3.delete_object(Bucket='plain', Key=first, VersionId=version['VersionId'])
    assert [(p['key'], p['kind']) for p in history.verify(store)['problems']] == [(first, 'missing')]


def test_one_drill_is_read_from_its_own_folder_only(tmp_path, s3):
    local = history.LocalStore(str(tmp_path))
    remote = history.S3Store(s3, 'plain', 'drills', errors=(botocore.exceptions.ClientError,))
    for store in (local, remote):
        drill(store, 'Monthly', '2026-10-01T10:00:00Z')
        drill(store, 'Weekly', '2026-10-02T10:00:00Z')
        store.put('weekly/2026-10-03T100000Z_junk.json', b'not json')
        assert [d['name'] for d in history.verify(store, 'Monthly')['drills']] == ['Monthly']
        assert history.verify(store, 'Monthly')['verified']
        everything = history.verify(store)
        assert [(p['key'], p['kind']) for p in everything['problems']] == [('weekly/2026-10-03T100000Z_junk.json', 'unreadable')]


def test_a_local_report_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    store = history.LocalStore(str(tmp_path))
    key = history.report_key('Monthly', '2026-10-01T10:00:00Z', 'abc')
    real_fdopen = os.fdopen

    class Broken:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[:5])
            raise OSError(28, 'No space left on device')

    monkeypatch.setattr(os, 'fdopen', lambda fd, mode: Broken(real_fdopen(fd, mode)))
    with pytest.raises(OperationFailed, match='cannot keep the report .*No space left on device'):
        store.put(key, b'{"name": "Monthly"}')
    monkeypatch.undo()
    # Nothing half-written under the key, no scratch file left: the key can still be stored.
    assert store.get(key) is None and os.listdir(tmp_path / 'monthly') == []
    store.put(key, b'{"name": "Monthly"}')
    assert store.get(key) == b'{"name": "Monthly"}'
    assert oct(os.stat(tmp_path / key).st_mode & 0o777) == '0o444'
    with pytest.raises(OperationFailed, match='File exists'):
        store.put(key, b'{"name": "other"}')


def test_a_local_store_that_cannot_be_written_fails_with_a_message(tmp_path):
    (tmp_path / 'monthly').write_text('a file where the drill folder goes')
    store = history.LocalStore(str(tmp_path))
    key = history.report_key('Monthly', '2026-10-01T10:00:00Z', 'abc')
    assert store.get(key) is None
    with pytest.raises(OperationFailed, match='cannot keep the report monthly/.* in %s' % tmp_path):
        history.store_report({'directory': str(tmp_path), 'key': key, 'content': '{}'}, None)


def test_object_lock_on_a_bucket_without_it_fails_the_read_before_a_drill(s3):
    params = {'directory': None, 's3': {'bucket': 'plain', 'prefix': 'drills', 'object_lock': {'mode': 'governance', 'days': 1}},
              'name': 'Monthly', 'last': 10}
    clients = type('Clients', (), {'s3': s3})()
    with pytest.raises(OperationFailed, match='the bucket plain has no S3 Object Lock'):
        history.history_info(params, clients)
    # The same read without object_lock, or of a locked bucket, is fine.
    assert history.history_info(dict(params, s3={'bucket': 'plain', 'prefix': 'drills'}), clients)['verified']
    assert history.history_info(dict(params, s3=dict(params['s3'], bucket='evidence')), clients)['verified']


def test_the_reports_other_files_are_kept_beside_it_with_the_same_lock(tmp_path, s3):
    key = history.report_key('Monthly', '2026-10-01T10:00:00Z', 'abc')
    files = {'report.html': '<html>\x1b</html>', 'junit.xml': '<testsuites/>', 'report.md': '# Monthly'}
    clients = type('Clients', (), {'s3': s3})()
    local = {'directory': str(tmp_path), 's3': None, 'key': key, 'content': '{"name": "Monthly"}', 'files': files}
    kept = history.store_report(local, None)
    assert kept['changed'] and sorted(kept['files']) == ['junit.xml', 'report.html', 'report.md']
    assert (tmp_path / 'monthly' / '2026-10-01T100000Z_abc.report.html').read_text() == files['report.html']
    assert kept['files']['junit.xml']['sha256'] == history.sha256(files['junit.xml'])
    # Only the report is in the chain; again with the same bytes changes nothing, different bytes fail naming the file.
    assert [d['count'] for d in history.verify(history.LocalStore(str(tmp_path)))['drills']] == [1]
    assert history.store_report(local, None)['changed'] is False
    with pytest.raises(OperationFailed, match=r'the report monthly/.* is kept, but not its report\.md: .*never overwritten'):
        history.store_report(dict(local, files=dict(files, **{'report.md': '# altered'})), None)
    with pytest.raises(OptionError, match="'notes.txt' is not one of the report files junit.xml, report.md, report.html"):
        history.check_options(dict(local, files={'notes.txt': 'x'}))
    remote = dict(local, directory=None, s3={'bucket': 'evidence', 'prefix': 'drills', 'object_lock': {'mode': 'governance', 'days': 1}})
    kept = history.store_report(remote, clients)
    head = s3.head_object(Bucket='evidence', Key='drills/monthly/2026-10-01T100000Z_abc.report.html')
    assert head['ObjectLockMode'] == 'GOVERNANCE' and head['ContentType'].startswith('text/html')
    assert kept['files']['report.html']['object_lock']['mode'] == 'GOVERNANCE'
