package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/iamd/iamd/internal/apierr"
)

const (
	msgMismatch = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgNoDate = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."

	// get-vanilla of both suites: GET / on example.amazonaws.com at 20150830T123600Z.
	vanillaScope  = "20150830/us-east-1/service/aws4_request"
	vanillaAuthz  = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + vanillaScope + ", SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	vanillaPreset = "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request" +
		"&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600" +
		"&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
)

// request builds a server-side request for example.amazonaws.com.
// headers are name, value pairs, added in order.
func request(method, target, body string, headers ...string) *http.Request {
	r := httptest.NewRequest(method, "http://example.amazonaws.com"+target, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

// vanilla is get-vanilla signed in the header, with extra headers added.
func vanilla(authz string, headers ...string) *http.Request {
	return request("GET", "/", "", append([]string{"X-Amz-Date", "20150830T123600Z", "Authorization", authz}, headers...)...)
}

// authzWith is the vanilla Authorization header with a different credential.
func authzWith(cred string) string {
	return strings.Replace(vanillaAuthz, "AKIDEXAMPLE/"+vanillaScope, cred, 1)
}

// testSign signs r (Authorization header, the given signed headers) with
// crypto/hmac over this package's canonical request: for cases the suites
// do not cover (Date header, odd but valid header lists).
func testSign(t *testing.T, r *http.Request, body []byte, amzDate, scope, signedHeaders string) {
	t.Helper()
	q, qerr := parseQuery(r.URL.RawQuery)
	if qerr != nil {
		t.Fatal(qerr)
	}
	creq, ok := appendCanonicalRequest(nil, r, &canonicalInput{Query: q, SignedHeaders: signedHeaders, PayloadHash: sha256.Sum256(body)})
	if !ok {
		t.Fatalf("bad signed headers %q", signedHeaders)
	}
	sum := sha256.Sum256(creq)
	sts := Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	mac := func(k []byte, s string) []byte { h := hmac.New(sha256.New, k); h.Write([]byte(s)); return h.Sum(nil) }
	parts := strings.Split(scope, "/")
	k := []byte("AWS4" + suiteSecret)
	for _, p := range parts {
		k = mac(k, p)
	}
	sig := hex.EncodeToString(mac(k, sts))
	r.Header.Set("Authorization", Algorithm+" Credential="+suiteAKID+"/"+scope+", SignedHeaders="+signedHeaders+", Signature="+sig)
}

func TestVerifyErrors(t *testing.T) {
	unknownKey := apierr.InvalidClientTokenID("The security token included in the request is invalid.")
	badToken := apierr.InvalidClientTokenID("The security token included in the request is invalid")
	expiredToken := apierr.ExpiredToken()

	type tc struct {
		name   string
		req    func() *http.Request
		body   string
		lookup SecretLookup // default: suite key only
		code   string
		status int
		msg    string
		same   error // the lookup's error, which must come back unchanged
	}
	tests := []tc{
		// The numbers are those of the README's checking order.
		// 4. malformed query
		{name: "malformed query: illegal hex", req: func() *http.Request {
			return request("GET", "/?a=%yy", "", "X-Amz-Date", "20150830T123600Z", "Authorization", vanillaAuthz)
		}, code: "MalformedQueryString", status: 404, msg: "Illegal hex character in escape % pattern: %yy"},
		{name: "malformed query: trailing escape", req: func() *http.Request {
			return request("GET", "/?a=b%4", "")
		}, code: "MalformedQueryString", status: 404, msg: "Incomplete trailing escape % sequence"},

		// 5. both or neither
		{name: "no authentication", req: func() *http.Request {
			return request("GET", "/", "", "X-Amz-Date", "20150830T123600Z")
		}, code: "MissingAuthenticationToken", status: 403, msg: "Request is missing Authentication Token"},
		{name: "credential query without algorithm is no authentication", req: func() *http.Request {
			return request("GET", "/?X-Amz-Credential=x&X-Amz-Signature=y", "")
		}, code: "MissingAuthenticationToken", status: 403, msg: "Request is missing Authentication Token"},
		{name: "header and query", req: func() *http.Request {
			return request("GET", vanillaPreset, "", "X-Amz-Date", "20150830T123600Z", "Authorization", vanillaAuthz)
		}, code: "SignatureDoesNotMatch", status: 403, msg: ""},

		// 6. Authorization header syntax
		{name: "unsupported algorithm", req: func() *http.Request {
			return vanilla("AWS5-HMAC-SHA256 FooBar, BazBurp")
		}, code: "IncompleteSignature", status: 400, msg: "Unsupported AWS 'algorithm': 'AWS5-HMAC-SHA256'."},
		{name: "sigv2 header", req: func() *http.Request {
			return vanilla("AWS AKIDEXAMPLE:c2lnbmF0dXJl")
		}, code: "IncompleteSignature", status: 400, msg: "Unsupported AWS 'algorithm': 'AWS'."},
		{name: "empty header", req: func() *http.Request {
			return vanilla("")
		}, code: "IncompleteSignature", status: 400, msg: "Unsupported AWS 'algorithm': ''."},
		{name: "missing equal sign", req: func() *http.Request {
			return vanilla("AWS4-HMAC-SHA256 FooBar, BazBurp")
		}, code: "IncompleteSignature", status: 400,
			msg: "'FooBar' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 FooBar, BazBurp'"},
		{name: "space inside credential splits the pair", req: func() *http.Request {
			return vanilla("AWS4-HMAC-SHA256 Credential=not valid/" + vanillaScope + ", SignedHeaders=host;x-amz-date, Signature=00")
		}, code: "IncompleteSignature", status: 400,
			msg: "'valid/" + vanillaScope + "' not a valid key=value pair (missing equal-sign) in Authorization header: " +
				"'AWS4-HMAC-SHA256 Credential=not valid/" + vanillaScope + ", SignedHeaders=host;x-amz-date, Signature=00'"},
		{name: "missing everything", req: func() *http.Request {
			return request("GET", "/", "", "Authorization", "AWS4-HMAC-SHA256 Foo=Bar, Baz=Burp")
		}, code: "IncompleteSignature", status: 400,
			msg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. " + msgNoDate + " Authorization=AWS4-HMAC-SHA256"},
		{name: "only credential", req: func() *http.Request {
			return request("GET", "/", "", "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE")
		}, code: "IncompleteSignature", status: 400,
			msg: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
				msgNoDate + " Authorization=AWS4-HMAC-SHA256"},
		{name: "credential and signature", req: func() *http.Request {
			return request("GET", "/", "", "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, Signature=ABCDEF")
		}, code: "IncompleteSignature", status: 400,
			msg: "Authorization header requires 'SignedHeaders' parameter. " + msgNoDate + " Authorization=AWS4-HMAC-SHA256"},
		{name: "missing date", req: func() *http.Request {
			return request("GET", "/", "", "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, Signature=ABCDEF, SignedHeaders=bar")
		}, code: "IncompleteSignature", status: 400, msg: msgNoDate + " Authorization=AWS4-HMAC-SHA256"},
		{name: "missing credential only", req: func() *http.Request {
			return vanilla("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=00")
		}, code: "IncompleteSignature", status: 400, msg: "Authorization header requires 'Credential' parameter. Authorization=AWS4-HMAC-SHA256"},
		{name: "missing signature only", req: func() *http.Request {
			return vanilla("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + vanillaScope + ", SignedHeaders=host;x-amz-date")
		}, code: "IncompleteSignature", status: 400, msg: "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256"},
		{name: "missing signed headers only", req: func() *http.Request {
			return vanilla("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + vanillaScope + ", Signature=00")
		}, code: "IncompleteSignature", status: 400, msg: "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256"},

		// 7. query syntax
		{name: "query: unsupported algorithm", req: func() *http.Request {
			return request("GET", strings.Replace(vanillaPreset, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", 1), "")
		}, code: "MissingAuthenticationToken", status: 403, msg: "Request is missing Authentication Token"},
		{name: "query: everything missing", req: func() *http.Request {
			return request("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256", "")
		}, code: "IncompleteSignature", status: 400,
			msg: "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. " +
				"AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. " +
				"Re-examine the query-string parameters."},
		{name: "query: missing signature and date", req: func() *http.Request {
			return request("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-SignedHeaders=host", "")
		}, code: "IncompleteSignature", status: 400,
			msg: "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-Date'. " +
				"Re-examine the query-string parameters."},
		{name: "query: host not signed", req: func() *http.Request {
			return request("GET", strings.Replace(vanillaPreset, "SignedHeaders=host", "SignedHeaders=x-amz-date", 1), "")
		}, code: "SignatureDoesNotMatch", status: 403, msg: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{name: "query: bad date", req: func() *http.Request {
			return request("GET", strings.Replace(vanillaPreset, "20150830T123600Z", "2015-08-30T12:36:00Z", 1), "")
		}, code: "IncompleteSignature", status: 400,
			msg: "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{name: "query: X-Amz-Expires does not extend the 15 minutes", req: func() *http.Request {
			return request("GET", strings.NewReplacer("20150830T123600Z", "20150830T120000Z", "X-Amz-Expires=3600", "X-Amz-Expires=604800").Replace(vanillaPreset), "")
		}, code: "SignatureDoesNotMatch", status: 403,
			msg: "Signature expired: 20150830T120000Z is now earlier than 20150830T122100Z (20150830T123600Z - 15 min.)"},
		{name: "query: tampered parameter", req: func() *http.Request {
			return request("GET", vanillaPreset+"&Action=DeleteUser", "")
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "query: tampered expires", req: func() *http.Request {
			return request("GET", strings.Replace(vanillaPreset, "X-Amz-Expires=3600", "X-Amz-Expires=3601", 1), "")
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},

		// 8. host must be signed
		{name: "host not signed", req: func() *http.Request {
			return vanilla(strings.Replace(vanillaAuthz, "host;x-amz-date", "x-amz-date", 1))
		}, code: "SignatureDoesNotMatch", status: 403, msg: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},

		// 9. date format
		{name: "bad X-Amz-Date", req: func() *http.Request {
			r := vanilla(vanillaAuthz)
			r.Header.Set("X-Amz-Date", "2015/08/30T12/36/00Z")
			return r
		}, code: "IncompleteSignature", status: 400,
			msg: "Date must be in ISO-8601 'basic format'. Got '2015/08/30T12/36/00Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{name: "impossible X-Amz-Date", req: func() *http.Request {
			r := vanilla(vanillaAuthz)
			r.Header.Set("X-Amz-Date", "20150231T123600Z")
			return r
		}, code: "IncompleteSignature", status: 400,
			msg: "Date must be in ISO-8601 'basic format'. Got '20150231T123600Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{name: "bad Date header", req: func() *http.Request {
			return request("GET", "/", "", "Date", "yesterday", "Authorization", vanillaAuthz)
		}, code: "IncompleteSignature", status: 400,
			msg: "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601"},

		// 10, 11. the 15-minute window
		{name: "expired", req: func() *http.Request {
			r := vanilla(vanillaAuthz)
			r.Header.Set("X-Amz-Date", "20150830T122059Z")
			return r
		}, code: "SignatureDoesNotMatch", status: 403,
			msg: "Signature expired: 20150830T122059Z is now earlier than 20150830T122100Z (20150830T123600Z - 15 min.)"},
		{name: "oldest accepted date reaches the signature check", req: func() *http.Request {
			r := vanilla(vanillaAuthz)
			r.Header.Set("X-Amz-Date", "20150830T122100Z")
			return r
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "not yet current", req: func() *http.Request {
			r := vanilla(vanillaAuthz)
			r.Header.Set("X-Amz-Date", "20150830T125101Z")
			return r
		}, code: "SignatureDoesNotMatch", status: 403,
			msg: "Signature not yet current: 20150830T125101Z is still later than 20150830T125100Z (20150830T123600Z + 15 min.)"},
		{name: "expired RFC 1123 Date header", req: func() *http.Request {
			return request("GET", "/", "", "Date", "Sun, 30 Aug 2015 11:00:00 GMT", "Authorization", vanillaAuthz)
		}, code: "SignatureDoesNotMatch", status: 403,
			msg: "Signature expired: 20150830T110000Z is now earlier than 20150830T122100Z (20150830T123600Z - 15 min.)"},

		// 12. credential shape
		{name: "credential without scope", req: func() *http.Request {
			return vanilla(authzWith("AKIDEXAMPLE"))
		}, code: "IncompleteSignature", status: 400,
			msg: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE'"},
		{name: "credential with six parts", req: func() *http.Request {
			return vanilla(authzWith("AKIDEXAMPLE/" + vanillaScope + "/x"))
		}, code: "IncompleteSignature", status: 400,
			msg: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/" + vanillaScope + "/x'"},

		// 13. scope
		{name: "everything wrong in scope", req: func() *http.Request {
			return vanilla(authzWith("AKIDEXAMPLE/foobar/Wrong_Region/wrong-service/aws5_request"))
		}, code: "SignatureDoesNotMatch", status: 403,
			msg: "Credential should be scoped to a valid region, not 'Wrong_Region'. Credential should be scoped to correct service: 'service'. " +
				"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
				"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: 'foobar' != '20150830', from '20150830T123600Z'."},
		{name: "empty region", req: func() *http.Request {
			return vanilla(authzWith("AKIDEXAMPLE/20150830//service/aws4_request"))
		}, code: "SignatureDoesNotMatch", status: 403, msg: "Credential should be scoped to a valid region, not ''."},
		{name: "wrong service", req: func() *http.Request {
			return vanilla(authzWith("AKIDEXAMPLE/20150830/us-east-1/ec2/aws4_request"))
		}, code: "SignatureDoesNotMatch", status: 403, msg: "Credential should be scoped to correct service: 'service'."},
		{name: "upper-case service", req: func() *http.Request {
			return vanilla(authzWith("AKIDEXAMPLE/20150830/us-east-1/SERVICE/aws4_request"))
		}, code: "SignatureDoesNotMatch", status: 403, msg: "Credential should be scoped to correct service: 'service'."},
		{name: "wrong terminator", req: func() *http.Request {
			return vanilla(authzWith("AKIDEXAMPLE/20150830/us-east-1/service/aws5_request"))
		}, code: "SignatureDoesNotMatch", status: 403, msg: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."},
		{name: "date in scope", req: func() *http.Request {
			return vanilla(authzWith("AKIDEXAMPLE/20130101/us-east-1/service/aws4_request"))
		}, code: "SignatureDoesNotMatch", status: 403,
			msg: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20130101' != '20150830', from '20150830T123600Z'."},
		{name: "other region is fine until the signature", req: func() *http.Request {
			return vanilla(authzWith("AKIDEXAMPLE/20150830/eu-west-1/service/aws4_request"))
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},

		// 14, 15. key and token, from the lookup, unchanged
		{name: "unknown access key", req: func() *http.Request {
			return vanilla(authzWith("AKIDUNKNOWN/" + vanillaScope))
		}, lookup: func(context.Context, string, string) (string, error) { return "", unknownKey },
			code: "InvalidClientTokenId", status: 403, msg: "The security token included in the request is invalid.", same: unknownKey},
		{name: "forged session token", req: func() *http.Request {
			return vanilla(vanillaAuthz, "X-Amz-Security-Token", "forged")
		}, lookup: func(_ context.Context, _, token string) (string, error) {
			if token != "forged" {
				return suiteSecret, nil
			}
			return "", badToken
		}, code: "InvalidClientTokenId", status: 403, msg: "The security token included in the request is invalid", same: badToken},
		{name: "expired session token", req: func() *http.Request {
			return vanilla(vanillaAuthz, "X-Amz-Security-Token", "old")
		}, lookup: func(context.Context, string, string) (string, error) { return "", expiredToken },
			code: "ExpiredToken", status: 403, msg: "The security token included in the request is expired", same: expiredToken},
		{name: "empty secret is refused", req: func() *http.Request {
			return vanilla(vanillaAuthz)
		}, lookup: func(context.Context, string, string) (string, error) { return "", nil },
			code: "InvalidClientTokenId", status: 403, msg: "The security token included in the request is invalid."},
		{name: "nil lookup", req: func() *http.Request {
			return vanilla(vanillaAuthz)
		}, lookup: SecretLookup(nil), code: "ServiceFailure", status: 500, msg: "An internal error occurred. Retry your request."},

		// 16. signature
		{name: "wrong secret", req: func() *http.Request {
			return vanilla(vanillaAuthz)
		}, lookup: func(context.Context, string, string) (string, error) { return "not-the-secret", nil },
			code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "tampered header", req: func() *http.Request {
			rr := mustRaw("get-header-value-trim")
			rr.setHeader("My-Header1", "value2")
			r, _, _ := rr.httpRequest()
			return r
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "tampered query", req: func() *http.Request {
			rr := mustRaw("get-vanilla-query-order-key-case")
			rr.Target = strings.Replace(rr.Target, "value2", "value3", 1)
			r, _, _ := rr.httpRequest()
			return r
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "tampered body", req: func() *http.Request {
			rr := mustRaw("post-x-www-form-urlencoded")
			r, _, _ := rr.httpRequest()
			return r
		}, body: "Param1=value2", code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "tampered method", req: func() *http.Request {
			r := vanilla(vanillaAuthz)
			r.Method = "POST"
			return r
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "tampered path", req: func() *http.Request {
			return request("GET", "/admin", "", "X-Amz-Date", "20150830T123600Z", "Authorization", vanillaAuthz)
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "upper-case signature", req: func() *http.Request {
			return vanilla(strings.Replace(vanillaAuthz, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "5FA00FA31553B73EBF1942676E86291E8372FF2A2260956D9B8AAE1D763FBF31", 1))
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "truncated signature", req: func() *http.Request {
			return vanilla(strings.TrimSuffix(vanillaAuthz, "1"))
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "unsorted signed headers", req: func() *http.Request {
			return vanilla(strings.Replace(vanillaAuthz, "host;x-amz-date", "x-amz-date;host", 1))
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "repeated signed header", req: func() *http.Request {
			return vanilla(strings.Replace(vanillaAuthz, "host;x-amz-date", "host;x-amz-date;x-amz-date", 1))
		}, code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},
		{name: "signed token removed", req: func() *http.Request {
			rr := mustRaw("post-sts-token/post-sts-header-before")
			rr.setHeader("X-Amz-Security-Token", "")
			r, _, _ := rr.httpRequest()
			r.Header.Del("X-Amz-Security-Token")
			return r
		}, lookup: func(context.Context, string, string) (string, error) { return suiteSecret, nil },
			code: "SignatureDoesNotMatch", status: 403, msg: msgMismatch},

		// order: the earlier check wins
		{name: "order: algorithm before missing date", req: func() *http.Request {
			return request("GET", "/", "", "Authorization", "AWS5-HMAC-SHA256 Credential=x")
		}, code: "IncompleteSignature", status: 400, msg: "Unsupported AWS 'algorithm': 'AWS5-HMAC-SHA256'."},
		{name: "order: host before date format", req: func() *http.Request {
			r := vanilla(strings.Replace(vanillaAuthz, "host;x-amz-date", "x-amz-date", 1))
			r.Header.Set("X-Amz-Date", "bad")
			return r
		}, code: "SignatureDoesNotMatch", status: 403, msg: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{name: "order: window before credential", req: func() *http.Request {
			r := vanilla(authzWith("AKIDEXAMPLE"))
			r.Header.Set("X-Amz-Date", "20150830T122059Z")
			return r
		}, code: "SignatureDoesNotMatch", status: 403,
			msg: "Signature expired: 20150830T122059Z is now earlier than 20150830T122100Z (20150830T123600Z - 15 min.)"},
		{name: "order: scope before key lookup", req: func() *http.Request {
			return vanilla(authzWith("AKIDUNKNOWN/20150830/us-east-1/ec2/aws4_request"))
		}, lookup: func(context.Context, string, string) (string, error) { panic("lookup must not be called") },
			code: "SignatureDoesNotMatch", status: 403, msg: "Credential should be scoped to correct service: 'service'."},
		{name: "order: key lookup before signature", req: func() *http.Request {
			return vanilla(strings.Replace(authzWith("AKIDUNKNOWN/"+vanillaScope), "Signature=5fa0", "Signature=0000", 1))
		}, lookup: func(context.Context, string, string) (string, error) { return "", unknownKey },
			code: "InvalidClientTokenId", status: 403, msg: "The security token included in the request is invalid.", same: unknownKey},
	}

	v := NewVerifier(func() time.Time { return suiteTime }, "service")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := tt.lookup
			if lookup == nil && tt.code != "ServiceFailure" {
				lookup = suiteLookup(suiteAKID, suiteSecret, nil)
			}
			r := tt.req()
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			res, err := v.Verify(context.Background(), r, body, lookup)
			if err == nil {
				t.Fatalf("Verify succeeded: %+v", res)
			}
			if tt.same != nil && err != tt.same {
				t.Errorf("err = %v (%p), want the lookup's error unchanged (%p)", err, err, tt.same)
			}
			var e *apierr.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %T %v, want *apierr.Error", err, err)
			}
			if e.Code != tt.code || e.Status != tt.status || e.Message != tt.msg {
				t.Errorf("got  %s %d %q\nwant %s %d %q", e.Code, e.Status, e.Message, tt.code, tt.status, tt.msg)
			}
		})
	}
}

// mustRaw parses a 2015-suite .sreq.
func mustRaw(name string) *rawRequest {
	b, err := os.ReadFile(testdataDir + "/aws-sig-v4-test-suite-2015/" + name + "/" + name[strings.LastIndexByte(name, '/')+1:] + ".sreq")
	if err != nil {
		panic(err)
	}
	rr, err := parseRawRequest(string(b))
	if err != nil {
		panic(err)
	}
	return rr
}

// TestVerifyAccepts covers the accepted variants the suites do not show.
func TestVerifyAccepts(t *testing.T) {
	v := NewVerifier(func() time.Time { return suiteTime }, "iam", "service")
	lookup := suiteLookup(suiteAKID, suiteSecret, nil)
	ctx := context.Background()

	t.Run("RFC 1123 Date header", func(t *testing.T) {
		r := request("GET", "/", "", "Date", "Sun, 30 Aug 2015 12:36:00 GMT")
		testSign(t, r, nil, "20150830T123600Z", vanillaScope, "date;host")
		res, err := v.Verify(ctx, r, nil, lookup)
		if err != nil {
			t.Fatal(err)
		}
		if !res.SignedAt.Equal(suiteTime) {
			t.Errorf("SignedAt = %v", res.SignedAt)
		}
	})
	t.Run("ISO 8601 Date header", func(t *testing.T) {
		r := request("GET", "/", "", "Date", "20150830T123000Z")
		testSign(t, r, nil, "20150830T123000Z", vanillaScope, "date;host")
		if _, err := v.Verify(ctx, r, nil, lookup); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("X-Amz-Date wins over Date", func(t *testing.T) {
		r := request("GET", "/", "", "Date", "Sun, 30 Aug 2015 00:00:00 GMT", "X-Amz-Date", "20150830T123600Z")
		testSign(t, r, nil, "20150830T123600Z", vanillaScope, "date;host;x-amz-date")
		if _, err := v.Verify(ctx, r, nil, lookup); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("last duplicate header parameter wins", func(t *testing.T) {
		r := vanilla(strings.Replace(vanillaAuthz, "Credential=", "Credential=junk, Signature=junk, Credential=", 1))
		if _, err := v.Verify(ctx, r, nil, lookup); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("first duplicate query parameter wins", func(t *testing.T) {
		r := request("GET", vanillaPreset+"&X-Amz-Date=junk", "")
		// X-Amz-Date=junk is part of the canonical query, so the vanilla
		// signature cannot match; but the date used is the first one: the
		// error is a signature mismatch, not a date-format error.
		_, err := v.Verify(ctx, r, nil, lookup)
		if !isCode(err, "SignatureDoesNotMatch") || err.(*apierr.Error).Message != msgMismatch {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("second service", func(t *testing.T) {
		r := request("POST", "/", "Action=ListUsers&Version=2010-05-08",
			"Content-Type", "application/x-www-form-urlencoded; charset=utf-8", "X-Amz-Date", "20150830T123600Z")
		testSign(t, r, []byte("Action=ListUsers&Version=2010-05-08"), "20150830T123600Z", "20150830/us-east-1/iam/aws4_request", "content-type;host;x-amz-date")
		res, err := v.Verify(ctx, r, []byte("Action=ListUsers&Version=2010-05-08"), lookup)
		if err != nil {
			t.Fatal(err)
		}
		if res.Service != "iam" || res.Region != "us-east-1" {
			t.Errorf("result = %+v", res)
		}
	})
}
