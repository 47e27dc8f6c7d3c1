# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dr_drill_report_files: the report written whole, a folder that takes no file refused naming its setting."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.recoverops.restore.plugins.action.dr_drill_report_files import write_files


def test_the_files_are_written_with_their_digests_and_a_missing_folder_is_created(tmp_path):
    folder = tmp_path / 'reports' / 'june'
    written = write_files(str(folder), {'report.json': '{"passed": 3}\n', 'report.md': '# Drill \u2713\n'})
    assert written['changed'] is True
    assert (folder / 'report.md').read_text(encoding='utf-8') == '# Drill \u2713\n'
    assert written['files']['report.md'] == hashlib.sha256('# Drill \u2713\n'.encode('utf-8')).hexdigest()
    assert stat.S_IMODE(os.stat(folder / 'report.json').st_mode) == 0o644
    assert sorted(os.listdir(folder)) == ['report.json', 'report.md']  # no part files left behind
    again = write_files(str(folder), {'report.json': '{"passed": 2}\n'})
    assert again['changed'] is False and (folder / 'report.json').read_text() == '{"passed": 2}\n'


def test_an_existing_folder_keeps_its_mode(tmp_path):
    folder = tmp_path / 'kept'
    folder.mkdir(mode=0o700)
    write_files(str(folder), {'junit.xml': '<testsuites/>'})
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700


@pytest.mark.parametrize('name', ['../escape.json', 'sub/report.json', '..', '', '.'])
def test_a_name_that_is_not_a_plain_file_name_is_refused_before_anything_is_written(tmp_path, name):
    with pytest.raises(AnsibleActionFail, match='is not a file name'):
        write_files(str(tmp_path / 'new'), {name: 'x', 'ok.md': 'y'})
    assert not (tmp_path / 'new').exists()


def test_a_folder_that_cannot_be_made_is_named_with_its_setting(tmp_path):
    (tmp_path / 'a-file').write_text('not a folder')
    with pytest.raises(AnsibleActionFail) as refused:
        write_files(str(tmp_path / 'a-file' / 'history'), {}, option='dr_drill_history_dir')
    assert str(refused.value) == 'dr_drill_history_dir %s/a-file/history: Not a directory' % tmp_path


def test_a_probe_leaves_the_folder_as_it_was(tmp_path):
    (tmp_path / 'old.json').write_text('{}')
    assert write_files(str(tmp_path), {})['changed'] is False
    assert os.listdir(tmp_path) == ['old.json']


def test_check_mode_writes_and_creates_nothing_but_says_it_would_create_the_folder(tmp_path):
    written = write_files(str(tmp_path / 'new'), {'report.md': 'x'}, check_mode=True)
    assert written['changed'] is True and written['files']['report.md'] == hashlib.sha256(b'x').hexdigest()
    assert not (tmp_path / 'new').exists()


def test_a_mode_that_is_not_octal_is_refused(tmp_path):
    with pytest.raises(AnsibleActionFail, match="mode must be an octal file mode such as 0644, got '0o64x'"):
        write_files(str(tmp_path), {'a': 'b'}, mode='0o64x')
