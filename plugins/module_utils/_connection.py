# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""Connection option groups: the base every product's group builds on, and the one of appliances reached
at a URL with a user login (the Veeam products)."""

from __future__ import annotations

import abc

from ansible.module_utils.basic import env_fallback

from ansible_collections.recoverops.restore.plugins.module_utils._checks import URL


def appliance_argspec(env_prefix, api_version):
    """server, username, password, api_version, validate_certs, ca_path, timeout; each but timeout with a
    `<env_prefix>_<OPTION>` environment fallback (the names AWX credential types inject)."""
    def from_env(option, **spec):
        return dict(spec, fallback=(env_fallback, ['%s_%s' % (env_prefix, option.upper())]))

    return {
        'server': from_env('server', type='str'),
        'username': from_env('username', type='str'),
        'password': from_env('password', type='str', no_log=True),
        'api_version': from_env('api_version', type='str', **api_version),
        'validate_certs': from_env('validate_certs', type='bool', default=True),
        'ca_path': from_env('ca_path', type='path'),
        'timeout': {'type': 'int', 'default': 30},
    }


class Connection(abc.ABC):
    """A product's connection option group, composed by its modules: ARGSPEC, check() (run when the
    module is built, so a bad option fails before any request) and client()."""

    ARGSPEC = {}

    def __init__(self, module):
        self.module = module
        self.check()

    @abc.abstractmethod
    def check(self):
        """Fail (module.fail_json) on an option the product would refuse."""

    @abc.abstractmethod
    def client(self):
        """The product's client, authenticated on first use."""

    def check_timeout(self):
        if self.module.params['timeout'] < 1:
            self.module.fail_json(msg='timeout must be 1 or more seconds, got %s' % self.module.params['timeout'])


class ApplianceConnection(Connection):
    """Base of a Veeam product's option group: a subclass sets ENV_PREFIX, EXAMPLE_URL and ARGSPEC, and
    provides client(); check_api_version() is its hook for a version rule the argspec cannot say."""

    ENV_PREFIX = None
    EXAMPLE_URL = None

    def check(self):
        params = self.module.params
        fail = self.module.fail_json
        if not params['server']:
            fail(msg='server is required: set the server option or %s_SERVER to the appliance URL, e.g. %s'
                     % (self.ENV_PREFIX, self.EXAMPLE_URL))
        if not URL.fullmatch(params['server']):
            fail(msg='server must be an http:// or https:// URL such as %s, got %r' % (self.EXAMPLE_URL, params['server']))
        for name in ('username', 'password'):
            if not params[name]:
                fail(msg='%s is required: set the %s option or %s_%s' % (name, name, self.ENV_PREFIX, name.upper()))
        self.check_api_version(params['api_version'])
        self.check_timeout()

    def check_api_version(self, api_version):
        """Fail when api_version is malformed; the argspec's choices cover products with a fixed list."""
