"""MalformedPolicyDocument through boto3 (run by e2e_iam_test.go):
create_policy with a document that has no Version, and with one whose
Effect is "allow" (lower case), must fail as AWS fails them; the script
then lists the account's own policies to show nothing was created."""

import json

from iamd_common import client, emit, expect_error

iam = client("iam")
exc = iam.exceptions
errors = []

no_version = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
lower_effect = json.dumps({"Version": "2012-10-17",
                           "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]})

expect_error(errors, "no-version", iam.create_policy, exc.MalformedPolicyDocumentException,
             PolicyName="NoVersion", PolicyDocument=no_version)
expect_error(errors, "effect-lower-case", iam.create_policy, exc.MalformedPolicyDocumentException,
             PolicyName="LowerEffect", PolicyDocument=lower_effect)

local = [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]
emit({"errors": errors, "local_policies": local})
