package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

func TestHMACMatchesCryptoHMAC(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, keyLen := range []int{0, 1, 32, 63, 64, 65, 200} {
		for _, msgLen := range []int{0, 1, 55, 56, 64, 447, 448, 449, 1000, 5000} {
			key := make([]byte, keyLen)
			msg := make([]byte, msgLen)
			for i := range key {
				key[i] = byte(rng.Uint32())
			}
			for i := range msg {
				msg[i] = byte(rng.Uint32())
			}
			h := hmac.New(sha256.New, key)
			h.Write(msg)
			if got := hmacSHA256(key, msg); !bytes.Equal(got[:], h.Sum(nil)) {
				t.Errorf("key %d bytes, msg %d bytes: mismatch", keyLen, msgLen)
			}
		}
	}
}

func TestDeriveSigningKey(t *testing.T) {
	// From AWS's "Examples of how to derive a signing key" (IAM User Guide).
	got := deriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
	const want = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
	if h := hex.EncodeToString(got[:]); h != want {
		t.Errorf("kSigning = %s, want %s", h, want)
	}
}

func TestCanonicalURI(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"//", "/"},
		{"/./", "/"},
		{"/.", "/"},
		{"/..", "/"},
		{"/../..", "/"},
		{"/a/b/..", "/a/"},
		{"/a/./b", "/a/b"},
		{"/a/b/../c", "/a/c"},
		{"//example//", "/example/"},
		{"/example%20space/", "/example%20space/"},
		{"/%E1%88%B4", "/%E1%88%B4"},
		{"/example/$delete", "/example/%24delete"},
		{"/a%2Fb/c", "/a%2Fb/c"},
		{"/a+b", "/a%2Bb"},
		{"/%7euser", "/~user"},
		{"/%zz", "/%25zz"},
		{"*", "/%2A"},
		{"/-._~AZaz09", "/-._~AZaz09"},
	} {
		if got := string(appendCanonicalURI(nil, tt.in)); got != tt.want {
			t.Errorf("canonicalURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"a", "a="},
		{"b=2&a=1&&a=0", "a=0&a=1&b=2"},
		{"x=a+b&y=a%2Bb&z=a%20b", "x=a%20b&y=a%2Bb&z=a%20b"},
		{"%E1%88%B4=v&Z=1&a=1", "%E1%88%B4=v&Z=1&a=1"},
		{"k=%7e%2f%3D", "k=~%2F%3D"},
		{"=v", "=v"},
		{"a=b=c", "a=b%3Dc"},
		{"a;b=1", "a%3Bb=1"},
	} {
		q, err := parseQuery(tt.in)
		if err != nil {
			t.Fatalf("parseQuery(%q): %v", tt.in, err)
		}
		if got := string(appendCanonicalQuery(nil, q, false, false)); got != tt.want {
			t.Errorf("canonical query of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
	q, _ := parseQuery("X-Amz-Signature=1&a=1&X-Amz-Security-Token=t&X-Amz-Signature=2")
	if got := string(appendCanonicalQuery(nil, q, true, false)); got != "X-Amz-Security-Token=t&a=1" {
		t.Errorf("presigned: %q", got)
	}
	if got := string(appendCanonicalQuery(nil, q, true, true)); got != "a=1" {
		t.Errorf("presigned, token omitted: %q", got)
	}
}

func TestAppendTrimmed(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"a", "a"},
		{"  a  ", "a"},
		{"a   b\t\tc", "a b c"},
		{"value1\r\n  value2\n     value3", "value1 value2 value3"},
		{`"a   b   c"`, `"a b c"`},
	} {
		if got := string(appendTrimmed(nil, tt.in)); got != tt.want {
			t.Errorf("appendTrimmed(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseAmzDate(t *testing.T) {
	good := map[string]time.Time{
		"20150830T123600Z": time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC),
		"20240229T235959Z": time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC),
		"00010101T000000Z": time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for s, want := range good {
		if got, ok := parseAmzDate(s); !ok || !got.Equal(want) {
			t.Errorf("parseAmzDate(%q) = %v, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "20150830T123600", "20150830T123600z", "2015-08-30T12:36:00Z", "20150830 123600Z",
		"20151330T123600Z", "20150230T123600Z", "20150830T243600Z", "20150830T126000Z", "20150830T123660Z",
		"2015083OT123600Z", "+0150830T123600Z", "20150830T1236000Z"} {
		if _, ok := parseAmzDate(s); ok {
			t.Errorf("parseAmzDate(%q) accepted", s)
		}
	}
}

func TestSigningKeyCacheBounded(t *testing.T) {
	var c signingKeyCache
	first := c.get("AKID", "secret", "20150830", "us-east-1", "iam")
	for i := 0; i < 3*signingKeyCacheMax; i++ {
		c.get("AKID", "secret", "20150830", "r"+strconv.Itoa(i), "iam")
		if n := c.len(); n > signingKeyCacheMax {
			t.Fatalf("cache holds %d keys, max %d", n, signingKeyCacheMax)
		}
	}
	if again := c.get("AKID", "secret", "20150830", "us-east-1", "iam"); again != first {
		t.Error("re-derived key differs")
	}
	if other := c.get("AKID", "secret2", "20150830", "us-east-1", "iam"); other == first {
		t.Error("a different secret gave the same key")
	}
}

func TestParseAuthorization(t *testing.T) {
	a, err := parseAuthorization("AWS4-HMAC-SHA256 Credential=A/B,SignedHeaders=host ,  Signature=abc,Extra=1,,")
	if err != nil {
		t.Fatal(err)
	}
	if a.Credential != "A/B" || a.SignedHeaders != "host" || a.Signature != "abc" || a.incomplete(true) != nil {
		t.Errorf("parsed %+v", a)
	}
	a, err = parseAuthorization("AWS4-HMAC-SHA256 Credential=a=b")
	if err != nil || a.Credential != "a=b" {
		t.Errorf("value with '=': %+v %v", a, err)
	}
}

func BenchmarkDeriveSigningKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		deriveSigningKey(suiteSecret, "20150830", "us-east-1", "iam")
	}
}
