package sigv4_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth/sigv4"
)

const (
	sdkAKID   = "AKIAIOSFODNN7EXAMPLE"
	sdkSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	sdkToken  = "FwoGZXIvYXdzEJr//////////wEaDOfakeSessionToken+With/Slashes=="
	sdkRegion = "eu-west-1"
)

var sdkSignTime = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// wire sends r through HTTP/1.1 serialisation and net/http's request
// parser, so the verifier sees what a server handler would.
func wire(t testing.TB, r *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	sr, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(sr.Body)
	if err != nil {
		t.Fatal(err)
	}
	return sr, body
}

// sdkLookup knows sdkAKID, and sdkToken when wantToken.
func sdkLookup(wantToken string) sigv4.SecretLookup {
	return func(_ context.Context, akid, token string) (string, error) {
		if akid != sdkAKID {
			return "", apierr.InvalidClientTokenID("The security token included in the request is invalid.")
		}
		if token != wantToken {
			return "", apierr.InvalidClientTokenID("The security token included in the request is invalid")
		}
		return sdkSecret, nil
	}
}

func payloadHash(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}

// newQueryRequest is what boto3 and the SDKs send to IAM/STS.
func newQueryRequest(t testing.TB, service string, body []byte) *http.Request {
	t.Helper()
	host := "https://iam.amazonaws.com/"
	if service == "sts" {
		host = "https://sts." + sdkRegion + ".amazonaws.com/"
	}
	r, err := http.NewRequest(http.MethodPost, host, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("User-Agent", "aws-sdk-go-v2/1.0 (unsigned)")
	return r
}

var sdkBodies = map[string]string{
	"iam": "Action=ListUsers&Version=2010-05-08",
	"sts": "Action=GetCallerIdentity&Version=2011-06-15",
}

// TestAWSSDKSigner verifies requests signed by aws-sdk-go-v2's SigV4
// signer, in both forms, with and without a session token.
func TestAWSSDKSigner(t *testing.T) {
	ctx := context.Background()
	for _, service := range []string{"iam", "sts"} {
		for _, presign := range []bool{false, true} {
			for _, token := range []string{"", sdkToken} {
				name := service + "/header"
				if presign {
					name = service + "/presigned"
				}
				if token != "" {
					name += "/session-token"
				}
				t.Run(name, func(t *testing.T) {
					body := []byte(sdkBodies[service])
					creds := aws.Credentials{AccessKeyID: sdkAKID, SecretAccessKey: sdkSecret, SessionToken: token}
					r := newQueryRequest(t, service, body)
					signer := v4.NewSigner()
					if presign {
						uri, hdr, err := signer.PresignHTTP(ctx, creds, r, payloadHash(body), service, sdkRegion, sdkSignTime)
						if err != nil {
							t.Fatal(err)
						}
						r = newQueryRequest(t, service, body)
						if r.URL, err = url.Parse(uri); err != nil {
							t.Fatal(err)
						}
						for k, vs := range hdr {
							if k == "Host" {
								continue
							}
							r.Header[k] = vs
						}
					} else if err := signer.SignHTTP(ctx, creds, r, payloadHash(body), service, sdkRegion, sdkSignTime); err != nil {
						t.Fatal(err)
					}
					sr, gotBody := wire(t, r)

					v := sigv4.NewVerifier(func() time.Time { return sdkSignTime.Add(14 * time.Minute) }, "iam", "sts")
					res, err := v.Verify(ctx, sr, gotBody, sdkLookup(token))
					if err != nil {
						t.Fatalf("Verify: %v\nrequest: %s %s %v", err, sr.Method, sr.URL, sr.Header)
					}
					want := sigv4.Result{AccessKeyID: sdkAKID, SessionToken: token, Region: sdkRegion,
						Service: service, SignedAt: sdkSignTime, Presigned: presign}
					if *res != want {
						t.Errorf("result = %+v, want %+v", *res, want)
					}

					// The same request, refused for the right reasons.
					if _, err := v.Verify(ctx, sr, append(gotBody, '&'), sdkLookup(token)); !hasCode(err, "SignatureDoesNotMatch") {
						t.Errorf("tampered body: %v", err)
					}
					wrong := func(context.Context, string, string) (string, error) { return "wrong" + sdkSecret, nil }
					if _, err := v.Verify(ctx, sr, gotBody, wrong); !hasCode(err, "SignatureDoesNotMatch") {
						t.Errorf("wrong secret: %v", err)
					}
					late := sigv4.NewVerifier(func() time.Time { return sdkSignTime.Add(16 * time.Minute) }, "iam", "sts")
					if _, err := late.Verify(ctx, sr, gotBody, sdkLookup(token)); !hasCode(err, "SignatureDoesNotMatch") ||
						!strings.HasPrefix(err.Error(), "SignatureDoesNotMatch: Signature expired: 20261123T100000Z is now earlier than 20261123T100100Z") {
						t.Errorf("16 minutes later: %v", err)
					}
					other := sigv4.NewVerifier(func() time.Time { return sdkSignTime }, "ec2")
					if _, err := other.Verify(ctx, sr, gotBody, sdkLookup(token)); !hasCode(err, "SignatureDoesNotMatch") ||
						!strings.Contains(err.Error(), "Credential should be scoped to correct service: 'ec2'.") {
						t.Errorf("other service: %v", err)
					}
				})
			}
		}
	}
}

// TestAWSSDKPresignedGetCallerIdentity is the presigned STS URL that
// Kubernetes authenticators use: GET, action in the query, X-Amz-Expires,
// an extra signed header.
func TestAWSSDKPresignedGetCallerIdentity(t *testing.T) {
	ctx := context.Background()
	r, err := http.NewRequest(http.MethodGet,
		"https://sts."+sdkRegion+".amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("x-k8s-aws-id", "my-cluster")
	creds := aws.Credentials{AccessKeyID: sdkAKID, SecretAccessKey: sdkSecret, SessionToken: sdkToken}
	uri, hdr, err := v4.NewSigner().PresignHTTP(ctx, creds, r, payloadHash(nil), "sts", sdkRegion, sdkSignTime)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = http.NewRequest(http.MethodGet, uri, nil); err != nil {
		t.Fatal(err)
	}
	for k, vs := range hdr {
		if k != "Host" {
			r.Header[k] = vs
		}
	}
	sr, body := wire(t, r)
	// X-Amz-Expires=60 is ignored: STS allows 15 minutes.
	v := sigv4.NewVerifier(func() time.Time { return sdkSignTime.Add(10 * time.Minute) }, "sts")
	res, err := v.Verify(ctx, sr, body, sdkLookup(sdkToken))
	if err != nil {
		t.Fatalf("Verify: %v (%s)", err, uri)
	}
	if !res.Presigned || res.Service != "sts" || res.SessionToken != sdkToken {
		t.Errorf("result = %+v", res)
	}
	sr.Header.Set("X-K8s-Aws-Id", "other-cluster")
	if _, err := v.Verify(ctx, sr, body, sdkLookup(sdkToken)); !hasCode(err, "SignatureDoesNotMatch") {
		t.Errorf("tampered signed header: %v", err)
	}
}

// TestRotatedSecret checks that a cached signing key is never used for a
// new secret of the same access key.
func TestRotatedSecret(t *testing.T) {
	ctx := context.Background()
	v := sigv4.NewVerifier(func() time.Time { return sdkSignTime }, "iam")
	sign := func(secret string) (*http.Request, []byte) {
		body := []byte(sdkBodies["iam"])
		r := newQueryRequest(t, "iam", body)
		creds := aws.Credentials{AccessKeyID: sdkAKID, SecretAccessKey: secret}
		if err := v4.NewSigner().SignHTTP(ctx, creds, r, payloadHash(body), "iam", "us-east-1", sdkSignTime); err != nil {
			t.Fatal(err)
		}
		return wire(t, r)
	}
	current := sdkSecret
	lookup := func(context.Context, string, string) (string, error) { return current, nil }
	oldReq, oldBody := sign(sdkSecret)
	if _, err := v.Verify(ctx, oldReq, oldBody, lookup); err != nil {
		t.Fatal(err)
	}
	current = "rotated/" + sdkSecret
	if _, err := v.Verify(ctx, oldReq, oldBody, lookup); !hasCode(err, "SignatureDoesNotMatch") {
		t.Fatalf("old signature after rotation: %v", err)
	}
	newReq, newBody := sign(current)
	if _, err := v.Verify(ctx, newReq, newBody, lookup); err != nil {
		t.Fatalf("new secret: %v", err)
	}
}

// TestConcurrentVerify exercises the signing-key cache from many
// goroutines (run with -race).
func TestConcurrentVerify(t *testing.T) {
	ctx := context.Background()
	v := sigv4.NewVerifier(func() time.Time { return sdkSignTime }, "iam", "sts")
	type signed struct {
		r    *http.Request
		body []byte
	}
	var reqs []signed
	for i, region := range []string{"us-east-1", "eu-west-1", "ap-south-2", "us-gov-west-1"} {
		body := []byte(sdkBodies["iam"])
		r := newQueryRequest(t, "iam", body)
		creds := aws.Credentials{AccessKeyID: sdkAKID, SecretAccessKey: sdkSecret}
		if err := v4.NewSigner().SignHTTP(ctx, creds, r, payloadHash(body), "iam", region, sdkSignTime.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
		sr, b := wire(t, r)
		reqs = append(reqs, signed{sr, b})
	}
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 200; i++ {
				s := reqs[(g+i)%len(reqs)]
				if _, err := v.Verify(ctx, s.r, s.body, sdkLookup("")); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func hasCode(err error, code string) bool {
	e, ok := apierr.As(err)
	return ok && e.Code == code
}
