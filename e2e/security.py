"""Test 4: requests that must not authenticate.

`security.py` reports each refused request; `security.py list-users` lists
the users (to show none of the refused requests wrote anything).
"""

import datetime
import sys
from unittest import mock

import botocore.auth
from botocore.credentials import Credentials

from iamd_common import (client, emit, envelope_error, env_credentials,
                         expect_error, post, signed_post)

if sys.argv[1:] == ["list-users"]:
    emit({"Users": client("iam").list_users()["Users"]})
    sys.exit(0)

root = env_credentials()
errors = []

# No Authorization at all.
errors.append(envelope_error("unsigned", *post("Action=ListUsers&Version=2010-05-08")))

# The root key id with a wrong secret.
wrong = client("iam", root.access_key, "wrong" + root.secret_key[5:])
expect_error(errors, "wrong-secret", wrong.list_users)

# A key id the server does not know.
unknown = client("iam", "AKIAE2EUNKNOWNKEY000", root.secret_key)
expect_error(errors, "unknown-key", unknown.list_users)

# A correctly signed request whose body was changed on the way.
errors.append(envelope_error("tampered-body", *signed_post(
    "Action=CreateUser&UserName=signed&Version=2010-05-08",
    send_body="Action=CreateUser&UserName=forged&Version=2010-05-08")))


# Signed 20 minutes ago (botocore reads the clock through
# botocore.auth.get_current_datetime; older versions call utcnow()).
def twenty_minutes_ago(real):
    return lambda *a, **k: real(*a, **k) - datetime.timedelta(minutes=20)


if hasattr(botocore.auth, "get_current_datetime"):
    patch = mock.patch.object(botocore.auth, "get_current_datetime",
                              twenty_minutes_ago(botocore.auth.get_current_datetime))
else:
    class _Past(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return datetime.datetime.utcnow() - datetime.timedelta(minutes=20)

    patch = mock.patch.object(botocore.auth.datetime, "datetime", _Past)
stale = client("iam")
with patch:
    expect_error(errors, "expired", stale.list_users)

emit({"errors": errors})
