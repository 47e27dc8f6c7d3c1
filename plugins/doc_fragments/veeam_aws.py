# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every Veeam Backup for AWS module."""

    DOCUMENTATION = r'''
options:
  server:
    description:
      - URL of the Veeam Backup for AWS appliance's REST API, with its port (11005 by default).
      - If not set, the value of the E(VEEAM_AWS_SERVER) environment variable is used.
    type: str
  username:
    description:
      - User that logs in to the REST API. Use a service account without multi-factor authentication;
        an account with MFA enabled is refused with a clear message.
      - If not set, the value of the E(VEEAM_AWS_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(VEEAM_AWS_PASSWORD) environment variable is used.
    type: str
  api_version:
    description:
      - REST API revision sent in the C(x-api-version) header of every request.
      - DynamoDB resources exist from V(1.5-rev0) on; V(1.7-rev0) is Veeam Backup for AWS 9.0.
      - If not set, the value of the E(VEEAM_AWS_API_VERSION) environment variable is used.
    type: str
    default: 1.7-rev0
  validate_certs:
    description:
      - Verify the server's TLS certificate. Appliances ship a self-signed certificate; prefer O(ca_path)
        to turning this off.
      - If not set, the value of the E(VEEAM_AWS_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA (or the self-signed certificate) that signed the appliance's certificate.
      - If not set, the value of the E(VEEAM_AWS_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response.
    type: int
    default: 30
notes:
  - The module logs in with the OAuth2 password grant, refreshes the access token before it expires
    (and after a 401), logs in again when the refresh token has expired too, and logs out at the end.
  - Requests answered 429 or 503 are retried with capped exponential backoff, honouring C(Retry-After);
    502, 504 and dropped connections are retried for reads only.
requirements:
  - requests
'''

    ACTIONGROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/recoverops.restore.veeam_aws) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - recoverops.restore.veeam_aws
'''
