"""Storage port implementations. Only this package (and ``events``) may import boto3."""
