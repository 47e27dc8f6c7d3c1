# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every Clumio module."""

    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Regional Clumio API base URL, the one of the portal the token was created in, for example
        V(https://us-west-2.api.clumio.com), V(https://us-east-1.api.clumio.com),
        V(https://ca-central-1.ca.api.clumio.com), V(https://eu-central-1.de.api.clumio.com) or
        V(https://ap-southeast-2.au.api.clumio.com).
      - If not set, the value of the E(CLUMIO_API_BASE_URL) environment variable is used.
    type: str
    default: https://us-west-2.api.clumio.com
  api_token:
    description:
      - 'Clumio API token, sent as C(Authorization: Bearer <token>).'
      - If not set, the value of the E(CLUMIO_API_TOKEN) environment variable is used.
    type: str
  organizational_unit_id:
    description:
      - Organizational unit to act in, sent as C(X-Clumio-OrganizationalUnit-Context).
      - If not set, the value of the E(CLUMIO_ORGANIZATIONAL_UNIT_CONTEXT) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate.
      - If not set, the value of the E(CLUMIO_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA that signed the server certificate (a proxy's or a lab server's).
      - If not set, the value of the E(CLUMIO_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response.
    type: int
    default: 30
notes:
  - Each request carries the versioned C(Accept) header of its endpoint.
  - Requests answered 429 or 503 are retried with capped exponential backoff, honouring C(Retry-After)
    when sent; 502, 504 and dropped connections are retried for reads only.
requirements:
  - requests
'''

    ACTIONGROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/recoverops.restore.clumio) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - recoverops.restore.clumio
'''
