// Package secrets seals secrets (secret access keys, session keys) for
// storage with AES-256-GCM under a key that is never in the store: a key
// file in the data dir, readable by its owner only, or a key the operator
// supplies.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"os"
)

// KeySize is the size of the sealing key.
const KeySize = 32

// Sealer encrypts and decrypts with one AES-256-GCM key.
type Sealer struct {
	aead cipher.AEAD
	rand io.Reader
}

// New returns a sealer for a 32-byte key; rand supplies nonces.
func New(key []byte, rand io.Reader) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secrets: key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, rand: rand}, nil
}

// Seal encrypts plaintext bound to context (e.g. the access key id), so a
// sealed value cannot be moved to another record.
func (s *Sealer) Seal(plaintext, context []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return nil, fmt.Errorf("secrets: nonce: %w", err)
	}
	return s.aead.Seal(nonce, nonce, plaintext, context), nil
}

// ErrOpen is returned when a sealed value is corrupt or was sealed with
// another key or context.
var ErrOpen = errors.New("secrets: cannot open sealed value")

// Open decrypts a value made by Seal with the same context.
func (s *Sealer) Open(sealed, context []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrOpen
	}
	out, err := s.aead.Open(nil, sealed[:n], sealed[n:], context)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// LoadOrCreateKey reads the key file at path, creating it with a fresh
// random key (mode 0600) if it does not exist. A key file readable by
// others is refused.
func LoadOrCreateKey(path string, rand io.Reader) ([]byte, error) {
	fi, err := os.Stat(path)
	if err == nil {
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("secrets: %s must be readable by its owner only (chmod 600)", path)
		}
		key, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("secrets: %s must hold %d bytes", path, KeySize)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, KeySize)
	if _, err := io.ReadFull(rand, key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}
