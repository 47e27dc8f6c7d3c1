# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action for the aws_backup_restore module: shows each poll of its wait in the task output."""
from __future__ import annotations

from ansible_collections.recoverops.restore.plugins.plugin_utils._progress_action import ProgressAction


class ActionModule(ProgressAction):
    """See plugins/plugin_utils/_progress_action.py."""
