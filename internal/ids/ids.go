// Package ids draws the random identifiers iamd hands out (unique ids,
// access key ids, secrets, request ids) from an injected random source.
package ids

import (
	"fmt"
	"io"
)

// Alphabets used for identifiers.
const (
	// Upper is AWS's unique-id alphabet: upper-case letters and digits.
	Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	// Base32 is the alphabet of access key ids (after the AKIA/ASIA prefix).
	Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	// Secret is the alphabet of secret access keys.
	Secret = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// String draws n characters of alphabet from r, without modulo bias.
func String(r io.Reader, alphabet string, n int) (string, error) {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(alphabet)
	var buf [64]byte
	for len(out) < n {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("ids: random source: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}

// UUID returns a random (version 4) UUID in its canonical text form.
func UUID(r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("ids: random source: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexd = "0123456789abcdef"
	out := make([]byte, 36)
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = hexd[c>>4], hexd[c&15]
		j += 2
	}
	return string(out), nil
}
