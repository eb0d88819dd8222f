"""Shared helpers of the e2e scripts (run by e2e_test.go, not by hand).

The Go test sets IAMD_ENDPOINT, IAMD_ACCOUNT_ID and the AWS_* variables
(credentials, AWS_CONFIG_FILE=/dev/null, ...) before it runs a script. Each
script prints one JSON document as its last line for the Go test to check.
"""

import json
import os
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

ENDPOINT = os.environ["IAMD_ENDPOINT"]
ACCOUNT = os.environ["IAMD_ACCOUNT_ID"]
REGION = "us-east-1"
FORM = "application/x-www-form-urlencoded; charset=utf-8"

# One attempt per call: a retried request would hide what the server said.
CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"},
                connect_timeout=5, read_timeout=30)


def env_credentials():
    return Credentials(os.environ["AWS_ACCESS_KEY_ID"],
                       os.environ["AWS_SECRET_ACCESS_KEY"],
                       os.environ.get("AWS_SESSION_TOKEN"))


def client(service="iam", key=None, secret=None):
    """A boto3 client for the server, with the environment's credentials
    unless key and secret are given."""
    kw = {}
    if key is not None:
        kw = {"aws_access_key_id": key, "aws_secret_access_key": secret}
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION,
                        config=CONFIG, **kw)


def post(body, headers=None):
    """POSTs body to the server; returns (status, headers, text)."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(ENDPOINT + "/", data=data, method="POST",
                                 headers=headers or {"Content-Type": FORM})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def signed_headers(body, credentials=None, service="iam"):
    """The headers botocore's SigV4Auth puts on a form POST of body."""
    req = AWSRequest(method="POST", url=ENDPOINT + "/", data=body,
                     headers={"Content-Type": FORM})
    SigV4Auth(credentials or env_credentials(), service, REGION).add_auth(req)
    return dict(req.prepare().headers.items())


def signed_post(body, credentials=None, service="iam", send_body=None):
    """Signs body with SigV4 and POSTs it (or send_body instead, to test
    tampering). Returns (status, headers, text)."""
    headers = signed_headers(body, credentials, service)
    return post(send_body if send_body is not None else body, headers)


def client_error(case, e, modeled):
    """The record of a ClientError for the Go test."""
    meta = e.response.get("ResponseMetadata", {})
    err = e.response.get("Error", {})
    return {
        "case": case,
        "exception": type(e).__name__,
        "modeled": modeled,
        "code": err.get("Code"),
        "message": err.get("Message"),
        "status": meta.get("HTTPStatusCode"),
        "request_id": meta.get("RequestId"),
        "request_id_header": meta.get("HTTPHeaders", {}).get("x-amzn-requestid"),
    }


def envelope_error(case, status, headers, text):
    """The record of a raw <ErrorResponse> for the Go test."""
    rec = {"case": case, "status": status,
           "request_id_header": headers.get("x-amzn-RequestId")}
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        rec["error"] = "HTTP %d, body is not XML (%s): %r" % (status, e, text[:300])
        return rec
    ns = {"": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else {}
    if root.tag.split("}")[-1] != "ErrorResponse":
        rec["error"] = "HTTP %d, not an ErrorResponse: %r" % (status, text[:300])
        return rec
    rec.update({
        "exception": "",
        "code": root.findtext("Error/Code", namespaces=ns),
        "message": root.findtext("Error/Message", namespaces=ns),
        "type": root.findtext("Error/Type", namespaces=ns),
        "request_id": root.findtext("RequestId", namespaces=ns),
    })
    return rec


def expect_error(records, case, fn, modeled_class=ClientError, **kwargs):
    """Calls fn(**kwargs), which must fail; appends what happened."""
    try:
        fn(**kwargs)
    except modeled_class as e:
        records.append(client_error(case, e, True))
    except ClientError as e:
        records.append(client_error(case, e, False))
    except Exception as e:  # noqa: BLE001 - reported to the Go test
        records.append({"case": case, "error": "%s: %s" % (type(e).__name__, e)})
    else:
        records.append({"case": case, "error": "the call succeeded"})


def emit(doc):
    print(json.dumps(doc, default=str))
