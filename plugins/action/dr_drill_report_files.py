# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a drill's report files into a folder of the controller, or check the folder can be written.

The dr_drill role writes its report on the controller. As copy, file and tempfile tasks that was
a dozen module processes per drill (two per copied file), a few CPU-seconds and seconds of a
drill's length spent on four small files; here it is one task, in the action's own process.
"""
from __future__ import annotations

import errno
import hashlib
import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = {
    'path': {'type': 'path', 'required': True},
    'files': {'type': 'dict', 'default': {}},
    'mode': {'type': 'raw', 'default': '0644'},
    'option': {'type': 'str'},
}
FOLDER_MODE = 0o755


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        result.update(write_files(args['path'], args['files'], args['mode'], args['option'], self._play_context.check_mode))
        return result


def write_files(folder, files, mode='0644', option=None, check_mode=False):
    """{'path', 'files': {name: sha256}, 'changed'}; AnsibleActionFail naming `option` and the folder when it cannot."""
    named = (option + ' ' if option else '') + folder
    mode = _mode(mode)
    for name in files:
        if not isinstance(name, str) or name in ('', '.', '..') or '/' in name or '\0' in name:
            raise AnsibleActionFail('files: %r is not a file name (no folders, not . or ..)' % (name,))
    missing = not os.path.isdir(folder)
    digests = {name: hashlib.sha256(_text(content).encode('utf-8')).hexdigest() for name, content in files.items()}
    if not check_mode:
        try:
            if missing:
                os.makedirs(folder, FOLDER_MODE)
            for name, content in files.items():
                _write(os.path.join(folder, name), _text(content), mode)
            if not files:
                _probe(folder)
        except OSError as exc:
            raise AnsibleActionFail('%s: %s' % (named, exc.strerror or exc)) from None
    return {'path': folder, 'files': digests, 'changed': missing}


def _mode(value):
    try:
        return int(str(value), 8)
    except ValueError:
        raise AnsibleActionFail('mode must be an octal file mode such as 0644, got %r' % (value,)) from None


def _text(content):
    return content if isinstance(content, str) else str(content)


def _write(path, content, mode):
    """Whole or not at all: a reader never sees half a report."""
    descriptor, part = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.' + os.path.basename(path) + '.')
    try:
        with os.fdopen(descriptor, 'w', encoding='utf-8') as written:
            written.write(content)
        os.chmod(part, mode)
        os.replace(part, path)
    except BaseException:
        if os.path.exists(part):
            os.unlink(part)
        raise


def _probe(folder):
    """A file written and removed: a folder that exists but takes no new file fails here (os.access would not say)."""
    descriptor, probe = tempfile.mkstemp(dir=folder, prefix='.dr_drill_probe-')
    os.close(descriptor)
    try:
        os.unlink(probe)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise
