from __future__ import annotations

import pathlib

import pytest
import yaml

from ansible_collections.recoverops.restore.plugins.module_utils import _veeam_aws, _veeam_azure

COLLECTION = pathlib.Path(__file__).resolve().parents[4]
CONNECTIONS = {'veeam_aws': _veeam_aws.VeeamAwsConnection, 'veeam_azure': _veeam_azure.VeeamAzureConnection}


def env_fallbacks(connection):
    return {name: spec['fallback'][1] for name, spec in connection.ARGSPEC.items() if 'fallback' in spec}


@pytest.mark.parametrize('product', sorted(CONNECTIONS))
def test_every_injected_variable_is_an_env_fallback_of_the_modules(product):
    credential_type = yaml.safe_load((COLLECTION / 'extensions' / 'awx' / 'credential_types' / ('%s.yml' % product)).read_text())
    fallbacks = env_fallbacks(CONNECTIONS[product])
    known = {variable for variables in fallbacks.values() for variable in variables}
    injected = credential_type['injectors']['env']
    assert set(injected) <= known, set(injected) - known
    # the secret and the login are injected, and the secret field is marked secret
    for option in ('server', 'username', 'password'):
        assert set(fallbacks[option]) & set(injected), option
    secret_fields = {field['id'] for field in credential_type['inputs']['fields'] if field.get('secret')}
    assert secret_fields == {'password'}
