"""S3: every seeded point is the list of objects its source bucket held; a restore puts them into the destination."""
from __future__ import annotations

import re
from typing import Any

import botocore.exceptions

from simulators.aws_backup.errors import RestoreFailure, bad_metadata, check_booleans
from simulators.aws_backup.resources import ResourceHandler

BUCKET_NAME = re.compile(r'(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]')
ENCRYPTION_TYPES = ('SSE-S3', 'SSE-KMS')


class S3Handler(ResourceHandler):
    resource_type = 'S3'

    @staticmethod
    def name_of(arn: str) -> str:
        return arn.rsplit(':', 1)[-1]

    def load(self, point: dict[str, Any], spec: dict[str, Any]) -> None:
        point['objects'] = [dict(obj) for obj in spec.get('objects') or []]
        point['size'] = sum(len(str(obj['body']).encode()) for obj in point['objects'])

    def provision(self, points: list[dict[str, Any]]) -> None:
        s3 = self.app.moto('s3')
        for bucket in sorted(self.restored | {point['resource_name'] for point in points}):
            drop_bucket(s3, bucket)
        self.restored = set()
        for point in points:
            s3.create_bucket(Bucket=point['resource_name'])
            for obj in point['objects']:
                s3.put_object(Bucket=point['resource_name'], Key=str(obj['key']), Body=str(obj['body']).encode())

    def restore_metadata(self, point: dict[str, Any]) -> dict[str, str]:
        # UNCONFIRMED which keys AWS returns for S3; the bucket's own name, so that a restore names its destination.
        return {'BucketName': point['resource_name']}

    def target(self, point: dict[str, Any], metadata: dict[str, Any]) -> str:
        target = metadata.get('DestinationBucketName') or metadata.get('BucketName')
        if not target or not BUCKET_NAME.fullmatch(str(target)):
            raise bad_metadata(f'Metadata DestinationBucketName {target!r} is not a valid bucket name.')
        check_booleans(metadata, 'NewBucket', 'Encrypted')
        kind = metadata.get('EncryptionType')
        if kind is not None and kind not in ENCRYPTION_TYPES:
            raise bad_metadata(f"Metadata EncryptionType {kind!r} is not one of {', '.join(ENCRYPTION_TYPES)}.")
        if metadata.get('KMSKey') and kind != 'SSE-KMS':
            raise bad_metadata('Metadata KMSKey needs EncryptionType SSE-KMS.')
        return str(target)

    def restore(self, point: dict[str, Any], job: dict[str, Any]) -> str:
        """The point's objects into the destination; an object already there is skipped (AWS never overwrites)."""
        metadata, s3, target = job['metadata'], self.app.moto('s3'), job['target']
        exists = bucket_exists(s3, target)
        new = str(metadata.get('NewBucket', 'false')).lower() == 'true'
        if new and exists:
            raise RestoreFailure(f'Bucket {target} already exists, but NewBucket is true.')
        if not new and not exists:
            raise RestoreFailure(f'Bucket {target} does not exist (set NewBucket true to create it).')
        try:
            if new:
                s3.create_bucket(Bucket=target)
                self.restored.add(target)
            present = {obj['Key'] for page in s3.get_paginator('list_objects_v2').paginate(Bucket=target) for obj in page.get('Contents', [])}
            for obj in point['objects']:
                if str(obj['key']) not in present:
                    s3.put_object(Bucket=target, Key=str(obj['key']), Body=str(obj['body']).encode())
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise RestoreFailure(f'Restore into bucket {target} failed: {exc}') from exc
        return f'arn:aws:s3:::{target}'


def bucket_exists(s3: Any, name: str) -> bool:
    try:
        s3.head_bucket(Bucket=name)
        return True
    except botocore.exceptions.ClientError:
        return False


def drop_bucket(s3: Any, name: str) -> None:
    if not bucket_exists(s3, name):
        return
    for page in s3.get_paginator('list_objects_v2').paginate(Bucket=name):
        for obj in page.get('Contents', []):
            s3.delete_object(Bucket=name, Key=obj['Key'])
    s3.delete_bucket(Bucket=name)
