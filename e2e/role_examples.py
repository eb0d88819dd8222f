"""The boto3 documentation's role examples (run by e2e_iam_test.go).

client.create_role(Path='/', RoleName='Test-Role',
AssumeRolePolicyDocument=<the documented trust policy>), then get_role and
list_roles. botocore URL-decodes and JSON-parses every policyDocumentType
member; the Go test checks the values, this script also reports the raw
<AssumeRolePolicyDocument> of a Query GetRole to show the server
URL-encodes it on the wire.
"""

import datetime
import json
import xml.etree.ElementTree as ET

from iamd_common import client, emit, signed_post

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole",
    }],
})


def plain(role):
    """A role as JSON: datetimes as RFC 3339, the policy document's Python
    type reported next to it."""
    out = {}
    for k, v in role.items():
        if isinstance(v, datetime.datetime):
            out[k] = v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            out[k + ".tz"] = v.tzinfo is not None
        elif k == "RoleLastUsed" and isinstance(v, dict):
            out[k] = {kk: (vv.isoformat() if isinstance(vv, datetime.datetime) else vv) for kk, vv in v.items()}
        else:
            out[k] = v
        if k == "AssumeRolePolicyDocument":
            out[k + ".type"] = type(v).__name__
    return out


iam = client("iam")
created = iam.create_role(Path="/", RoleName="Test-Role", AssumeRolePolicyDocument=TRUST)["Role"]
got = iam.get_role(RoleName="Test-Role")["Role"]
listed = iam.list_roles()["Roles"]

status, headers, text = signed_post("Action=GetRole&RoleName=Test-Role&Version=2010-05-08")
raw_doc = None
try:
    root = ET.fromstring(text)
    for el in root.iter():
        if el.tag.split("}")[-1] == "AssumeRolePolicyDocument":
            raw_doc = el.text
except ET.ParseError:
    pass

emit({
    "input": json.loads(TRUST),
    "created": plain(created),
    "got": plain(got),
    "listed": [plain(r) for r in listed],
    "raw": {"status": status, "document": raw_doc, "body": text},
})
