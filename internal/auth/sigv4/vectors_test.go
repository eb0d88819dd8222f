package sigv4

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamd/iamd/internal/apierr"
)

// testdataDir holds the two AWS test suites (see its README.md).
const testdataDir = "../../../testdata/sigv4"

const (
	suiteAKID   = "AKIDEXAMPLE"
	suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var suiteTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

// rawHeader is one header line of a .req file with its folded
// continuation lines.
type rawHeader struct {
	Name  string
	Lines []string // first value, then continuation lines as written
}

// rawRequest is a parsed .req / .sreq / *-signed-request.txt file.
type rawRequest struct {
	Method, Target, Proto string
	Headers               []rawHeader // arrival order, duplicates kept
	Body                  string
}

// parseRawRequest parses the test-suite request syntax: a request line
// whose target is written decoded (so it may contain spaces), "Name:value"
// header lines (a line starting with whitespace continues the previous
// value; repeated names are kept in order), then an optional blank line and
// the body.
func parseRawRequest(data string) (*rawRequest, error) {
	data = strings.ReplaceAll(data, "\r\n", "\n")
	head, body, _ := strings.Cut(data, "\n\n")
	lines := strings.Split(head, "\n")
	line := lines[0]
	sp1, sp2 := strings.IndexByte(line, ' '), strings.LastIndexByte(line, ' ')
	if sp1 <= 0 || sp2 <= sp1 {
		return nil, fmt.Errorf("bad request line %q", line)
	}
	rr := &rawRequest{Method: line[:sp1], Target: line[sp1+1 : sp2], Proto: line[sp2+1:], Body: body}
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(rr.Headers) == 0 {
				return nil, fmt.Errorf("continuation line before any header: %q", l)
			}
			h := &rr.Headers[len(rr.Headers)-1]
			h.Lines = append(h.Lines, l)
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("bad header line %q", l)
		}
		rr.Headers = append(rr.Headers, rawHeader{Name: name, Lines: []string{value}})
	}
	return rr, nil
}

// header returns the first value of a header (folded lines joined), or "".
func (rr *rawRequest) header(name string) string {
	for _, h := range rr.Headers {
		if strings.EqualFold(h.Name, name) {
			return strings.Join(h.Lines, " ")
		}
	}
	return ""
}

// setHeader replaces the value of the first header called name.
func (rr *rawRequest) setHeader(name, value string) {
	for i, h := range rr.Headers {
		if strings.EqualFold(h.Name, name) {
			rr.Headers[i].Lines = []string{value}
			return
		}
	}
	rr.Headers = append(rr.Headers, rawHeader{Name: name, Lines: []string{value}})
}

// escapeLoose %-encodes what cannot appear raw in a request target (bytes
// outside printable ASCII, space, '#') and leaves existing escapes alone.
func escapeLoose(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '#' {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// wireTarget turns the decoded target of a suite file into what a client
// sends on the wire: the path %-encoded once, the query's raw bytes escaped.
func wireTarget(target string) string {
	path, query, hasQuery := strings.Cut(target, "?")
	t := (&url.URL{Path: path}).EscapedPath()
	if hasQuery {
		t += "?" + escapeLoose(query)
	}
	return t
}

// httpRequest serialises rr as HTTP/1.1 (folded lines kept folded) and
// reads it back with http.ReadRequest, so the verifier sees exactly what a
// net/http server hands a handler.
func (rr *rawRequest) httpRequest() (*http.Request, []byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", rr.Method, wireTarget(rr.Target))
	hasLen := false
	for _, h := range rr.Headers {
		if strings.EqualFold(h.Name, "Content-Length") {
			hasLen = true
		}
		b.WriteString(h.Name + ":" + strings.Join(h.Lines, "\r\n") + "\r\n")
	}
	if rr.Body != "" && !hasLen {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(rr.Body))
	}
	b.WriteString("\r\n")
	b.WriteString(rr.Body)
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(b.String())))
	if err != nil {
		return nil, nil, err
	}
	return req, []byte(rr.Body), nil
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// suiteLookup resolves the suites' only key and records the session token.
func suiteLookup(akid, secret string, gotToken *string) SecretLookup {
	return func(_ context.Context, id, token string) (string, error) {
		if gotToken != nil {
			*gotToken = token
		}
		if id != akid {
			return "", apierr.InvalidClientTokenID("The security token included in the request is invalid.")
		}
		return secret, nil
	}
}

// trace is the intermediate results of verifying a request.
type trace struct {
	creq, sts, sig string
	err            *apierr.Error
}

// traceRequest runs the secret-free checks and computes the canonical
// request, string to sign and signature of r with secret, exactly as
// Verify does (omitToken: the presigned token-added-after-signing reading).
func traceRequest(v *Verifier, r *http.Request, body []byte, secret string, omitToken bool) trace {
	sr, err := v.parse(r)
	if err != nil {
		return trace{err: err}
	}
	sr.canon.PayloadHash = sha256.Sum256(body)
	sr.canon.OmitToken = omitToken
	creq, ok := appendCanonicalRequest(nil, r, &sr.canon)
	if !ok {
		return trace{err: errSignatureMismatch()}
	}
	sts := appendStringToSign(nil, sr.amzDate, sr.cred.Scope, sha256.Sum256(creq))
	sig, _ := v.sign(r, &sr, secret)
	return trace{creq: string(creq), sts: string(sts), sig: string(sig[:])}
}

// TestSuite2015 runs every case of the original AWS suite: the canonical
// request and string to sign must equal .creq and .sts byte for byte, the
// Authorization header must be .authz, and Verify must accept the .sreq.
func TestSuite2015(t *testing.T) {
	root := filepath.Join(testdataDir, "aws-sig-v4-test-suite-2015")
	var cases []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".sreq") {
			cases = append(cases, strings.TrimSuffix(p, ".sreq"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 34 {
		t.Fatalf("found %d cases in %s, want 34", len(cases), root)
	}
	for _, base := range cases {
		name, _ := filepath.Rel(root, filepath.Dir(base))
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			rr, err := parseRawRequest(readFile(t, base+".sreq"))
			if err != nil {
				t.Fatal(err)
			}
			v := NewVerifier(func() time.Time { return suiteTime }, "service")
			authz := strings.TrimSpace(readFile(t, base+".authz"))
			if got := strings.TrimSpace(rr.header("Authorization")); got != authz {
				// Upstream defect: get-vanilla-with-session-token.sreq carries
				// get-vanilla's signature (5fa00fa3…, computed without the token
				// header it claims to sign); .authz, .sts and the aws-c-auth copy
				// of the case agree on 07ec1639….
				// The garbled request must be refused; the case is then run
				// with the .authz header.
				t.Logf(".sreq Authorization %q differs from .authz %q; using .authz", got, authz)
				r, body, err := rr.httpRequest()
				if err != nil {
					t.Fatal(err)
				}
				if _, err := v.Verify(context.Background(), r, body, suiteLookup(suiteAKID, suiteSecret, nil)); !isCode(err, "SignatureDoesNotMatch") {
					t.Errorf("Verify(.sreq as shipped) = %v, want SignatureDoesNotMatch", err)
				}
				rr.setHeader("Authorization", " "+authz)
			}
			r, body, err := rr.httpRequest()
			if err != nil {
				t.Fatal(err)
			}
			tr := traceRequest(v, r, body, suiteSecret, false)
			if tr.err != nil {
				t.Fatalf("parse: %v", tr.err)
			}
			if want := readFile(t, base+".creq"); tr.creq != want {
				t.Errorf("canonical request:\n%s\nwant:\n%s", tr.creq, want)
			}
			if want := readFile(t, base+".sts"); tr.sts != want {
				t.Errorf("string to sign:\n%s\nwant:\n%s", tr.sts, want)
			}
			var token string
			res, verr := v.Verify(context.Background(), r, body, suiteLookup(suiteAKID, suiteSecret, &token))
			if verr != nil {
				t.Fatalf("Verify: %v", verr)
			}
			wantToken := rr.header("X-Amz-Security-Token")
			if token != wantToken || res.SessionToken != wantToken {
				t.Errorf("session token: lookup got %q, result %q, want %q", token, res.SessionToken, wantToken)
			}
			want := Result{AccessKeyID: suiteAKID, SessionToken: wantToken, Region: "us-east-1", Service: "service", SignedAt: suiteTime}
			if *res != want {
				t.Errorf("result = %+v, want %+v", *res, want)
			}
		})
	}
}

// v4Context is context.json of an aws-c-auth case.
type v4Context struct {
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		Token           string `json:"token"`
	} `json:"credentials"`
	Region           string    `json:"region"`
	Service          string    `json:"service"`
	Timestamp        time.Time `json:"timestamp"`
	Normalize        bool      `json:"normalize"`
	OmitSessionToken bool      `json:"omit_session_token"`
}

// TestSuiteV4 runs both variants (Authorization header and presigned query)
// of every aws-c-auth case, honouring context.json. Cases with
// "normalize": false whose path normalisation changes the canonical URI are
// S3-style and do not apply to IAM/STS; they are skipped after checking that
// the canonical URI is the only difference.
func TestSuiteV4(t *testing.T) {
	root := filepath.Join(testdataDir, "v4")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		n++
		dir := filepath.Join(root, d.Name())
		var cx v4Context
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "context.json"))), &cx); err != nil {
			t.Fatalf("%s: %v", d.Name(), err)
		}
		for _, variant := range []string{"header", "query"} {
			t.Run(d.Name()+"/"+variant, func(t *testing.T) {
				testV4Case(t, dir, variant, &cx)
			})
		}
	}
	if n != 38 {
		t.Fatalf("found %d cases in %s, want 38", n, root)
	}
}

func testV4Case(t *testing.T, dir, variant string, cx *v4Context) {
	rr, err := parseRawRequest(readFile(t, filepath.Join(dir, variant+"-signed-request.txt")))
	if err != nil {
		t.Fatal(err)
	}
	r, body, err := rr.httpRequest()
	if err != nil {
		t.Fatal(err)
	}
	creds := cx.Credentials
	v := NewVerifier(func() time.Time { return cx.Timestamp }, cx.Service)
	omitToken := variant == "query" && cx.OmitSessionToken
	tr := traceRequest(v, r, body, creds.SecretAccessKey, omitToken)
	if tr.err != nil {
		t.Fatalf("parse: %v", tr.err)
	}
	wantCreq := readFile(t, filepath.Join(dir, variant+"-canonical-request.txt"))
	if !cx.Normalize && tr.creq != wantCreq {
		got, want := strings.Split(tr.creq, "\n"), strings.Split(wantCreq, "\n")
		if len(got) == len(want) && got[1] != want[1] {
			got[1] = want[1]
			if strings.Join(got, "\n") == wantCreq {
				t.Skipf("S3-style unnormalized path: the case signs %q as-is, IAM/STS (like every non-S3 service) "+
					"normalise it to %q; everything else in the canonical request matches",
					want[1], strings.Split(tr.creq, "\n")[1])
			}
		}
	}
	if tr.creq != wantCreq {
		t.Errorf("canonical request:\n%s\nwant:\n%s", tr.creq, wantCreq)
	}
	if want := readFile(t, filepath.Join(dir, variant+"-string-to-sign.txt")); tr.sts != want {
		t.Errorf("string to sign:\n%s\nwant:\n%s", tr.sts, want)
	}
	if want := strings.TrimSpace(readFile(t, filepath.Join(dir, variant+"-signature.txt"))); tr.sig != want {
		t.Errorf("signature = %s, want %s", tr.sig, want)
	}
	var token string
	res, verr := v.Verify(context.Background(), r, body, suiteLookup(creds.AccessKeyID, creds.SecretAccessKey, &token))
	if verr != nil {
		t.Fatalf("Verify: %v", verr)
	}
	want := Result{
		AccessKeyID: creds.AccessKeyID, SessionToken: creds.Token,
		Region: cx.Region, Service: cx.Service, SignedAt: cx.Timestamp.UTC(), Presigned: variant == "query",
	}
	if *res != want || token != creds.Token {
		t.Errorf("result = %+v (lookup token %q), want %+v", *res, token, want)
	}

	// Any change to what is signed must be refused.
	tampered := r.Clone(context.Background())
	tampered.Host = "other.amazonaws.com"
	if _, err := v.Verify(context.Background(), tampered, body, suiteLookup(creds.AccessKeyID, creds.SecretAccessKey, nil)); !isCode(err, "SignatureDoesNotMatch") {
		t.Errorf("tampered host: err = %v, want SignatureDoesNotMatch", err)
	}
	if _, err := v.Verify(context.Background(), r, append(body[:len(body):len(body)], 'x'), suiteLookup(creds.AccessKeyID, creds.SecretAccessKey, nil)); !isCode(err, "SignatureDoesNotMatch") {
		t.Errorf("tampered body: err = %v, want SignatureDoesNotMatch", err)
	}
}

// isCode reports whether err is an *apierr.Error with the given code.
func isCode(err error, code string) bool {
	var e *apierr.Error
	return errors.As(err, &e) && e.Code == code
}
