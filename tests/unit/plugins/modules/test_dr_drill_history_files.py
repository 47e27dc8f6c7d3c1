# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dr_drill_history keeps a report's HTML, Markdown and JUnit files beside its report.json (they outlive an AWX job)."""

from __future__ import annotations

import json

from ansible_collections.recoverops.restore.plugins.modules import dr_drill_history, dr_drill_history_info

KEY = 'monthly/2026-10-01T100000Z_11111111-1111-4111-8111-111111111111.json'
REPORT = json.dumps({'id': '11111111-1111-4111-8111-111111111111', 'name': 'Monthly', 'started_at': '2026-10-01T10:00:00Z',
                     'status': 'passed', 'history': {'key': KEY, 'previous': None}, 'items': []})


def test_the_report_files_are_kept_beside_the_report(run_module, tmp_path):
    files = {'report.html': '<html></html>', 'report.md': '# Monthly', 'junit.xml': '<testsuites/>'}
    rc, result = run_module(dr_drill_history, {'directory': str(tmp_path), 'key': KEY, 'content': REPORT, 'files': files},
                            connection=False)
    assert rc == 0 and result['changed']
    assert result['files']['report.html']['location'] == str(tmp_path / 'monthly' / '2026-10-01T100000Z_11111111-1111-4111-8111-111111111111.report.html')
    assert (tmp_path / 'monthly' / '2026-10-01T100000Z_11111111-1111-4111-8111-111111111111.junit.xml').read_text() == '<testsuites/>'
    rc, result = run_module(dr_drill_history_info, {'directory': str(tmp_path)}, connection=False)
    assert rc == 0 and result['verified'] and result['drills'][0]['count'] == 1


def test_an_unknown_file_name_fails_before_writing(run_module, tmp_path):
    rc, result = run_module(dr_drill_history, {'directory': str(tmp_path), 'key': KEY, 'content': REPORT,
                                               'files': {'../notes.txt': 'x'}}, connection=False)
    assert rc == 1 and 'is not one of the report files' in result['msg'] and list(tmp_path.iterdir()) == []
