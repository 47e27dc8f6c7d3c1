"""The AWS Backup simulator (recovery points, restore metadata, restore jobs into moto DynamoDB)."""
