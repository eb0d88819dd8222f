package iam

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"time"
)

// TOTP as virtual MFA devices use it (RFC 6238 over RFC 4226 HOTP):
// HMAC-SHA1, 6 digits, 30-second steps from the Unix epoch.
const (
	totpDigits = 6
	totpPeriod = 30 // seconds
	// totpSkew is how many steps a code may be early or late.
	totpSkew = 1
	// resyncWindow bounds how far (in steps, either way) ResyncMFADevice
	// looks for the device's clock: one hour.
	resyncWindow = 120
)

// totpStep is the time step t falls in.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// hotp computes the RFC 4226 one-time password of key at counter, with the
// given number of decimal digits.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	out := make([]byte, digits)
	for i := digits - 1; i >= 0; i-- {
		out[i] = byte('0' + bin%10)
		bin /= 10
	}
	return string(out)
}

// totpCode is the 6-digit code of seed for a time step.
func totpCode(seed []byte, step int64) string {
	return hotp(seed, uint64(step), totpDigits)
}

// codeEqual compares codes in constant time.
func codeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// matchCode finds the step in [center-skew, center+skew] whose code is
// code and that is after lastStep (a step is accepted once per device). It
// returns the step and whether one matched. Every candidate is computed so
// the time taken does not depend on which one matched.
func matchCode(seed []byte, code string, center, lastStep int64, skew int64) (int64, bool) {
	found, ok := int64(0), false
	for s := center - skew; s <= center+skew; s++ {
		if codeEqual(totpCode(seed, s), code) && s > lastStep && !ok {
			found, ok = s, true
		}
	}
	return found, ok
}

// matchConsecutive finds a step s, with s+1 in [center-skew, center+skew]
// (or within skew steps of it) and s after lastStep, such that code1 is the
// code of s and code2 the code of s+1: two consecutive codes, as
// EnableMFADevice and ResyncMFADevice require. It returns s+1, the step of
// the second code.
func matchConsecutive(seed []byte, code1, code2 string, center, lastStep, skew int64) (int64, bool) {
	found, ok := int64(0), false
	for s := center - skew - 1; s <= center+skew-1; s++ {
		if codeEqual(totpCode(seed, s), code1) && codeEqual(totpCode(seed, s+1), code2) && s > lastStep && !ok {
			found, ok = s+1, true
		}
	}
	return found, ok
}
