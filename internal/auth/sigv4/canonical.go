package sigv4

import (
	"bytes"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
)

// canonicalInput is what the canonical request needs besides the
// *http.Request itself.
type canonicalInput struct {
	Query         []queryParam // decoded query parameters, arrival order
	SignedHeaders string       // ';'-separated, as sent by the client
	Presigned     bool         // leave X-Amz-Signature out of the canonical query
	OmitToken     bool         // leave X-Amz-Security-Token out too (token added after presigning)
	PayloadHash   [32]byte     // SHA-256 of the body
}

// appendCanonicalRequest appends the SigV4 canonical request
//
//	Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexPayloadHash
//
// to dst. ok is false when SignedHeaders is not a strictly ascending list of
// distinct, non-empty, lower-case names: every SigV4 signer produces such a
// list, so a request without one cannot carry a valid signature (refusing it
// also bounds the work per request to the size of the headers).
func appendCanonicalRequest(dst []byte, r *http.Request, in *canonicalInput) (_ []byte, ok bool) {
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	dst = append(dst, method...)
	dst = append(dst, '\n')
	path := "/"
	if r.URL != nil {
		path = r.URL.EscapedPath()
	}
	dst = appendCanonicalURI(dst, path)
	dst = append(dst, '\n')
	dst = appendCanonicalQuery(dst, in.Query, in.Presigned, in.OmitToken)
	dst = append(dst, '\n')
	dst, ok = appendCanonicalHeaders(dst, r, in.SignedHeaders)
	if !ok {
		return dst, false
	}
	dst = append(dst, '\n')
	dst = append(dst, in.SignedHeaders...)
	dst = append(dst, '\n')
	dst = hex.AppendEncode(dst, in.PayloadHash[:])
	return dst, true
}

// appendCanonicalURI appends the canonical form of an escaped (wire) path.
//
// The path on the wire is already %-encoded, so each segment is decoded and
// re-encoded per RFC 3986 (unreserved characters kept, everything else
// %XX, an encoded '/' stays "%2F" inside its segment), after removing "."
// and ".." segments and collapsing empty ones ("//"). A trailing '/' is kept.
// This reproduces both AWS test suites, whose requests are written decoded.
// Note that botocore and the Go SDK instead encode the wire path a second
// time for non-S3 services ("/%E1%88%B4" signs as "/%25E1%2588%25B4"), so
// paths with escapes would differ between the two readings; for IAM and STS
// (query protocol) the path is always "/" and the question never arises.
func appendCanonicalURI(dst []byte, escapedPath string) []byte {
	if escapedPath == "" || escapedPath == "/" {
		return append(dst, '/')
	}
	var stack [16]string
	segs := stack[:0]
	trailing := false
	rest := strings.TrimPrefix(escapedPath, "/")
	for {
		raw, more, found := strings.Cut(rest, "/")
		seg, err := unescape(raw, false)
		if err != nil {
			seg = raw // cannot happen for URLs parsed by net/url; keep the bytes
		}
		switch seg {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, seg)
		}
		if !found {
			trailing = seg == "" || seg == "." || seg == ".."
			break
		}
		rest = more
	}
	dst = append(dst, '/')
	for i, s := range segs {
		if i > 0 {
			dst = append(dst, '/')
		}
		dst = appendURIEncode(dst, s)
	}
	if trailing && len(segs) > 0 {
		dst = append(dst, '/')
	}
	return dst
}

// appendCanonicalQuery appends the canonical query string: every parameter
// (X-Amz-Signature left out when presigned, X-Amz-Security-Token too when
// omitToken) as encode(key)=encode(value), sorted by encoded key then
// encoded value, joined by '&'.
func appendCanonicalQuery(dst []byte, params []queryParam, presigned, omitToken bool) []byte {
	if len(params) == 0 {
		return dst
	}
	type span struct{ k0, k1, v1 int } // key enc[k0:k1], value enc[k1:v1]
	size := 0
	for _, p := range params {
		size += len(p.Key) + len(p.Value)
	}
	enc := make([]byte, 0, size+size/2)
	spans := make([]span, 0, len(params))
	for _, p := range params {
		if presigned && p.Key == qSignature || omitToken && p.Key == qSecurityToken {
			continue
		}
		k0 := len(enc)
		enc = appendURIEncode(enc, p.Key)
		k1 := len(enc)
		enc = appendURIEncode(enc, p.Value)
		spans = append(spans, span{k0, k1, len(enc)})
	}
	slices.SortFunc(spans, func(a, b span) int {
		if c := bytes.Compare(enc[a.k0:a.k1], enc[b.k0:b.k1]); c != 0 {
			return c
		}
		return bytes.Compare(enc[a.k1:a.v1], enc[b.k1:b.v1])
	})
	for i, s := range spans {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, enc[s.k0:s.k1]...)
		dst = append(dst, '=')
		dst = append(dst, enc[s.k1:s.v1]...)
	}
	return dst
}

// appendCanonicalHeaders appends "name:value\n" for every signed header, in
// the order of the list (which must be strictly ascending, see
// appendCanonicalRequest).
func appendCanonicalHeaders(dst []byte, r *http.Request, signedHeaders string) (_ []byte, ok bool) {
	prev := ""
	for i, rest := 0, signedHeaders; ; i++ {
		name, more, found := strings.Cut(rest, ";")
		if name == "" || i > 0 && name <= prev || hasUpper(name) {
			return dst, false
		}
		dst = append(dst, name...)
		dst = append(dst, ':')
		dst = appendHeaderValue(dst, r, name)
		dst = append(dst, '\n')
		if !found {
			return dst, true
		}
		prev, rest = name, more
	}
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// appendHeaderValue appends the canonical value of the lower-case header
// name: every value trimmed with inner whitespace runs collapsed to one
// space, repeated headers joined with ',' in arrival order. Host comes from
// r.Host, where net/http puts it; Content-Length and Transfer-Encoding fall
// back to the fields net/http may have moved them to.
func appendHeaderValue(dst []byte, r *http.Request, name string) []byte {
	if name == "host" || name == ":authority" {
		h := r.Host
		if h == "" {
			h = r.Header.Get("Host")
		}
		if h == "" && r.URL != nil {
			h = r.URL.Host
		}
		return appendTrimmed(dst, h)
	}
	vals := headerValues(r.Header, name)
	if len(vals) == 0 {
		switch name {
		case "content-length":
			if r.ContentLength > 0 {
				return strconv.AppendInt(dst, r.ContentLength, 10)
			}
		case "transfer-encoding":
			vals = r.TransferEncoding
		}
	}
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendTrimmed(dst, v)
	}
	return dst
}

// headerValues returns h[CanonicalMIMEHeaderKey(lower)] without allocating
// for the usual names (lower-case letters, digits and '-').
func headerValues(h http.Header, lower string) []string {
	var buf [64]byte
	if len(lower) > len(buf) {
		return h[textproto.CanonicalMIMEHeaderKey(lower)]
	}
	b := buf[:len(lower)]
	upper := true
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return h[textproto.CanonicalMIMEHeaderKey(lower)]
		}
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b[i] = c
		upper = c == '-'
	}
	return h[string(b)]
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// appendTrimmed appends v without leading and trailing whitespace and with
// every inner run of whitespace (including folded line breaks) collapsed to
// a single space.
func appendTrimmed(dst []byte, v string) []byte {
	// Fast path: nothing to trim and no run longer than one space.
	clean := v == "" || !isSpace(v[0]) && !isSpace(v[len(v)-1])
	for i := 0; clean && i < len(v); i++ {
		if c := v[i]; isSpace(c) && (c != ' ' || isSpace(v[i+1])) {
			clean = false
		}
	}
	if clean {
		return append(dst, v...)
	}
	pending, wrote := false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if isSpace(c) {
			pending = true
			continue
		}
		if pending && wrote {
			dst = append(dst, ' ')
		}
		pending, wrote = false, true
		dst = append(dst, c)
	}
	return dst
}

const upperHex = "0123456789ABCDEF"

// appendURIEncode appends s URI-encoded as SigV4 wants it: RFC 3986
// unreserved characters (A-Z a-z 0-9 - _ . ~) as they are, every other byte
// as %XX with upper-case hex (so a space is %20 and '/' is %2F).
func appendURIEncode(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}
