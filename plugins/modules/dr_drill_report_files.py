#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: dr_drill_report_files
short_description: Write a DR drill's report files into a folder of the controller, or check it can be written
version_added: 1.1.0
description:
  - Creates the folder O(path) if it is missing (an existing folder keeps its mode), then writes each of O(files), each
    file whole or not at all (written beside it and renamed), and returns the SHA-256 of each.
  - With no O(files) it checks that the folder can be written instead, by writing a file and removing it; a folder that
    exists but takes no new file (a read-only or full file system, one the user may not write) fails here. The
    C(recoverops.restore.dr_drill) role does so for its report and history folders before any restore starts.
  - One task for all the files, in the controller's process, where a copy task per file would run two module
    processes each.
  - This is an action plugin; it runs on the controller, whatever the host.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.attributes
attributes:
  check_mode:
    support: full
    details: Writes, creates and probes nothing; C(changed) says whether the folder would be created.
  diff_mode:
    support: none
  action:
    description: The files are written by the action plugin, on the controller.
    support: full
options:
  path:
    description:
      - The folder, on the controller. Missing folders are created (mode C(0755)).
    type: path
    required: true
  files:
    description:
      - File name to text content (UTF-8). A name is a plain file name, no folder.
      - Empty to check the folder can be written.
    type: dict
    default: {}
  mode:
    description:
      - The files' mode, in octal.
    type: raw
    default: '0644'
  option:
    description:
      - The setting that named O(path), put before the path in an error (V(dr_drill_report_dir) for example).
    type: str
'''

EXAMPLES = r'''
- name: Check the report folder can be written, before any restore starts
  recoverops.restore.dr_drill_report_files:
    path: /var/lib/dr/report
    option: dr_drill_report_dir

- name: Write the report
  recoverops.restore.dr_drill_report_files:
    path: /var/lib/dr/report
    files:
      report.json: "{{ report | to_nice_json }}"
      report.md: "{{ report | recoverops.restore.dr_drill_markdown }}"
'''

RETURN = r'''
path:
  description: The folder.
  returned: always
  type: str
files:
  description: File name to the SHA-256 (hex) of the content written.
  returned: always
  type: dict
'''
