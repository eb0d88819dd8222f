package sigv4

import (
	"context"
	"errors"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iamd/iamd/internal/apierr"
)

// FuzzParseAuthorization checks that the Authorization header parser never
// panics, only reports IncompleteSignature, and that what it parses
// round-trips.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		vanillaAuthz,
		"",
		"AWS4-HMAC-SHA256",
		"AWS4-HMAC-SHA256 ",
		"AWS5-HMAC-SHA256 FooBar, BazBurp",
		"AWS4-HMAC-SHA256 FooBar, BazBurp",
		"AWS4-HMAC-SHA256 Credential=a=b,,Signature=\t,SignedHeaders=host;x",
		"AWS4-HMAC-SHA256 Credential=x, Credential=y, =, a=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseAuthorization(s)
		if err != nil {
			if err.Code != "IncompleteSignature" || err.Status != http.StatusBadRequest {
				t.Fatalf("error %v", err)
			}
			return
		}
		if !strings.HasPrefix(s, Algorithm) {
			t.Fatalf("accepted %q", s)
		}
		for _, field := range []string{a.Credential, a.SignedHeaders, a.Signature} {
			if strings.ContainsAny(field, ", \t") || !strings.Contains(s, field) {
				t.Fatalf("field %q of %q", field, s)
			}
		}
		for _, hasDate := range []bool{false, true} {
			complete := a.hasCredential && a.hasSignature && a.hasSignedHeaders && hasDate
			if e := a.incomplete(hasDate); (e == nil) != complete || e != nil && e.Code != "IncompleteSignature" {
				t.Fatalf("incomplete(%v) = %v for %+v", hasDate, e, a)
			}
		}
		if a.hasCredential && a.hasSignature && a.hasSignedHeaders {
			s2 := Algorithm + " Credential=" + a.Credential + ", SignedHeaders=" + a.SignedHeaders + ", Signature=" + a.Signature
			if a2, err := parseAuthorization(s2); err != nil || a2 != a {
				t.Fatalf("round trip of %q: %+v, %v; want %+v", s2, a2, err, a)
			}
		}
	})
}

// FuzzVerify checks that Verify never panics on arbitrary query strings,
// paths, Authorization headers, dates, headers and bodies, that every error
// is an *apierr.Error, and that verification is deterministic.
func FuzzVerify(f *testing.F) {
	vanillaQuery := strings.TrimPrefix(vanillaPreset, "/?")
	f.Add("", "/", vanillaAuthz, "20150830T123600Z", "", []byte(nil))
	f.Add(vanillaQuery, "/", "", "", "", []byte(nil))
	f.Add("", "/", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "+
		"SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
		"20150830T123600Z", "Content-Type: application/x-www-form-urlencoded", []byte("Param1=value1"))
	f.Add("Param1=value1&%E1%88%B4=x+y", "/a/../b//c/./%20", vanillaAuthz, "20150830T122100Z",
		"My-Header1: a   b\nX-Amz-Security-Token: tok\nDate: Sun, 30 Aug 2015 12:36:00 GMT", []byte("x"))
	f.Add("a=%zz", "/", vanillaAuthz, "", "", []byte(nil))
	f.Add("", "/", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;;zz;ZZ, Signature=00",
		"20150830T123600Z", "", []byte(nil))

	v := NewVerifier(func() time.Time { return suiteTime }, "service")
	lookup := func(_ context.Context, akid, token string) (string, error) {
		switch {
		case akid != suiteAKID:
			return "", apierr.InvalidClientTokenID("The security token included in the request is invalid.")
		case token == "expired":
			return "", apierr.ExpiredToken()
		}
		return suiteSecret, nil
	}
	f.Fuzz(func(t *testing.T, rawQuery, path, authz, amzDate, headers string, body []byte) {
		r := &http.Request{
			Method: http.MethodGet,
			URL:    &url.URL{Path: path, RawQuery: rawQuery},
			Host:   "example.amazonaws.com",
			Header: http.Header{},
		}
		if len(body) > 0 {
			r.Method = http.MethodPost
		}
		for _, line := range strings.Split(headers, "\n") {
			if k, val, ok := strings.Cut(line, ":"); ok {
				r.Header.Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)), strings.TrimSpace(val))
			}
		}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		if amzDate != "" {
			r.Header.Set("X-Amz-Date", amzDate)
		}
		res, err := v.Verify(context.Background(), r, body, lookup)
		res2, err2 := v.Verify(context.Background(), r, body, lookup)
		if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("not deterministic: %v / %v", err, err2)
		}
		if err != nil {
			var e *apierr.Error
			if !errors.As(err, &e) || e.Code == "" || e.Status < 400 {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		if res == nil || *res != *res2 || res.AccessKeyID != suiteAKID || res.Service != "service" || !validRegion(res.Region) {
			t.Fatalf("result %+v", res)
		}
		if _, err := v.Verify(context.Background(), r, append(body[:len(body):len(body)], 0), lookup); err == nil {
			t.Fatal("a different body verified too")
		}
	})
}
