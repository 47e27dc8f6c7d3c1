# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this plugin_util is internal to recoverops.restore and may change at any time.
"""One drill item from its restore point to its record: find, check, restore, verify, clean up.

The steps, the modules they run and the arguments they pass are those restore_latest and the
dr_drill role's tasks passed before (../shared/DESIGN.md "What a drill's verdict means"): the point
must be the source's and within the item's RPO before anything starts; a table or resource is
claimed (tagged) before it is removed, and only what this item's restore made is removed; the
restored data is checked by dynamodb_table_info and aws_restored_resource_info, not here. This file
only orders those module runs and records what they said, so the verdict rules stay in the modules.

`run_module(name, args)` runs one of the collection's modules and returns its result dict (the
action plugin dr_drill_run runs them in its own process); `save(record)` keeps the record as it
stands after the find and after the restore, so a process stopped later still reports the point and
the job; `now()` gives the time as the report writes it. Nothing here talks to a product.
"""

from __future__ import annotations

import datetime
import json
import os

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.recoverops.restore.plugins.module_utils._aws_backup_types import BY_KIND
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import (
    age_seconds,
    human_duration,
    parse_duration,
)
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import PROGRESS_FILE_ENV
from ansible_collections.recoverops.restore.plugins.plugin_utils import _products

# The modules that find a product's points and restore them.
FIND_MODULE = {
    'veeam_aws': 'veeam_aws_dynamodb_restore_point_info',
    'veeam_azure': 'veeam_azure_vm_restore_point_info',
    'clumio': 'clumio_dynamodb_backup_info',
    'aws_backup': 'aws_backup_recovery_point_info',
    'dynamodb': 'dynamodb_backup_info',
}
RESTORE_MODULE = {
    'veeam_aws': 'veeam_aws_dynamodb_restore',
    'veeam_azure': 'veeam_azure_vm_restore',
    'clumio': 'clumio_dynamodb_restore',
    'aws_backup': 'aws_backup_restore',
    'dynamodb': 'dynamodb_restore',
}
# The restore option naming the point, per product.
POINT_OPTION = {'veeam_aws': 'restore_point_id', 'veeam_azure': 'restore_point_id', 'clumio': 'backup_id',
                'aws_backup': 'recovery_point_arn', 'dynamodb': 'backup_arn'}
# What else an item of each product may run: reading, claiming and removing a restored table (and, for Veeam Backup for
# AWS and Clumio, reading the target first), and AWS Backup's other resource types.
TABLE_MODULES = ('dynamodb_table_info', 'dynamodb_restored_table')
MORE_MODULES = {'veeam_aws': TABLE_MODULES, 'clumio': TABLE_MODULES, 'dynamodb': TABLE_MODULES, 'veeam_azure': (),
                'aws_backup': TABLE_MODULES + ('aws_restored_resource_info', 'aws_restored_resource')}


def modules_for(products):
    """Every module the items of these products may run, for the action to load (and resolve defaults for) before it forks."""
    return sorted({module for product in products for module in (FIND_MODULE[product], RESTORE_MODULE[product]) + MORE_MODULES[product]})


def utc_now():
    """The time as the report writes it: UTC, milliseconds, Z."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat(timespec='milliseconds') + 'Z'


class ItemStopped(Exception):
    """The item stopped before its restore was sent; the message says why."""


class DrillItem:
    """One item of a drill, run to its record.

    `drill` holds the drill's settings: name, cleanup, wait_timeout, poll_interval, ready_timeout,
    progress_dir and check_mode.
    """

    def __init__(self, item, drill, run_module, save=None, now=utc_now):
        self.item, self.drill, self.now = item, drill, now
        self._run_module, self.save, self.warnings = run_module, save or (lambda record: None), []
        self.product = item['product']
        self.source = item.get('source') or {}
        self.target = item.get('target') or {}
        self.verify = item.get('verify') or {}
        self.progress_file = os.path.join(drill['progress_dir'], progress_file_name(item['name']))

    def run_module(self, name, args):
        """The module's result; its warnings are kept for the record (the parent process shows them)."""
        result = self._run_module(name, args)
        self.warnings.extend(warning_text(warning) for warning in result.get('warnings') or [])
        self.warnings.extend('deprecated: ' + warning_text(warning) for warning in result.get('deprecations') or [])
        return result

    def run(self):
        """The item's record, with the modules' warnings."""
        record = self._run()
        record['warnings'] = self.warnings
        return record

    def _run(self):
        """The item's record, as the drill report reads it; never raises for what a module said."""
        record = {'item': self.item, 'started_at': self.now(), 'restore_point': None, 'job_id': None,
                  'phases': [], 'errors': [], 'job': None, 'checks': [], 'cleaned_up': False}
        try:
            point = self._find(record)
        except Exception as stopped:  # pylint: disable=broad-exception-caught
            # ItemStopped says why no restore was sent; anything else broke the checks, which sends none either.
            why = str(stopped) if isinstance(stopped, ItemStopped) else 'the restore point could not be checked (%s: %s); no restore was ' \
                'started' % (type(stopped).__name__, stopped)
            record['finished_at'] = self.now()
            record['phases'] = [{'name': 'find', 'start': record['started_at'], 'end': record['finished_at']}]
            record['errors'] = [why]
            return record
        record['restore_requested_at'] = self.now()
        record['phases'] = [{'name': 'find', 'start': record['started_at'], 'end': record['restore_requested_at']}]
        self.save(dict(record, warnings=self.warnings))
        record['job'] = job = summarize(self.product, self._restore(point))
        record['job_id'] = job['id']
        self.save(dict(record, warnings=self.warnings))
        try:
            verified = self._verify(record, point, job)
        except Exception as broke:  # pylint: disable=broad-exception-caught
            # The job and the point stay in the record: the report names the restore, and what it made may need removing.
            record['errors'].append('verifying the restore stopped with %s: %s; nothing was removed' % (type(broke).__name__, broke))
            verified = {'checks': [], 'cleaned_up': False, 'phase': None, 'cleanup_phase': None}
        record['checks'], record['cleaned_up'] = verified['checks'], verified['cleaned_up']
        record['phases'] += [phase for phase in (verified['phase'], verified['cleanup_phase']) if phase]
        record['finished_at'] = self.now()
        return record

    # Find and check the point (restore_latest's checks, before anything starts)

    def _find(self, record):
        point_in_time = self.item.get('point_in_time') or None
        source = _products.canonical_source(self.product, self.source)
        args = {key: source[key] for key in _products.PRODUCTS[self.product]['source'] if key in source}
        # The info modules take one of latest and point_in_time (they are mutually exclusive, even latest: false).
        args.update({'point_in_time': point_in_time} if point_in_time else {'latest': True})
        if self.product == 'dynamodb':
            args['include_pitr'] = False
        found = self.run_module(FIND_MODULE[self.product], args)
        if found.get('failed'):
            raise ItemStopped(found.get('msg') or 'the restore point could not be found')
        point = (found.get('restore_points') or [None])[0]
        if point is None:
            raise ItemStopped('%s has no restore point for %s%s; no restore was started' % (
                self.product, json.dumps(self.source, sort_keys=True), ' at or before %s' % point_in_time if point_in_time else ''))
        # The report shows a refused point and its age, so it is recorded before the checks.
        record['restore_point'] = point
        mismatch = _products.identity_problems(self.product, source, point)
        if mismatch:
            raise ItemStopped('%s; no restore was started' % '; '.join(mismatch))
        rpo = self.item.get('rpo')
        if rpo is not None and age_seconds(point) > parse_duration(rpo):
            raise ItemStopped('the newest restore point %s was created %s, %s ago, older than the rpo %s; no restore was started' % (
                point.get('id'), point.get('created_at'), human_duration(age_seconds(point)), rpo))
        return point

    # Restore

    def _restore(self, point):
        target, args = self.target, {}
        for key in _products.PRODUCTS[self.product]['target']:
            if key in target:
                args[key] = target[key]
        args[POINT_OPTION[self.product]] = point['id']
        args.update(self._product_arguments(point))
        args.update(wait=True, wait_timeout=self.drill['wait_timeout'], poll_interval=self.drill['poll_interval'])
        os.environ[PROGRESS_FILE_ENV] = self.progress_file
        try:
            return self.run_module(RESTORE_MODULE[self.product], args)
        finally:
            del os.environ[PROGRESS_FILE_ENV]

    def _product_arguments(self, point):
        """What restore_latest's <product>/restore.yml added to the target's own keys."""
        target, reason = self.target, '%s: %s' % (self.drill['name'], self.item['name'])
        if self.product == 'veeam_aws':
            exists = self._target_exists(self._veeam_target_table(point))
            return dict({'restore_to_original': target.get('restore_to_original', False), 'reason': target.get('reason', reason)}, **exists)
        if self.product == 'veeam_azure':
            return {'reason': target.get('reason', reason), 'allow_overwrite': target.get('allow_overwrite', False)}
        if self.product == 'clumio':
            # Only a target named by account and region, in the point's account (the one these credentials reach):
            # an environment_id's account and region are Clumio's to say, and a table read elsewhere is another table.
            if 'environment_id' not in target and target.get('target_account_id', '') == point.get('account'):
                return self._target_exists((target.get('target_table_name'), target.get('target_region')))
            return {}
        if self.product == 'aws_backup':
            vault = {'backup_vault_name': self.source.get('backup_vault_name') or (point.get('raw') or {}).get('BackupVaultName')}
            if 'backup_vault_account_id' in self.source:
                vault['backup_vault_account_id'] = self.source['backup_vault_account_id']
            return vault
        return {}

    def _veeam_target_table(self, point):
        target = self.target
        name = point.get('resource_name') if boolean(target.get('restore_to_original', False), strict=False) else \
            target.get('target_table_name', point.get('resource_name'))
        return name, target.get('target_region') or point.get('region')

    def _target_exists(self, table):
        """{'target_exists': ...} read off DynamoDB, or {} when it cannot be read (the module then goes by the product)."""
        name, region = table
        args = {'table_name': name}
        if region:
            args['region'] = region
        read = self.run_module('dynamodb_table_info', args)
        return {} if read.get('failed') or 'exists' not in read else {'target_exists': read['exists']}

    # Verify and clean up

    def _verify(self, record, point, job):
        nothing = {'checks': [], 'cleaned_up': False, 'phase': None, 'cleanup_phase': None}
        created = job.get('created_resource') or {}
        kind = created.get('type') or ''
        wanted = boolean(self.verify.get('enabled', True), strict=False)
        if kind == 'azure_vm' and job['outcome'] in ('succeeded', 'warning'):
            return dict(nothing, checks=[vm_check(job, created)])
        if job['outcome'] != 'succeeded' or not wanted:
            return nothing
        if kind == 'dynamodb_table':
            return self._verify_table(record, point, job, created)
        if kind in BY_KIND:
            return self._verify_resource(point, job, created)
        return nothing

    def _cleanup_wanted(self):
        # Not in check mode: a restore found already done would be claimed and removed "in check mode", and reported removed.
        return boolean(self.item.get('cleanup', self.drill['cleanup']), strict=False) and not self.drill.get('check_mode')

    def _verify_table(self, record, point, job, created):
        name, region = created['name'], created.get('region') or ''
        # Never the source table (a restore to the original location), whatever cleanup says: the plan refuses that
        # combination, and this holds even if a product reports its source as the restored table.
        remove = self._cleanup_wanted() and not (name == (point.get('resource_name') or '') and region in ('', point.get('region') or ''))
        located = dict({'table_name': name}, **({'region': region} if region else {}))
        started = self.now()
        claim = None
        if remove:
            # The table must be younger than the restore that made it: this item's, or the earlier run's restore the
            # product handed back (a rerun starts none). An older table was not restored at all.
            claim = self.run_module('dynamodb_restored_table', dict(
                located, state='present', restored_from=point.get('id') or job['id'],
                created_after=min(moment for moment in (record['started_at'], job.get('started_at')) if moment),
                tags={'recoverops:drill': self.drill['name']}))
        table = self.run_module('dynamodb_table_info', dict(located, checks=self._table_checks(point)))
        checks = table_checks(name, table, claim)
        ended = self.now()
        removed = None
        if remove and not claim.get('failed'):
            removed = self.run_module('dynamodb_restored_table', dict(
                located, state='absent', required_tags={'recoverops:drill': self.drill['name']}))
            checks.append(cleanup_check(removed, 'table %s removed' % name))
        return verified(checks, removed, started, ended, self.now())

    def _table_checks(self, point):
        verify, checks = self.verify, {}
        # No product documents its count of a point's items as exact (DESIGN "What a drill's verdict means"), so it is
        # reported beside the restored count, never the count expected: that is the drill's own item_count.
        for option, key in (('expected_count', 'item_count'), ('min_items', 'min_items'), ('expected_items', 'expected_items'),
                            ('expected_fingerprint', 'fingerprint')):
            if key in verify:
                checks[option] = verify[key]
        raw = point.get('raw') if isinstance(point.get('raw'), dict) else {}
        product_count = raw.get('item_count', raw.get('itemCount'))
        if product_count is not None:
            checks['product_count'] = product_count
        if boolean(verify.get('compare_with_source', True), strict=False) and point.get('resource_name'):
            compare = {'table_name': point['resource_name'], 'region': point.get('region'), 'account': point.get('account'),
                       'sample_size': verify.get('sample_size', 100), 'point_created_at': point.get('created_at')}
            if 'modified_after_attribute' in verify:
                compare['modified_after_attribute'] = verify['modified_after_attribute']
            checks['compare_with_source'] = compare
        return checks

    def _verify_resource(self, point, job, created):
        located = {'type': created['type'], 'id': created['id']}
        if created.get('region'):
            located['region'] = created['region']
        metadata = (job.get('request') or {}).get('Metadata') or {}
        started = self.now()
        read = self.run_module('aws_restored_resource_info', dict(
            located, expected=BY_KIND[created['type']].drill_expected(point, metadata, self.verify), ready_timeout=self.drill['ready_timeout']))
        checks = list(read.get('checks') or [{'name': 'exists', 'passed': False, 'expected': created['id'], 'found': None,
                                              'msg': read.get('msg') or 'not read'}])
        ended = self.now()
        removed = None
        if self._cleanup_wanted() and read.get('exists'):
            removed = self.run_module('aws_restored_resource', dict(located, restored_from=point['id'], state='absent'))
            checks.append(cleanup_check(removed, '%s %s removed' % (created['type'].replace('_', ' '), created['id'])))
        return verified(checks, removed, started, ended, self.now())


def warning_text(warning):
    """A module's warning as text: a string, or (ansible-core 2.19+) a serialized summary."""
    if isinstance(warning, dict):
        return (warning.get('event') or {}).get('msg') or warning.get('msg') or str(warning)
    return str(warning)


def progress_file_name(name):
    return ''.join(char if char.isascii() and (char.isalnum() or char in '_.-') else '_' for char in name) + '.jsonl'


def summarize(product, result):
    """The module's normalized job (DESIGN.md "The normalized restore job") with the task's changed and msg.

    A module that failed before it read the restore point returns no job.
    """
    failed = bool(result.get('failed'))
    job = result.get('job') or {'id': None, 'product': product, 'reused': False, 'state': None,
                                'outcome': 'failed' if failed else 'not_started', 'started_at': None, 'finished_at': None,
                                'finished_at_observed': False, 'duration_seconds': None, 'created_resource': None}
    outcome = 'failed' if failed and job.get('outcome') in ('running', 'succeeded') else job.get('outcome')
    return dict(job, id=job.get('id'), status=job.get('state'), changed=bool(result.get('changed')), msg=result.get('msg', ''),
                outcome=outcome)


def table_checks(name, table, claim):
    info = table.get('table') or {}
    exists = bool(table.get('exists'))
    checks = [
        {'name': 'exists', 'passed': exists, 'expected': name, 'found': info.get('arn'),
         'msg': 'table %s %s' % (name, 'exists' if exists else 'was not found ' + (table.get('msg') or ''))},
        {'name': 'active', 'passed': info.get('status', '') == 'ACTIVE', 'expected': 'ACTIVE', 'found': info.get('status', 'missing'),
         'msg': 'table %s is %s' % (name, info.get('status', 'missing'))},
    ]
    if claim is not None:
        checks.append({'name': 'claimed', 'passed': not claim.get('failed'),
                       'msg': 'tagged for the drill' if not claim.get('failed') else claim.get('msg') or 'could not be tagged'})
    return checks + list(table.get('checks') or [])


def cleanup_check(removed, done):
    return {'name': 'cleanup', 'passed': not removed.get('failed'), 'msg': removed.get('msg') or done}


def verified(checks, removed, started, ended, cleaned):
    return {'checks': checks, 'cleaned_up': removed is not None and not removed.get('failed'),
            'phase': {'name': 'verify', 'start': started, 'end': ended},
            'cleanup_phase': {'name': 'cleanup', 'start': ended, 'end': cleaned} if removed is not None else None}


def vm_check(job, vm):
    recorded = boolean(vm.get('recorded', False), strict=False)
    where = ' in %s' % vm['resource_group'] if 'resource_group' in vm else ''
    return {'name': 'restored_vm', 'passed': recorded, 'expected': vm.get('name'), 'found': vm.get('name') if recorded else None,
            'msg': 'session %s restored VM %s%s' % (job['id'], vm.get('name'), where) if recorded
            else 'session %s names no restored VM %s' % (job['id'], vm.get('name'))}
