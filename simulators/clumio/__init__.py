"""The Clumio REST API simulator (DynamoDB backups, restores, tasks)."""
