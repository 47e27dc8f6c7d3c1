# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every AWS Backup and DynamoDB module: amazon.aws's names and env vars."""

    DOCUMENTATION = r'''
options:
  access_key:
    description:
      - AWS access key ID.
      - If not set, the value of the E(AWS_ACCESS_KEY_ID) or E(AWS_ACCESS_KEY) environment variable is used,
        then boto3's own chain (shared credentials file, instance or task role).
    type: str
    aliases: [aws_access_key_id, aws_access_key]
  secret_key:
    description:
      - AWS secret access key.
      - If not set, the value of the E(AWS_SECRET_ACCESS_KEY) or E(AWS_SECRET_KEY) environment variable is used.
    type: str
    aliases: [aws_secret_access_key, aws_secret_key]
  session_token:
    description:
      - AWS session token, for temporary credentials.
      - If not set, the value of the E(AWS_SESSION_TOKEN) or E(AWS_SECURITY_TOKEN) environment variable is used
        (AWX's built-in Amazon Web Services credential injects the latter).
    type: str
    aliases: [aws_session_token]
  profile:
    description:
      - A named profile of the AWS shared config and credentials files. Mutually exclusive with the keys.
      - If not set, the value of the E(AWS_PROFILE) or E(AWS_DEFAULT_PROFILE) environment variable is used.
    type: str
    aliases: [aws_profile]
  region:
    description:
      - The AWS region, for example V(us-east-1).
      - If not set, the value of the E(AWS_REGION) or E(AWS_DEFAULT_REGION) environment variable is used.
    type: str
    aliases: [aws_region]
  endpoint_url:
    description:
      - URL of the module's service endpoint (AWS Backup or DynamoDB), for a VPC endpoint or a test server.
      - If not set, the value of the E(AWS_URL) environment variable is used; then botocore's own
        E(AWS_ENDPOINT_URL_BACKUP) and E(AWS_ENDPOINT_URL_DYNAMODB). A second service a module calls
        always follows the E(AWS_ENDPOINT_URL_<SERVICE>) variables.
    type: str
    aliases: [aws_endpoint_url]
  validate_certs:
    description:
      - Verify the endpoint's TLS certificate.
    type: bool
    default: true
  aws_ca_bundle:
    description:
      - PEM file of the CA bundle to verify the endpoint's certificate with.
      - If not set, the value of the E(AWS_CA_BUNDLE) environment variable is used.
    type: path
  aws_config:
    description:
      - 'Extra botocore C(Config) parameters, for example C({connect_timeout: 5, retries: {max_attempts: 20}}).'
    type: dict
notes:
  - Throttling, 5xx answers and dropped connections are retried by botocore's standard retry mode
    (10 attempts, jittered exponential backoff); O(aws_config) can change that.
requirements:
  - boto3
'''

    ACTIONGROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/recoverops.restore.aws) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - recoverops.restore.aws
'''
