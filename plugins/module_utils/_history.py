# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drill history store: every drill's report.json kept in a local directory or an S3 bucket/prefix.

Layout (both stores): <root>/<drill slug>/<started_at>_<drill id>.json, so keys sort by time. Each
report carries history.previous = {key, sha256} of the report stored before it for the same drill
(same report `name`): a hash chain. `verify` reads every report of a drill, oldest first, and names
each broken link: a report whose recorded predecessor is gone (missing), whose bytes no longer hash
to what its successor recorded (altered), an S3 key rewritten (more than one version) or hidden by
a delete marker (deleted; a locked version below it is still there and is what the chain is checked
against).
"""

from __future__ import annotations

import base64
import datetime
import errno
import hashlib
import json
import os
import re
import tempfile

from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError

LOCK_MODES = ('GOVERNANCE', 'COMPLIANCE')
# The report's other files, kept beside its report.json under the same key stem (and the same lock):
# <drill>/<started_at>_<id>.junit.xml and so on. Only .json keys are reports, so the chain ignores them.
REPORT_FILES = ('junit.xml', 'report.md', 'report.html')
CONTENT_TYPES = {'.json': 'application/json', '.xml': 'application/xml', '.md': 'text/markdown; charset=utf-8',
                 '.html': 'text/html; charset=utf-8'}
SLUG_RE = re.compile(r'[^A-Za-z0-9._-]+')
KEY_RE = re.compile(r'[A-Za-z0-9._-]+/[0-9TZ.-]+_[0-9a-f-]+\.json')


def slug(name):
    """A drill name as one safe path segment: 'Monthly DR drill' -> 'monthly-dr-drill'."""
    text = SLUG_RE.sub('-', str(name or '').strip().lower()).strip('-.')
    return text or 'drill'


def report_key(name, started_at, drill_id):
    """Where a drill's report goes, relative to the store root; sorts by start time."""
    stamp = re.sub(r'[^0-9TZ.-]', '', str(started_at or '').replace(':', ''))
    return '%s/%s_%s.json' % (slug(name), stamp or 'unknown', drill_id)


def sha256(data):
    if isinstance(data, str):
        data = data.encode('utf-8')
    return hashlib.sha256(data).hexdigest()


def check_store(params):
    """Exactly one of directory and s3, each whole-string checked."""
    directory, s3 = params.get('directory'), params.get('s3')
    if bool(directory) == bool(s3):
        raise OptionError('set exactly one of directory (a local history folder) and s3 (bucket and prefix)')
    if s3:
        bucket = s3.get('bucket') or ''
        if not re.fullmatch(r'[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]', bucket):
            raise OptionError('s3.bucket must be an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens), got %r'
                              % bucket)
        prefix = s3.get('prefix') or ''
        if prefix.startswith('/') or '..' in prefix.split('/') or any(c.isspace() for c in prefix):
            raise OptionError('s3.prefix must be a relative key prefix without "..", a leading "/" or white space, got %r' % prefix)
        lock = s3.get('object_lock') or {}
        if lock:
            mode = str(lock.get('mode') or '').upper()
            if mode not in LOCK_MODES:
                raise OptionError('s3.object_lock.mode must be one of governance, compliance, got %r' % lock.get('mode'))
            days = lock.get('days')
            if not isinstance(days, int) or isinstance(days, bool) or days < 1:
                raise OptionError('s3.object_lock.days must be a whole number of days, at least 1, got %r' % (days,))


def check_key(key):
    if not KEY_RE.fullmatch(key or '') or '..' in key:
        raise OptionError('the report key %r is not of the form <drill>/<started_at>_<id>.json' % key)


def file_key(key, name):
    """Where one of a report's other files goes: beside it, same stem ('<drill>/<start>_<id>.junit.xml')."""
    return key[:-len('.json')] + '.' + name


class LocalStore:
    versioned = False

    def __init__(self, directory):
        self.root = os.path.abspath(os.path.expanduser(directory))

    @property
    def location(self):
        return self.root

    def _path(self, key):
        return os.path.join(self.root, *key.split('/'))

    def keys(self, folder=None):
        found = []
        if not os.path.isdir(self.root):
            return found
        for folder in [folder] if folder else sorted(os.listdir(self.root)):
            path = os.path.join(self.root, folder)
            if os.path.isdir(path):
                found += ['%s/%s' % (folder, name) for name in sorted(os.listdir(path)) if name.endswith('.json')]
        return found

    def entries(self, folder=None):
        """Every stored report (of one drill folder): key, bytes, and no version information (a folder keeps none)."""
        for key in self.keys(folder):
            try:
                with open(self._path(key), 'rb') as handle:
                    data = handle.read()
            except OSError as exc:
                raise OperationFailed('cannot read the stored report %s in %s: %s' % (key, self.root, exc.strerror or exc)) from None
            yield {'key': key, 'data': data, 'versions': 1, 'deleted': False, 'lock': None}

    def get(self, key):
        try:
            with open(self._path(key), 'rb') as handle:
                return handle.read()
        except (FileNotFoundError, NotADirectoryError):
            # Not stored (a file where its drill folder would be holds no report either).
            return None
        except OSError as exc:
            raise OperationFailed('cannot read the stored report %s in %s: %s' % (key, self.root, exc.strerror or exc)) from None

    def put(self, key, data):
        path = self._path(key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            # Written whole to a scratch file first, then linked into place: a write that breaks off leaves no
            # partial report under the key, and a link never replaces a file already there (stored evidence).
            descriptor, scratch = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=os.path.dirname(path))
            try:
                with os.fdopen(descriptor, 'wb') as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(scratch, 0o444)
                try:
                    os.link(scratch, path)
                except OSError as exc:
                    if exc.errno == errno.EEXIST:
                        raise
                    # A file system without hard links: create the key exclusively instead.
                    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
                    with os.fdopen(descriptor, 'wb') as handle:
                        handle.write(data)
            finally:
                os.unlink(scratch)
        except OSError as exc:
            raise OperationFailed('cannot keep the report %s in %s: %s' % (key, self.root, exc.strerror or exc)) from None
        return {'location': path}


class S3Store:
    versioned = True

    def __init__(self, client, bucket, prefix='', object_lock=None, errors=(Exception,)):
        self.client, self.bucket = client, bucket
        self.prefix = (prefix or '').strip('/')
        self.lock = object_lock or None
        self.errors = errors

    @property
    def location(self):
        return 's3://%s/%s' % (self.bucket, self.prefix + '/' if self.prefix else '')

    def _name(self, key):
        return '%s/%s' % (self.prefix, key) if self.prefix else key

    def _key(self, name):
        return name[len(self.prefix) + 1:] if self.prefix else name

    def _call(self, operation, **kwargs):
        try:
            return getattr(self.client, operation)(**kwargs)
        except self.errors as exc:
            code = getattr(exc, 'response', {}).get('Error', {}).get('Code', type(exc).__name__)
            raise OperationFailed('S3 %s on s3://%s/%s failed: %s (%s)' % (
                operation, self.bucket, kwargs.get('Key', self.prefix), code, exc)) from None

    def _versions(self, folder=None):
        """{key: {'versions': [newest first], 'markers': [...]}} under the prefix (and drill folder)."""
        below = self._name(folder + '/') if folder else (self.prefix + '/' if self.prefix else '')
        found, kwargs = {}, {'Bucket': self.bucket, 'Prefix': below}
        while True:
            page = self._call('list_object_versions', **kwargs)
            for kind, rows in (('versions', page.get('Versions') or []), ('markers', page.get('DeleteMarkers') or [])):
                for row in rows:
                    if row['Key'].endswith('.json'):
                        found.setdefault(self._key(row['Key']), {'versions': [], 'markers': []})[kind].append(row)
            if not page.get('IsTruncated'):
                break
            kwargs.update(KeyMarker=page.get('NextKeyMarker'), VersionIdMarker=page.get('NextVersionIdMarker'))
        for rows in found.values():
            for kind in ('versions', 'markers'):
                rows[kind].sort(key=lambda row: row['LastModified'], reverse=True)
        return found

    def check_lock(self):
        """With object_lock, the bucket must have Object Lock enabled: else S3 refuses every locked put."""
        try:
            config = self.client.get_object_lock_configuration(Bucket=self.bucket).get('ObjectLockConfiguration') or {}
        except self.errors as exc:
            code = getattr(exc, 'response', {}).get('Error', {}).get('Code', type(exc).__name__)
            if code != 'ObjectLockConfigurationNotFoundError':
                raise OperationFailed('S3 get_object_lock_configuration on s3://%s failed: %s (%s)' % (self.bucket, code, exc)) from None
            config = {}
        if config.get('ObjectLockEnabled') != 'Enabled':
            raise OperationFailed('s3.object_lock is set, but the bucket %s has no S3 Object Lock, so S3 would refuse to store '
                                  'a locked report: use a bucket created with Object Lock enabled, or drop object_lock'
                                  % self.bucket)

    def _lock_of(self, key, version_id):
        # HeadObject carries the version's lock (GetObjectRetention needs s3:GetObjectRetention and moto answers it 500).
        head = self._call('head_object', Bucket=self.bucket, Key=self._name(key), VersionId=version_id)
        if not head.get('ObjectLockMode'):
            return None
        until = head.get('ObjectLockRetainUntilDate')
        return {'mode': head['ObjectLockMode'], 'retain_until': until.isoformat() if hasattr(until, 'isoformat') else until}

    def entries(self, folder=None):
        for key, rows in sorted(self._versions(folder).items()):
            versions, markers = rows['versions'], rows['markers']
            if not versions:
                continue
            newest = versions[0]
            deleted = bool(markers) and markers[0]['LastModified'] >= newest['LastModified']
            body = self._call('get_object', Bucket=self.bucket, Key=self._name(key), VersionId=newest['VersionId'])['Body'].read()
            yield {'key': key, 'data': body, 'versions': len(versions), 'deleted': deleted, 'version_id': newest['VersionId'],
                   'lock': self._lock_of(key, newest['VersionId'])}

    def get(self, key):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))['Body'].read()
        except self.errors as exc:
            if getattr(exc, 'response', {}).get('Error', {}).get('Code') in ('NoSuchKey', '404', 'NoSuchVersion'):
                return None
            raise OperationFailed('S3 GetObject on s3://%s/%s failed: %s' % (self.bucket, self._name(key), exc)) from None

    def put(self, key, data):
        kwargs = {'Bucket': self.bucket, 'Key': self._name(key), 'Body': data,
                  'ContentType': CONTENT_TYPES.get(os.path.splitext(key)[1], 'application/octet-stream'),
                  # Object Lock puts need an integrity header; S3 compares it with the bytes received.
                  'ContentMD5': base64.b64encode(hashlib.md5(data).digest()).decode('ascii'),  # nosec - S3's own integrity check
                  'Metadata': {'sha256': sha256(data)}}
        until = None
        if self.lock:
            until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=self.lock['days'])
            kwargs.update(ObjectLockMode=self.lock['mode'].upper(), ObjectLockRetainUntilDate=until)
        answer = self._call('put_object', **kwargs)
        return {'location': 's3://%s/%s' % (self.bucket, self._name(key)), 'version_id': answer.get('VersionId'),
                'object_lock': {'mode': self.lock['mode'].upper(), 'retain_until': until.isoformat()} if self.lock else None}


def parse(data):
    try:
        report = json.loads(data.decode('utf-8') if isinstance(data, bytes) else data)
    except (ValueError, UnicodeDecodeError):
        return None
    return report if isinstance(report, dict) else None


def brief(report, key, digest):
    """What the history says of one stored report: enough for the trend, not the whole report."""
    items = []
    for item in report.get('items') or []:
        rpo, rto = item.get('rpo') or {}, item.get('rto') or {}
        items.append({'name': item.get('name'), 'status': item.get('status'),
                      'rpo_seconds': rpo.get('achieved_seconds'), 'rpo_objective_seconds': rpo.get('objective_seconds'),
                      'rto_seconds': rto.get('achieved_seconds'), 'rto_objective_seconds': rto.get('objective_seconds')})
    return {'key': key, 'sha256': digest, 'id': report.get('id'), 'name': report.get('name'),
            'started_at': report.get('started_at'), 'finished_at': report.get('finished_at'), 'status': report.get('status'),
            'total': report.get('total'), 'passed': report.get('passed'), 'failed': report.get('failed'),
            'previous': (report.get('history') or {}).get('previous'), 'items': items}


def verify(store, name=None):
    """Every drill of the store (or only `name`), oldest report first, with its chain's problems."""
    drills = {}
    unreadable = []
    # A drill's reports are kept in the folder its name gives: only that one is read for one drill.
    for entry in store.entries(slug(name) if name is not None else None):
        report = parse(entry['data'])
        if report is None:
            unreadable.append({'key': entry['key'], 'kind': 'unreadable',
                               'msg': 'report %s is not a JSON report: altered or foreign' % entry['key']})
            continue
        if name is not None and report.get('name') != name:
            continue
        record = brief(report, entry['key'], sha256(entry['data']))
        record.update(versions=entry['versions'], deleted=entry['deleted'], lock=entry.get('lock'),
                      version_id=entry.get('version_id'))
        drills.setdefault(report.get('name'), []).append(record)
    result = []
    for drill_name, reports in sorted(drills.items(), key=lambda pair: str(pair[0])):
        reports.sort(key=lambda record: (str(record['started_at']), record['key']))
        problems = _chain_problems(reports)
        result.append({'name': drill_name, 'count': len(reports), 'verified': not problems, 'problems': problems,
                       'newest': {key: reports[-1][key] for key in ('key', 'sha256', 'id', 'started_at')}, 'reports': reports})
    problems = unreadable + [problem for drill in result for problem in drill['problems']]
    return {'location': store.location, 'drills': result, 'verified': not problems, 'problems': problems}


def _chain_problems(reports):
    problems = []
    by_key = {record['key']: record for record in reports}
    for index, record in enumerate(reports):
        if record['deleted']:
            lock = record['lock']
            problems.append({'key': record['key'], 'kind': 'deleted', 'msg': (
                'report %s was deleted: a delete marker hides it; its version %s is still stored%s and the chain is checked '
                'against it' % (record['key'], record['version_id'],
                                ' under %s Object Lock until %s' % (lock['mode'], lock['retain_until']) if lock else ''))})
        if record['versions'] > 1:
            problems.append({'key': record['key'], 'kind': 'rewritten', 'msg': (
                'report %s was written %d times: the stored report is not the one first written' % (record['key'], record['versions']))})
        link = record.get('previous')
        earlier = reports[index - 1] if index else None
        if not link:
            if earlier:
                problems.append({'key': earlier['key'], 'kind': 'unlinked', 'msg': (
                    'report %s names no previous report although %s was stored before it' % (record['key'], earlier['key']))})
            continue
        previous = by_key.get(link.get('key'))
        if previous is None:
            problems.append({'key': link.get('key'), 'kind': 'missing', 'msg': (
                'report %s is missing: %s names it as its previous report (SHA-256 %s)' % (link.get('key'), record['key'],
                                                                                           link.get('sha256')))})
        elif previous['sha256'] != link.get('sha256'):
            problems.append({'key': previous['key'], 'kind': 'altered', 'msg': (
                'report %s was altered: its SHA-256 is %s, but %s recorded %s' % (previous['key'], previous['sha256'],
                                                                                  record['key'], link.get('sha256')))})
        elif earlier is not None and earlier['key'] != previous['key']:
            problems.append({'key': earlier['key'], 'kind': 'inserted', 'msg': (
                'report %s is not in the chain: %s names %s as its previous report' % (earlier['key'], record['key'],
                                                                                       previous['key']))})
    return problems


# -- the modules' shared parts: options, connection, the store they name ---------------------------
S3_SPEC = {
    'bucket': {'type': 'str', 'required': True},
    'prefix': {'type': 'str', 'default': ''},
    'object_lock': {'type': 'dict', 'options': {
        'mode': {'type': 'str', 'required': True, 'choices': ['governance', 'compliance']},
        'days': {'type': 'int', 'required': True},
    }},
}
STORE_SPEC = {
    'directory': {'type': 'path'},
    's3': {'type': 'dict', 'options': S3_SPEC},
}


def _aws():
    # Imported here: a local history needs neither boto3 nor the AWS layer.
    from ansible_collections.recoverops.restore.plugins.module_utils import _aws as aws  # pylint: disable=import-outside-toplevel
    return aws


def connection_class():
    """The AWS connection option group, used only when the store is S3."""
    aws = _aws()

    class S3Connection(aws.AwsConnection):
        SERVICE = 's3'

        def __init__(self, module):  # pylint: disable=super-init-not-called
            self.module = module
            if module.params.get('s3'):
                params = module.params
                if params.get('endpoint_url'):
                    # A private endpoint (MinIO, moto, an S3 gateway) takes path-style addressing.
                    params['aws_config'] = dict({'s3': {'addressing_style': 'path'}}, **(params.get('aws_config') or {}))
                aws.AwsConnection.__init__(self, module)

        def client(self):
            return aws.AwsClients(self.module, 's3') if self.module.params.get('s3') else None

    return S3Connection


def open_store(params, clients):
    if params.get('directory'):
        return LocalStore(params['directory'])
    s3 = params['s3']
    return S3Store(clients.s3, s3['bucket'], s3.get('prefix'), s3.get('object_lock'), errors=_aws().AWS_ERRORS or (Exception,))


def _keep(store, key, data, check_mode, what='report'):
    """Keep one file: never overwrite different bytes under its key; the same bytes again change nothing."""
    digest = sha256(data)
    result = {'changed': False, 'key': key, 'sha256': digest}
    existing = store.get(key)
    if existing is not None:
        if sha256(existing) != digest:
            raise OperationFailed('%s already holds a different %s under %s (SHA-256 %s): stored evidence is never '
                                  'overwritten' % (store.location, what, key, sha256(existing)))
        return result
    result['changed'] = True
    if not check_mode:
        result.update(store.put(key, data))
    return result


def store_report(params, clients, check_mode=False):
    """Keep one report.json, then its other files (junit.xml, report.md, report.html) beside it."""
    check_key(params['key'])
    store = open_store(params, clients)
    result = dict(_keep(store, params['key'], params['content'].encode('utf-8'), check_mode), store=store.location)
    files = {}
    for name, content in sorted((params.get('files') or {}).items()):
        try:
            files[name] = _keep(store, file_key(params['key'], name), content.encode('utf-8'), check_mode, what=name)
        except OperationFailed as exc:
            raise OperationFailed('the report %s is kept, but not its %s: %s' % (params['key'], name, exc.msg),
                                  **dict(result, files=files)) from None
    if files:
        result['files'] = files
        result['changed'] = result['changed'] or any(kept['changed'] for kept in files.values())
    return result


def history_info(params, clients):
    store = open_store(params, clients)
    if params.get('s3') and params['s3'].get('object_lock'):
        # Found before a drill starts (the role reads the history first), not when its report is stored.
        store.check_lock()
    found = verify(store, params.get('name'))
    for drill in found['drills']:
        drill['reports'] = drill['reports'][-params['last']:] if params['last'] else []
    found['changed'] = False
    if params.get('fail_on_broken') and not found['verified']:
        raise OperationFailed('the history at %s does not verify: %s' % (found['location'], '; '.join(
            problem['msg'] for problem in found['problems'])), **{key: found[key] for key in ('drills', 'problems', 'verified')})
    return found


def check_options(params, _module=None):
    check_store(params)
    for name, content in (params.get('files') or {}).items():
        if name not in REPORT_FILES:
            raise OptionError('files: %r is not one of the report files %s' % (name, ', '.join(REPORT_FILES)))
        if not isinstance(content, str):
            raise OptionError('files: the content of %s must be text, got %s' % (name, type(content).__name__))
    if params.get('last') is not None and params['last'] < 0:
        raise OptionError('last must be 0 or more (the newest reports returned per drill), got %d' % params['last'])
