"""Cart core: the vendor-neutral cart domain shared by every API face.

Everything here is pure Python except ``store`` (DynamoDB) and ``events`` (EventBridge),
the only modules allowed to import boto3 (botocore, in fact: store/clients.py).
"""
