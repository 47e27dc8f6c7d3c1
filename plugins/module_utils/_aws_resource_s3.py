# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""An S3 bucket restored from an AWS Backup recovery point. Keys: docs/aws.md "S3"."""

from __future__ import annotations

import hashlib
import re

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._aws_calls import (
    AWS_ERRORS, call, describe_error, error_code, error_details, is_missing, paginate)
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource import KMS_KEY, RestoredResource, given, tag_dict, tag_list
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError

BUCKET_NAME = re.compile(r'(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]')
ENCRYPTION_TYPES = ('SSE-S3', 'SSE-KMS')


class S3Bucket(RestoredResource):
    group, resource_type, kind, service, noun = 's3', 'S3', 's3_bucket', 's3', 'bucket'
    options = {
        'destination_bucket_name': ('DestinationBucketName', {'type': 'str'}),
        'new_bucket': ('NewBucket', {'type': 'bool'}),
        'encrypted': ('Encrypted', {'type': 'bool'}),
        'encryption_type': ('EncryptionType', {'type': 'str', 'choices': list(ENCRYPTION_TYPES)}),
        'kms_key': ('KMSKey', {'type': 'str', 'no_log': False}),
    }
    # Not metadata: the opt-in a restore into the source bucket needs.
    flags = {'allow_in_place': {'type': 'bool', 'default': False}}
    other_keys = ('BucketName',)
    id_pattern, id_accepts = BUCKET_NAME, 'an S3 bucket name (3 to 63 characters of a-z, 0-9, . and -)'
    expected = {'object_count': 'object count', 'fingerprint': 'object-list fingerprint'}
    other_expected = ('min_objects',)

    def drill_expected(self, point, metadata, verify):
        # The item's verify keys of a table, read as objects.
        return given(object_count=verify.get('item_count'), min_objects=verify.get('min_items'), fingerprint=verify.get('fingerprint'))

    def check(self, group):
        _checks.whole('s3.destination_bucket_name', group.get('destination_bucket_name'), BUCKET_NAME,
                      '3 to 63 characters of a-z, 0-9, . and -, starting and ending with a letter or digit')
        _checks.whole('s3.kms_key', group.get('kms_key'), KMS_KEY, 'a KMS key id, alias or ARN')
        if group.get('encryption_type') == 'SSE-KMS' and not group.get('kms_key'):
            raise OptionError('s3.encryption_type: SSE-KMS needs s3.kms_key')
        if group.get('kms_key') and group.get('encryption_type') != 'SSE-KMS':
            raise OptionError('s3.kms_key needs s3.encryption_type: SSE-KMS')
        if group.get('new_bucket') is False and not group.get('destination_bucket_name'):
            raise OptionError('s3.new_bucket: false restores into an existing bucket: name it in s3.destination_bucket_name')

    def in_place(self, metadata, source_name):
        return (metadata.get('DestinationBucketName') or metadata.get('BucketName')) == source_name

    def conflict(self, clients, metadata, source_name, group):
        if self.in_place(metadata, source_name) and not group.get('allow_in_place'):
            return ('This restore writes into the source bucket %s (DestinationBucketName). Set s3.allow_in_place: true to do '
                    'that, or name another bucket in s3.destination_bucket_name.' % source_name)
        bucket = metadata.get('DestinationBucketName')
        if bucket and str(metadata.get('NewBucket', '')).lower() == 'true' and self.read(clients, bucket, full=False):
            return ('Bucket %s already exists, but NewBucket is true: the restore would fail. Name another '
                    's3.destination_bucket_name, or set s3.new_bucket: false to add the objects to it.' % bucket)
        return None

    def read(self, clients, resource_id, full=True):
        """{name, id, state, tags, object_count, size_bytes, fingerprint} or None when the bucket is not there.

        The fingerprint is the SHA-256 of the sorted "key<TAB>size<TAB>etag" lines of every object: two
        buckets with the same object list have the same one, whatever order S3 lists them in."""
        s3 = clients.s3
        try:
            s3.head_bucket(Bucket=resource_id)
        except AWS_ERRORS as exc:
            if is_missing(exc, ('404', 'NoSuchBucket', 'NotFound')):
                return None
            raise OperationFailed(describe_error(s3, 'head_bucket', exc), error=error_details(exc)) from None
        found = {'name': resource_id, 'state': 'available', 'tags': self.tags(s3, resource_id)}
        if full:
            lines = ['%s\t%s\t%s' % (obj['Key'], obj.get('Size'), obj.get('ETag', '').strip('"'))
                     for obj in paginate(s3, 'list_objects_v2', 'Contents', Bucket=resource_id)]
            found.update(object_count=len(lines), size_bytes=sum(int(line.split('\t')[1] or 0) for line in lines),
                         fingerprint=hashlib.sha256('\n'.join(sorted(lines)).encode()).hexdigest())
        return found

    @staticmethod
    def tags(s3, name):
        try:
            return tag_dict(s3.get_bucket_tagging(Bucket=name).get('TagSet'))
        except AWS_ERRORS as exc:
            if error_code(exc) == 'NoSuchTagSet':
                return {}
            raise OperationFailed(describe_error(s3, 'get_bucket_tagging', exc), error=error_details(exc)) from None

    def tag(self, clients, arn, tags):
        """PutBucketTagging replaces the whole set: the bucket's own tags are sent with ours."""
        name = self.created_id(arn)
        merged = dict(self.tags(clients.s3, name), **{key: str(value) for key, value in tags.items()})
        call(clients.s3, 'put_bucket_tagging', Bucket=name, Tagging={'TagSet': tag_list(merged)})

    def remove(self, clients, resource_id):
        s3 = clients.s3
        keys = [{'Key': obj['Key']} for obj in paginate(s3, 'list_objects_v2', 'Contents', Bucket=resource_id)]
        for start in range(0, len(keys), 1000):
            call(s3, 'delete_objects', Bucket=resource_id, Delete={'Objects': keys[start:start + 1000], 'Quiet': True})
        call(s3, 'delete_bucket', Bucket=resource_id)

    def checks(self, found, expected):
        checks = super().checks(found, expected)
        if expected.get('min_objects') is not None:
            count = found.get('object_count')
            checks.append({'name': 'min_objects', 'passed': count is not None and count >= expected['min_objects'],
                           'expected': expected['min_objects'], 'found': count,
                           'msg': 'object count is %s, at least %s expected' % (count, expected['min_objects'])})
        return checks
