package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

type rawResp struct {
	status int
	header http.Header
	body   string
}

// post sends a form POST signed with key and secret at the given time
// (unsigned if key is empty).
func (h *harness) post(form url.Values, key, secret string, at time.Time) rawResp {
	h.t.Helper()
	return h.postToken(form, key, secret, "", at)
}

// postToken is post with a session token.
func (h *harness) postToken(form url.Values, key, secret, token string, at time.Time) rawResp {
	h.t.Helper()
	body := form.Encode()
	req, _ := http.NewRequest("POST", h.srv.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if key != "" {
		sum := sha256.Sum256([]byte(body))
		err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: token}, req, hex.EncodeToString(sum[:]), "iam", "us-east-1", at)
		if err != nil {
			h.t.Fatal(err)
		}
	}
	return h.do(req)
}

func (h *harness) do(req *http.Request) rawResp {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResp{resp.StatusCode, resp.Header, string(b)}
}

type errorEnvelope struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
	ReqID   string   `xml:"RequestId"`
}

func wantEnvelope(t *testing.T, r rawResp, status int, code, msg string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var e errorEnvelope
	if err := xml.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("not an ErrorResponse: %v\n%s", err, r.body)
	}
	if e.Code != code || (msg != "" && e.Message != msg) || e.Type != "Sender" || e.ReqID == "" || e.ReqID != r.header.Get("X-Amzn-Requestid") {
		t.Fatalf("envelope %+v, want %s %q", e, code, msg)
	}
}

func TestQueryEnvelopeCreateUser(t *testing.T) {
	h := newHarness(t)
	r := h.post(url.Values{"Action": {"CreateUser"}, "Version": {"2010-05-08"}, "Path": {"/division_abc/subdivision_xyz/"}, "UserName": {"Bob"}}, rootKey, rootSecret, time.Now())
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if !strings.Contains(r.body, `<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User>`) ||
		!strings.Contains(r.body, "<Arn>arn:aws:iam::"+testAccount+":user/division_abc/subdivision_xyz/Bob</Arn>") ||
		!strings.Contains(r.body, "<ResponseMetadata><RequestId>"+r.header.Get("X-Amzn-Requestid")+"</RequestId></ResponseMetadata>") {
		t.Fatalf("unexpected body %s", r.body)
	}
	// An operation without output still answers a parseable envelope.
	r = h.post(url.Values{"Action": {"DeleteUser"}, "Version": {"2010-05-08"}, "UserName": {"Bob"}}, rootKey, rootSecret, time.Now())
	var env struct {
		XMLName xml.Name `xml:"DeleteUserResponse"`
		ReqID   string   `xml:"ResponseMetadata>RequestId"`
	}
	if r.status != 200 || xml.Unmarshal([]byte(r.body), &env) != nil || env.ReqID == "" {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

func TestQueryGETAndPresigned(t *testing.T) {
	h := newHarness(t)
	q := url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}}
	req, _ := http.NewRequest("GET", h.srv.URL+"/?"+q.Encode(), nil)
	sum := sha256.Sum256(nil)
	signed, _, err := v4.NewSigner().PresignHTTP(ctx, aws.Credentials{AccessKeyID: rootKey, SecretAccessKey: rootSecret}, req, hex.EncodeToString(sum[:]), "iam", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	req2, _ := http.NewRequest("GET", signed, nil)
	r := h.do(req2)
	if r.status != 200 || !strings.Contains(r.body, "<ListUsersResult><Users/><IsTruncated>false</IsTruncated></ListUsersResult>") {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

func TestProtocolErrors(t *testing.T) {
	h := newHarness(t)
	now := time.Now()
	wantEnvelope(t, h.post(url.Values{"Action": {"Frobnicate"}, "Version": {"2010-05-08"}}, rootKey, rootSecret, now),
		400, "InvalidAction", "Could not find operation Frobnicate for version 2010-05-08")
	wantEnvelope(t, h.post(url.Values{"Version": {"2010-05-08"}}, rootKey, rootSecret, now),
		400, "InvalidAction", "")
	wantEnvelope(t, h.post(url.Values{"Action": {"ListUsers"}}, rootKey, rootSecret, now),
		400, "InvalidAction", "Could not find operation ListUsers for version NO_VERSION_SPECIFIED")
	wantEnvelope(t, h.post(url.Values{"Action": {"ListUsers"}, "Version": {"2011-06-15"}}, rootKey, rootSecret, now),
		400, "InvalidAction", "Could not find operation ListUsers for version 2011-06-15")
	wantEnvelope(t, h.post(url.Values{"Action": {"CreateUser"}, "Version": {"2010-05-08"}}, rootKey, rootSecret, now),
		400, "ValidationError", "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must not be null")
	// Unsigned, unknown key, bad signature, stale.
	wantEnvelope(t, h.post(url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}}, "", "", now),
		403, "MissingAuthenticationToken", "Request is missing Authentication Token")
	wantEnvelope(t, h.post(url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}}, "AKIAUNKNOWNUNKNOWN00", rootSecret, now),
		403, "InvalidClientTokenId", "The security token included in the request is invalid.")
	wantEnvelope(t, h.post(url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}}, rootKey, "wrong-secret", now),
		403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	r := h.post(url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}}, rootKey, rootSecret, now.Add(-20*time.Minute))
	wantEnvelope(t, r, 403, "SignatureDoesNotMatch", "")
	if !strings.Contains(r.body, "Signature expired: ") {
		t.Fatalf("stale: %s", r.body)
	}
	// Body too large.
	big := strings.Repeat("a", 3<<20)
	req, _ := http.NewRequest("POST", h.srv.URL+"/", strings.NewReader("Action=ListUsers&Version=2010-05-08&X="+big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := h.do(req); r.status != 413 || !strings.Contains(r.body, "<ErrorResponse") {
		t.Fatalf("large body: %d %.200s", r.status, r.body)
	}
	// Malformed form.
	req, _ = http.NewRequest("POST", h.srv.URL+"/", strings.NewReader("Action=%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := h.do(req); r.status != 404 || !strings.Contains(r.body, "<Code>MalformedQueryString</Code>") {
		t.Fatalf("malformed: %d %s", r.status, r.body)
	}
}

func TestKnownButUnimplementedAndAliases(t *testing.T) {
	h := newHarness(t)
	now := time.Now()
	wantEnvelope(t, h.post(url.Values{"Action": {"UploadServerCertificate"}, "Version": {"2010-05-08"}}, rootKey, rootSecret, now),
		400, "InvalidAction", "The operation UploadServerCertificate is not implemented by iamd.")
	// Unsigned, an operation AWS serves unsigned still gets the honest
	// answer; any other still needs a signature.
	wantEnvelope(t, h.post(url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {"arn:aws:iam::" + testAccount + ":role/x"}, "RoleSessionName": {"web"}, "WebIdentityToken": {"t"}}, "", "", now),
		400, "InvalidAction", "The operation AssumeRoleWithWebIdentity is not implemented by iamd.")
	wantEnvelope(t, h.post(url.Values{"Action": {"UploadServerCertificate"}, "Version": {"2010-05-08"}}, "", "", now),
		403, "MissingAuthenticationToken", "Request is missing Authentication Token")
	c := h.iam()
	if _, err := c.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("my-corp")}); err != nil {
		t.Fatal(err)
	}
	l, err := c.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil || len(l.AccountAliases) != 1 || l.AccountAliases[0] != "my-corp" {
		t.Fatal(l, err)
	}
	_, err = c.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("bad--alias")})
	wantErr(t, err, "ValidationError", 400, "")
	_, err = c.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("other")})
	wantErr(t, err, "NoSuchEntity", 404, "The account alias other cannot be found.")
	if _, err := c.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("my-corp")}); err != nil {
		t.Fatal(err)
	}
}
