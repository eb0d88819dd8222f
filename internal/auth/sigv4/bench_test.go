package sigv4_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamd/iamd/internal/auth/sigv4"
)

// benchRequest is an SDK-signed IAM ListUsers, as the server receives it.
func benchRequest(b *testing.B, token string, presign bool) (*http.Request, []byte) {
	ctx := context.Background()
	body := []byte(sdkBodies["iam"])
	r := newQueryRequest(b, "iam", body)
	creds := aws.Credentials{AccessKeyID: sdkAKID, SecretAccessKey: sdkSecret, SessionToken: token}
	if presign {
		uri, hdr, err := v4.NewSigner().PresignHTTP(ctx, creds, r, payloadHash(body), "iam", "us-east-1", sdkSignTime)
		if err != nil {
			b.Fatal(err)
		}
		r = newQueryRequest(b, "iam", body)
		if r.URL, err = url.Parse(uri); err != nil {
			b.Fatal(err)
		}
		for k, vs := range hdr {
			if k != "Host" {
				r.Header[k] = vs
			}
		}
	} else if err := v4.NewSigner().SignHTTP(ctx, creds, r, payloadHash(body), "iam", "us-east-1", sdkSignTime); err != nil {
		b.Fatal(err)
	}
	return wire(b, r)
}

func benchVerify(b *testing.B, token string, presign bool) {
	r, body := benchRequest(b, token, presign)
	v := sigv4.NewVerifier(func() time.Time { return sdkSignTime }, "iam", "sts")
	lookup := sdkLookup(token)
	ctx := context.Background()
	if _, err := v.Verify(ctx, r, body, lookup); err != nil { // warms the key cache
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, r, body, lookup); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyHeader verifies an Authorization-header request with a
// warm signing-key cache.
func BenchmarkVerifyHeader(b *testing.B) { benchVerify(b, "", false) }

// BenchmarkVerifyHeaderSessionToken is BenchmarkVerifyHeader with
// temporary credentials (signed X-Amz-Security-Token header).
func BenchmarkVerifyHeaderSessionToken(b *testing.B) { benchVerify(b, sdkToken, false) }

// BenchmarkVerifyPresigned verifies a presigned request (warm cache).
func BenchmarkVerifyPresigned(b *testing.B) { benchVerify(b, "", true) }
