"""The dr_drill role's default history folder, rendered as Ansible renders it: beside the report folder."""
from __future__ import annotations

import pathlib

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

DEFAULTS = pathlib.Path(__file__).resolve().parents[4] / 'roles' / 'dr_drill' / 'defaults' / 'main.yml'


@pytest.mark.parametrize('report_dir, history_dir', [
    ('out', './dr_drill_history'),
    ('out/', './dr_drill_history'),
    ('reports/out', 'reports/dr_drill_history'),
    ('/srv/drills/report/', '/srv/drills/dr_drill_history'),
    ('/report', '/dr_drill_history'),
])
def test_the_default_history_folder_is_beside_the_report_folder(report_dir, history_dir):
    expression = yaml.safe_load(DEFAULTS.read_text())['dr_drill_history_dir']
    templar = Templar(loader=DataLoader(), variables={'dr_drill_report_dir': report_dir})
    assert templar.template(trust_as_template(expression)) == history_dir
