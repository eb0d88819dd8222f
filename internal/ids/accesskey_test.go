package ids

import (
	"crypto/rand"
	"strings"
	"testing"
)

func TestAccessKeyIDCarriesAccount(t *testing.T) {
	for _, account := range []string{"123456789012", "000000000001", "999999999999", "029608264753"} {
		for range 50 {
			id, err := AccessKeyID(rand.Reader, "AKIA", account)
			if err != nil {
				t.Fatal(err)
			}
			if len(id) != 20 || !strings.HasPrefix(id, "AKIA") || strings.Trim(id[4:], Base32) != "" {
				t.Fatalf("id %q", id)
			}
			if got, ok := AccountOfAccessKeyID(id); !ok || got != account {
				t.Fatalf("%s: account %q %v, want %s", id, got, ok, account)
			}
		}
	}
	if _, err := AccessKeyID(rand.Reader, "AKIA", "12345"); err == nil {
		t.Fatal("a short account was accepted")
	}
}

// TestAccountOfAccessKeyIDDecodes: the decoding published for AWS's key ids
// (account = bits 7–46 of the first six base32-decoded bytes).
func TestAccountOfAccessKeyIDDecodes(t *testing.T) {
	for id, want := range map[string]string{
		"AKIAAAAAAAAAQAAAAAAA": "000000000001", // bytes 00 00 00 00 00 80 …: account 1 at bit 7
		"ASIAQNZGKIQY56JQ7WML": "029608264753", // the example published with the decoding
	} {
		if got, ok := AccountOfAccessKeyID(id); !ok || got != want {
			t.Errorf("%s: got %q %v, want %s", id, got, ok, want)
		}
	}
	for _, bad := range []string{"", "AKIA", "AKIAIOSFODNN7EXAMPL", "ABCDIOSFODNN7EXAMPLE", "AKIA1111111111111111"} {
		if _, ok := AccountOfAccessKeyID(bad); ok {
			t.Errorf("%q decoded", bad)
		}
	}
}
