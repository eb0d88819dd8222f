"""Test 3: boto3 sees AWS's error codes as its modeled exception classes,
with the HTTP status and message AWS sends."""

from iamd_common import client, emit, expect_error

iam = client("iam")
iam.create_user(UserName="alice")
exc = iam.exceptions
errors = []

expect_error(errors, "create-duplicate", iam.create_user, exc.EntityAlreadyExistsException, UserName="alice")
expect_error(errors, "create-duplicate-other-case", iam.create_user, exc.EntityAlreadyExistsException, UserName="ALICE")
expect_error(errors, "get-missing", iam.get_user, exc.NoSuchEntityException, UserName="nobody")
expect_error(errors, "delete-missing", iam.delete_user, exc.NoSuchEntityException, UserName="nobody")
# botocore checks only min lengths client-side: these reach the server.
expect_error(errors, "create-too-long", iam.create_user, UserName="a" * 65)
expect_error(errors, "create-bad-pattern", iam.create_user, UserName="bad name!")

key = iam.create_access_key(UserName="alice")["AccessKey"]
expect_error(errors, "delete-conflict", iam.delete_user, exc.DeleteConflictException, UserName="alice")
iam.delete_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"])
iam.delete_user(UserName="alice")

emit({"errors": errors})
