package secrets

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key := make([]byte, KeySize)
	rand.Read(key)
	s, err := New(key, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal([]byte("secret"), []byte("AKIA1"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("secret")) {
		t.Fatal("plaintext visible")
	}
	got, err := s.Open(sealed, []byte("AKIA1"))
	if err != nil || string(got) != "secret" {
		t.Fatal(got, err)
	}
	if _, err := s.Open(sealed, []byte("AKIA2")); err != ErrOpen {
		t.Fatal("context not bound", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := s.Open(sealed, []byte("AKIA1")); err != ErrOpen {
		t.Fatal("tampering not detected", err)
	}
	if _, err := s.Open(nil, nil); err != ErrOpen {
		t.Fatal(err)
	}
}

func TestKeyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "master.key")
	k1, err := LoadOrCreateKey(p, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	k2, err := LoadOrCreateKey(p, rand.Reader)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatal("key not kept", err)
	}
	os.Chmod(p, 0o644)
	if _, err := LoadOrCreateKey(p, rand.Reader); err == nil {
		t.Fatal("world-readable key accepted")
	}
}
