package sigv4

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"sync"
)

// hmacSHA256 returns HMAC-SHA256(key, msg) (RFC 2104). It is crypto/hmac
// spelled out over sha256.Sum256 so that the per-request signature costs no
// heap allocation (crypto/hmac allocates its state on every New); the tests
// check it against crypto/hmac.
func hmacSHA256(key, msg []byte) [sha256.Size]byte {
	var k [sha256.BlockSize]byte
	if len(key) > sha256.BlockSize {
		sum := sha256.Sum256(key)
		copy(k[:], sum[:])
	} else {
		copy(k[:], key)
	}
	var buf [512]byte
	in := buf[:0]
	for _, c := range k {
		in = append(in, c^0x36)
	}
	in = append(in, msg...)
	inner := sha256.Sum256(in)
	var outer [sha256.BlockSize + sha256.Size]byte
	for i, c := range k {
		outer[i] = c ^ 0x5c
	}
	copy(outer[sha256.BlockSize:], inner[:])
	clear(k[:])
	clear(buf[:sha256.BlockSize])
	return sha256.Sum256(outer[:])
}

// hmacString is hmacSHA256 with a string message, copied through a stack
// buffer.
func hmacString(key []byte, msg string) [sha256.Size]byte {
	var buf [128]byte
	return hmacSHA256(key, append(buf[:0], msg...))
}

// deriveSigningKey returns kSigning:
//
//	kDate    = HMAC("AWS4"+secret, date)
//	kRegion  = HMAC(kDate, region)
//	kService = HMAC(kRegion, service)
//	kSigning = HMAC(kService, "aws4_request")
func deriveSigningKey(secret, date, region, service string) [sha256.Size]byte {
	var buf [128]byte
	kSecret := append(append(buf[:0], "AWS4"...), secret...)
	k := hmacString(kSecret, date)
	clear(kSecret)
	k = hmacString(k[:], region)
	k = hmacString(k[:], service)
	return hmacString(k[:], Terminator)
}

// appendStringToSign appends
//
//	AWS4-HMAC-SHA256 \n amzDate \n scope \n hex(SHA256(canonicalRequest))
func appendStringToSign(dst []byte, amzDate, scope string, creqHash [sha256.Size]byte) []byte {
	dst = append(dst, Algorithm...)
	dst = append(dst, '\n')
	dst = append(dst, amzDate...)
	dst = append(dst, '\n')
	dst = append(dst, scope...)
	dst = append(dst, '\n')
	return hex.AppendEncode(dst, creqHash[:])
}

// signatureEqual compares a computed signature with the one the client
// sent, in time independent of where they differ.
func signatureEqual(computed [2 * sha256.Size]byte, sent string) bool {
	if len(sent) != len(computed) {
		return false
	}
	var b [2 * sha256.Size]byte
	copy(b[:], sent)
	return subtle.ConstantTimeCompare(computed[:], b[:]) == 1
}

// signingKeyCacheMax bounds the number of cached signing keys; the cache is
// emptied when it is full. Keys change daily, so a small cache suffices.
const signingKeyCacheMax = 1024

// signingKeyID identifies a derived signing key. The secret is represented
// by its SHA-256 fingerprint, so a rotated secret for the same access key
// never reuses a stale key and the secret itself is not kept.
type signingKeyID struct {
	accessKeyID string
	secret      [sha256.Size]byte
	date        string
	region      string
	service     string
}

// signingKeyCache is a bounded, mutex-guarded map of derived signing keys.
// The zero value is ready to use.
type signingKeyCache struct {
	mu   sync.Mutex
	keys map[signingKeyID][sha256.Size]byte
}

// secretFingerprint returns SHA-256(secret) without allocating for secrets
// of usual length.
func secretFingerprint(secret string) [sha256.Size]byte {
	var buf [128]byte
	b := append(buf[:0], secret...)
	fp := sha256.Sum256(b)
	clear(b)
	return fp
}

// get returns the signing key for (akid, secret, date, region, service),
// deriving and caching it on a miss.
func (c *signingKeyCache) get(akid, secret, date, region, service string) [sha256.Size]byte {
	id := signingKeyID{akid, secretFingerprint(secret), date, region, service}
	c.mu.Lock()
	k, ok := c.keys[id]
	c.mu.Unlock()
	if ok {
		return k
	}
	k = deriveSigningKey(secret, date, region, service)
	// The strings are substrings of request headers: copy them so the cache
	// does not pin whole requests in memory.
	id.accessKeyID = strings.Clone(akid)
	id.date = strings.Clone(date)
	id.region = strings.Clone(region)
	id.service = strings.Clone(service)
	c.mu.Lock()
	if c.keys == nil || len(c.keys) >= signingKeyCacheMax {
		c.keys = make(map[signingKeyID][sha256.Size]byte)
	}
	c.keys[id] = k
	c.mu.Unlock()
	return k
}

// len returns the number of cached keys.
func (c *signingKeyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.keys)
}
