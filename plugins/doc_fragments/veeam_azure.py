# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every Veeam Backup for Microsoft Azure module."""

    DOCUMENTATION = r'''
options:
  server:
    description:
      - URL of the Veeam Backup for Microsoft Azure appliance (HTTPS, port 443 by default).
      - If not set, the value of the E(VEEAM_AZURE_SERVER) environment variable is used.
    type: str
  username:
    description:
      - User that logs in to the REST API. Use a service account without multi-factor authentication;
        an account with MFA enabled is refused with a clear message.
      - If not set, the value of the E(VEEAM_AZURE_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(VEEAM_AZURE_PASSWORD) environment variable is used.
    type: str
  api_version:
    description:
      - REST API version, the path segment of every request (C(/api/v8.1/...)).
      - Veeam Backup for Microsoft Azure 8.1 serves V(v8.1), V(v8), V(v7) and V(v6).
      - V(v1) reads the archived restore point listing of Veeam Backup for Microsoft Azure 1.0
        (C(GET /api/v1/restorePoints)); only M(recoverops.restore.veeam_azure_vm_restore_point_info) supports it.
      - If not set, the value of the E(VEEAM_AZURE_API_VERSION) environment variable is used.
    type: str
    choices: [v8.1, v8, v7, v6, v1]
    default: v8.1
  validate_certs:
    description:
      - Verify the server's TLS certificate. Appliances ship a self-signed certificate; prefer O(ca_path)
        to turning this off.
      - If not set, the value of the E(VEEAM_AZURE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA (or the self-signed certificate) that signed the appliance's certificate.
      - If not set, the value of the E(VEEAM_AZURE_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response.
    type: int
    default: 30
notes:
  - The module logs in at C(/api/oauth2/token) with C(grant_type=Password), refreshes the access token with
    C(grant_type=Refresh_token) before it expires (and after a 401), logs in again when the refresh is refused,
    and logs out (C(DELETE /api/oauth2/token)) at the end.
  - A read the appliance answers with C(202) and an asynchronous operation is followed through
    C(/operations/{id}) to its result.
  - Requests answered 429 or 503 are retried with capped exponential backoff, honouring C(Retry-After);
    502, 504 and dropped connections are retried for reads only.
requirements:
  - requests
'''

    ACTIONGROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/recoverops.restore.veeam_azure) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - recoverops.restore.veeam_azure
'''
