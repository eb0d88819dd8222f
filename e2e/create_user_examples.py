"""Test 1: the two documented CreateUser examples.

boto3: client.create_user(UserName='Bob'); then the Query API request
Action=CreateUser&Path=/division_abc/subdivision_xyz/&UserName=Bob&Version=2010-05-08
as a SigV4-signed POST, whose raw response the Go test checks.
"""

import datetime
import re

from iamd_common import ACCOUNT, client, emit, signed_post

iam = client("iam")
resp = iam.create_user(UserName="Bob")
user = resp["User"]
assert user["Path"] == "/", user
assert user["UserName"] == "Bob", user
assert re.fullmatch(r"AIDA[A-Z0-9]{17}", user["UserId"]), user
assert user["Arn"] == "arn:aws:iam::%s:user/Bob" % ACCOUNT, user
assert isinstance(user["CreateDate"], datetime.datetime), user
assert user["CreateDate"].tzinfo is not None, user
age = datetime.datetime.now(datetime.timezone.utc) - user["CreateDate"]
assert abs(age) < datetime.timedelta(minutes=5), user
meta = resp["ResponseMetadata"]
assert meta["HTTPStatusCode"] == 200, meta
assert meta["RequestId"] and meta["RequestId"] == meta["HTTPHeaders"].get("x-amzn-requestid"), meta

# The Query example creates Bob too (with a path): free the name.
iam.delete_user(UserName="Bob")

body = "Action=CreateUser&Path=/division_abc/subdivision_xyz/&UserName=Bob&Version=2010-05-08"
status, headers, text = signed_post(body)

emit({
    "boto3": {"User": dict(user, CreateDate=user["CreateDate"].strftime("%Y-%m-%dT%H:%M:%SZ"))},
    "raw": {"status": status, "request_id_header": headers.get("x-amzn-RequestId"), "body": text},
})
