# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""One AWS Backup resource type that a restore creates (other than a DynamoDB table).

A subclass says, for its type: the option group of aws_backup_restore (each suboption one
StartRestoreJob metadata key, checked before any call), what would make a restore unsafe, and how
the created resource is read, tagged, checked and removed. A new type is a new
_aws_resource_<type>.py listed in _aws_backup_types.TYPES; aws_backup_restore,
aws_restored_resource(_info) and the dr_drill role need no other change.
"""

from __future__ import annotations

import abc
import re
import time

from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError

RESTORED_TAG = 'recoverops:restored-from'
KMS_KEY = re.compile(r'(arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+|[0-9a-f-]{36}|alias/[A-Za-z0-9/_-]+)')
AVAILABILITY_ZONE = re.compile(r'[a-z]{2}(-[a-z]+)+-[0-9][a-z]')


class RestoredResource(abc.ABC):
    # aws_backup_restore's option group (ebs), AWS Backup's ResourceType (EBS), created_resource.type
    # (ebs_volume), the boto3 service the resource lives in (ec2), and a noun for messages (volume).
    group = resource_type = kind = service = noun = None
    # suboption -> (metadata key, argument spec); flags are suboptions that are not metadata.
    options = {}
    flags = {}
    # Metadata keys GetRecoveryPointRestoreMetadata returns that no option sets (`metadata` may set them).
    other_keys = ()
    # The resource id pattern and how to say it in a message.
    id_pattern = None
    id_accepts = None
    # The state a ready resource is in, and the states it may still leave for it (read_when_ready waits in them).
    ready_state = 'available'
    pending_states = ('creating', 'pending')
    # Seconds between reads while a resource is pending.
    ready_poll = 5
    # aws_restored_resource_info `expected` keys this type compares by equality -> a label for messages.
    expected = {}
    # Further `expected` keys this type checks in its own way (see checks()).
    other_expected = ()

    def drill_expected(self, point, metadata, verify):
        """What a drill expects of the resource (aws_restored_resource_info `expected`): what the restore asked for
        (`metadata`, the point's own merged with the item's), else what the point says, and the item's `verify` keys."""
        return {}

    # ---- the option group ------------------------------------------------------------------
    def check(self, group):
        """The group's rules, whole-string, before any call: OptionError naming `<group>.<option>`."""

    def metadata_keys(self):
        return sorted([key for key, _spec in self.options.values()] + list(self.other_keys))

    def in_place(self, metadata, source_name):
        """Whether the restore writes into its source resource (which then must never be marked as restored)."""
        return False

    def conflict(self, clients, metadata, source_name, group):
        """Why the restore must not start (it would write into the source, or fail on what exists), else None."""
        return None

    # ---- the created resource --------------------------------------------------------------
    def created_id(self, arn):
        """The resource id in a created resource's ARN: the part after its last / or :."""
        return re.split(r'[/:]', arn or '')[-1] or None

    def check_id(self, resource_id):
        if not isinstance(resource_id, str) or not self.id_pattern.fullmatch(resource_id):
            raise OptionError('id must be %s, got %r' % (self.id_accepts, resource_id))

    @abc.abstractmethod
    def read(self, clients, resource_id, full=True):
        """The resource as a dict (`id`, `state`, `tags` and what the checks compare), None when it is not there
        (or being deleted). `full: false` may skip what only the checks need (a bucket's object listing)."""

    @abc.abstractmethod
    def tag(self, clients, arn, tags):
        """Add `tags` to the resource, keeping its other tags."""

    @abc.abstractmethod
    def remove(self, clients, resource_id):
        """Delete the resource (and what must go first, such as a bucket's objects)."""

    def read_when_ready(self, clients, resource_id, timeout, clock=time):
        """(the resource as read, seconds waited): read again while it is in a pending state, up to `timeout` s.

        Some resources exist before they are usable (an RDS instance or EFS file system being created), and
        a check of one that is not ready yet would fail a drill whose restore worked."""
        started = clock.monotonic()
        while True:
            found = self.read(clients, resource_id)
            waited = clock.monotonic() - started
            if found is None or found.get('state') not in self.pending_states or waited >= timeout:
                return found, round(waited, 3)
            clock.sleep(min(self.ready_poll, timeout - waited))

    def checks(self, found, expected):
        """The checks beyond exists and ready: one per `expected` key, found equal to expected."""
        return [equal_check(key, expected[key], found.get(key), label)
                for key, label in self.expected.items() if expected.get(key) is not None]

    def all_checks(self, found, expected):
        """exists, ready, then this type's checks; each {name, passed, expected, found, msg}."""
        what = self.kind.replace('_', ' ')
        checks = [{'name': 'exists', 'passed': found is not None, 'expected': True, 'found': found is not None,
                   'msg': '%s %s' % (what, 'exists' if found is not None else 'was not found')}]
        if found is None:
            return checks
        checks.append(equal_check('ready', self.ready_state, found.get('state'), 'state'))
        return checks + self.checks(found, expected)

    def check_expected(self, expected):
        """`expected` keys of another type are refused: they would check nothing here."""
        accepted = sorted(list(self.expected) + list(self.other_expected))
        unknown = sorted(key for key, value in (expected or {}).items() if value is not None and key not in accepted)
        if unknown:
            raise OptionError('expected.%s %s not checked for type %s; its keys: %s' % (
                ', expected.'.join(unknown), 'are' if len(unknown) > 1 else 'is', self.kind, ', '.join(accepted) or 'none'))

    def refuse_unless_ours(self, found, restored_from, required_tags):
        """OperationFailed unless the resource carries the restore tag (of `restored_from` when given) and `required_tags`."""
        tags = found.get('tags') or {}
        what = '%s %s' % (self.kind.replace('_', ' '), found.get('id') or found.get('name'))
        if RESTORED_TAG not in tags:
            raise OperationFailed('Refusing to delete %s: it has no %s tag, so no restore of this collection created it'
                                  % (what, RESTORED_TAG), resource=found)
        if restored_from and tags[RESTORED_TAG] != restored_from:
            raise OperationFailed('Refusing to delete %s: it was restored from %s, not from %s'
                                  % (what, tags[RESTORED_TAG], restored_from), resource=found)
        wrong = sorted(key for key, value in (required_tags or {}).items() if tags.get(key) != str(value))
        if wrong:
            raise OperationFailed('Refusing to delete %s: required_tags %s do not match its tags (%s)'
                                  % (what, ', '.join(wrong), ', '.join('%s=%s' % (key, tags.get(key)) for key in wrong)),
                                  resource=found)


def equal_check(name, want, got, label):
    return {'name': name, 'passed': got == want, 'expected': want, 'found': got,
            'msg': '%s is %s%s' % (label, got, '' if got == want else ', expected %s' % want)}


def tag_dict(tags):
    """AWS's [{Key, Value}] as a dict."""
    return {tag['Key']: tag['Value'] for tag in tags or []}


def tag_list(tags):
    return [{'Key': key, 'Value': str(value)} for key, value in tags.items()]


def given(**values):
    """The values that are set: an expectation nobody stated is not checked."""
    return {key: value for key, value in values.items() if value not in (None, '')}


def flag(metadata, key):
    """A metadata flag as a bool (metadata values are strings, 'true'/'false'), None when the key is absent."""
    return str(metadata[key]).lower() == 'true' if key in metadata else None
