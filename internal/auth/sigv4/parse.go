package sigv4

import (
	"net/http"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/apierr"
)

// Algorithm is the only signing algorithm the verifier accepts.
const Algorithm = "AWS4-HMAC-SHA256"

// Terminator is the last element of every SigV4 credential scope.
const Terminator = "aws4_request"

// MaxClockSkew is how far X-Amz-Date may lie before or after the verifier's
// clock. STS applies the same 15-minute window to presigned URLs whatever
// their X-Amz-Expires says.
const MaxClockSkew = 15 * time.Minute

// maxRegionLen bounds the region accepted in a credential scope. Real region
// names are far shorter; the bound keeps cached signing-key ids small.
const maxRegionLen = 64

// amzDateLayout is ISO 8601 basic format as SigV4 uses it.
const amzDateLayout = "20060102T150405Z"

// Query parameter names of presigned requests.
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qSecurityToken = "X-Amz-Security-Token"
)

// authorization is the parsed value of an Authorization header. Fields are
// substrings of the header value; has* record which parameters appeared.
type authorization struct {
	Credential    string
	SignedHeaders string
	Signature     string

	hasCredential    bool
	hasSignedHeaders bool
	hasSignature     bool
}

// isAuthSep reports whether c separates Authorization header parameters.
// AWS splits on commas and on whitespace: "Credential=not valid/..." is
// answered with "'valid/...' not a valid key=value pair".
func isAuthSep(c byte) bool { return c == ',' || c == ' ' || c == '\t' }

// parseAuthorization parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
// Signature=...". It checks the algorithm and that every parameter is a
// key=value pair (later duplicates win, unknown keys are ignored); it does
// not check that the required parameters are present (see
// authorization.incomplete), because that message also depends on the date
// headers.
func parseAuthorization(v string) (authorization, *apierr.Error) {
	var a authorization
	alg, rest, _ := strings.Cut(v, " ")
	if alg != Algorithm {
		return a, apierr.IncompleteSignature("Unsupported AWS 'algorithm': '%s'.", alg)
	}
	for len(rest) > 0 {
		i := 0
		for i < len(rest) && isAuthSep(rest[i]) {
			i++
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && !isAuthSep(rest[j]) {
			j++
		}
		part := rest[:j]
		rest = rest[j:]
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return a, apierr.IncompleteSignature(
				"'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'", part, v)
		}
		switch key {
		case "Credential":
			a.Credential, a.hasCredential = val, true
		case "SignedHeaders":
			a.SignedHeaders, a.hasSignedHeaders = val, true
		case "Signature":
			a.Signature, a.hasSignature = val, true
		}
	}
	return a, nil
}

// incomplete returns the IncompleteSignature error listing every missing
// part of a header-authenticated request, or nil.
func (a *authorization) incomplete(hasDate bool) *apierr.Error {
	if a.hasCredential && a.hasSignature && a.hasSignedHeaders && hasDate {
		return nil
	}
	var b strings.Builder
	add := func(s string) {
		b.WriteString(s)
		b.WriteByte(' ')
	}
	if !a.hasCredential {
		add("Authorization header requires 'Credential' parameter.")
	}
	if !a.hasSignature {
		add("Authorization header requires 'Signature' parameter.")
	}
	if !a.hasSignedHeaders {
		add("Authorization header requires 'SignedHeaders' parameter.")
	}
	if !hasDate {
		add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	b.WriteString("Authorization=" + Algorithm)
	return apierr.IncompleteSignature("%s", b.String())
}

// queryParam is one decoded query-string parameter, in arrival order.
type queryParam struct {
	Key, Value string
}

// parseQuery splits a raw query string on '&' and decodes each key and value
// ("+" is a space, as in HTML forms, which is how the query protocol reads
// them too; so a signature cannot cover one meaning and the action execute
// another). Empty pieces ("a=1&&b=2") are dropped; "k" is the pair ("k", "").
func parseQuery(raw string) ([]queryParam, *apierr.Error) {
	if raw == "" {
		return nil, nil
	}
	params := make([]queryParam, 0, 1+strings.Count(raw, "&"))
	for raw != "" {
		var piece string
		piece, raw, _ = strings.Cut(raw, "&")
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		key, err := unescape(k, true)
		if err != nil {
			return nil, err
		}
		val, err := unescape(v, true)
		if err != nil {
			return nil, err
		}
		params = append(params, queryParam{key, val})
	}
	return params, nil
}

// firstParam returns the first value of key (presigned parameters: the first
// occurrence wins).
func firstParam(params []queryParam, key string) (string, bool) {
	for _, p := range params {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// malformedQuery is the error for a bad %-escape in the query string. AWS
// documents MalformedQueryString with status 404 for IAM.
func malformedQuery(format string, args ...any) *apierr.Error {
	return apierr.New("MalformedQueryString", http.StatusNotFound, format, args...)
}

// unescape decodes %XX escapes (and '+' as space when plusSpace). It does not
// allocate when s has nothing to decode.
func unescape(s string, plusSpace bool) (string, *apierr.Error) {
	n := 0
	hasPlus := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			if i+2 >= len(s) {
				return "", malformedQuery("%s", "Incomplete trailing escape % sequence")
			}
			_, ok1 := unhex(s[i+1])
			_, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", malformedQuery("Illegal hex character in escape %% pattern: %%%s", s[i+1:i+3])
			}
			n++
			i += 2
		case '+':
			hasPlus = plusSpace
		}
	}
	if n == 0 && !hasPlus {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s) - 2*n)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			hi, _ := unhex(s[i+1])
			lo, _ := unhex(s[i+2])
			b.WriteByte(hi<<4 | lo)
			i += 2
		case c == '+' && plusSpace:
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// parseAmzDate parses ISO 8601 basic format ("20150830T123600Z") strictly:
// exactly 16 bytes, digits where digits belong, a real calendar date.
func parseAmzDate(s string) (time.Time, bool) {
	if len(s) != len(amzDateLayout) || s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, j int) (int, bool) {
		n := 0
		for ; i < j; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(4, 6)
	d, ok3 := num(6, 8)
	h, ok4 := num(9, 11)
	mi, ok5 := num(11, 13)
	se, ok6 := num(13, 15)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d { // 31 April and the like
		return time.Time{}, false
	}
	return t, true
}

// parseDateHeader parses a Date header: ISO 8601 basic format or any HTTP
// date format (RFC 1123, RFC 850, ANSI C).
func parseDateHeader(s string) (time.Time, bool) {
	if t, ok := parseAmzDate(s); ok {
		return t, true
	}
	t, err := http.ParseTime(s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// badDate is the error for a date that is not ISO 8601 basic format.
func badDate(got string) *apierr.Error {
	return apierr.IncompleteSignature(
		"Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", got)
}

// credential is a split X-Amz-Credential / Credential value.
type credential struct {
	AccessKeyID, Date, Region, Service, Terminator string
	// Scope is "date/region/service/terminator", as in the string to sign.
	Scope string
}

// splitCredential splits "AKID/YYYYMMDD/region/service/aws4_request" into
// its five slash-delimited elements.
func splitCredential(c string) (credential, *apierr.Error) {
	if strings.Count(c, "/") != 4 {
		return credential{}, apierr.IncompleteSignature(
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", c)
	}
	var cr credential
	var rest string
	cr.AccessKeyID, rest, _ = strings.Cut(c, "/")
	cr.Scope = rest
	cr.Date, rest, _ = strings.Cut(rest, "/")
	cr.Region, rest, _ = strings.Cut(rest, "/")
	cr.Service, cr.Terminator, _ = strings.Cut(rest, "/")
	return cr, nil
}

// validRegion reports whether s looks like a region name: 1 to 64 lower-case
// letters, digits and hyphens.
func validRegion(s string) bool {
	if s == "" || len(s) > maxRegionLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// signsHost reports whether the ';'-separated list names host or :authority.
func signsHost(signedHeaders string) bool {
	for rest := signedHeaders; ; {
		name, more, found := strings.Cut(rest, ";")
		if strings.EqualFold(name, "host") || name == ":authority" {
			return true
		}
		if !found {
			return false
		}
		rest = more
	}
}
