package iam

import (
	"testing"
	"time"
)

// RFC 6238 appendix B, SHA1 mode: the seed is the ASCII string
// "12345678901234567890" and codes have 8 digits.
func TestTOTPRFC6238Vectors(t *testing.T) {
	seed := []byte("12345678901234567890")
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		step := totpStep(time.Unix(v.unix, 0))
		if got := hotp(seed, uint64(step), 8); got != v.code {
			t.Errorf("T=%d: got %s, want %s", v.unix, got, v.code)
		}
		// The 6-digit code is the same value's last six digits.
		if got := totpCode(seed, step); got != v.code[2:] {
			t.Errorf("T=%d: 6-digit code %s, want %s", v.unix, got, v.code[2:])
		}
	}
}

// RFC 4226 appendix D: HOTP values for counters 0..9.
func TestHOTPRFC4226Vectors(t *testing.T) {
	seed := []byte("12345678901234567890")
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for i, w := range want {
		if got := hotp(seed, uint64(i), 6); got != w {
			t.Errorf("counter %d: got %s, want %s", i, got, w)
		}
	}
}

func TestMatchCodeWindowAndReplay(t *testing.T) {
	seed := []byte("12345678901234567890")
	const now = 1000
	for _, d := range []int64{-1, 0, 1} {
		if s, ok := matchCode(seed, totpCode(seed, now+d), now, 0, totpSkew); !ok || s != now+d {
			t.Errorf("offset %d: got %d %v", d, s, ok)
		}
	}
	for _, d := range []int64{-2, 2} {
		if _, ok := matchCode(seed, totpCode(seed, now+d), now, 0, totpSkew); ok {
			t.Errorf("offset %d accepted", d)
		}
	}
	// A step at or before the last accepted one is refused.
	if _, ok := matchCode(seed, totpCode(seed, now), now, now, totpSkew); ok {
		t.Error("replayed step accepted")
	}
	if _, ok := matchCode(seed, totpCode(seed, now+1), now, now, totpSkew); !ok {
		t.Error("next step refused")
	}
	wrong := totpCode(seed, now+7)
	if wrong != totpCode(seed, now-1) && wrong != totpCode(seed, now) && wrong != totpCode(seed, now+1) {
		if _, ok := matchCode(seed, wrong, now, 0, totpSkew); ok {
			t.Error("wrong code accepted")
		}
	}
}

func TestMatchConsecutive(t *testing.T) {
	seed := []byte("12345678901234567890")
	const now = 5000
	// Codes typed one after the other, sent during the second one's step or
	// the step after it.
	for _, s := range []int64{now - 2, now - 1, now} {
		got, ok := matchConsecutive(seed, totpCode(seed, s), totpCode(seed, s+1), now, 0, totpSkew)
		if !ok || got != s+1 {
			t.Errorf("first step %d: got %d %v", s, got, ok)
		}
	}
	if _, ok := matchConsecutive(seed, totpCode(seed, now-3), totpCode(seed, now-2), now, 0, totpSkew); ok {
		t.Error("stale pair accepted")
	}
	if c := totpCode(seed, now); c != totpCode(seed, now+1) && c != totpCode(seed, now-1) {
		if _, ok := matchConsecutive(seed, c, c, now, 0, totpSkew); ok {
			t.Error("the same code twice accepted")
		}
	}
	if _, ok := matchConsecutive(seed, totpCode(seed, now+1), totpCode(seed, now), now, 0, totpSkew); ok {
		t.Error("codes in the wrong order accepted")
	}
	// A drifted device is found within the resync window.
	got, ok := matchConsecutive(seed, totpCode(seed, now+57), totpCode(seed, now+58), now, 0, resyncWindow)
	if !ok || got != now+58 {
		t.Errorf("resync: got %d %v", got, ok)
	}
}
