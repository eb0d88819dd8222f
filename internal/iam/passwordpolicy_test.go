package iam

import (
	"bytes"
	"crypto/rand"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefaultPasswordPolicy(t *testing.T) {
	for _, c := range []struct {
		pw   string
		want []string
	}{
		{"Abcdef1!", nil},
		{"abcdefg1", []string{"Password should meet 1 more of the following requirements: Password should have at least one uppercase letter, Password should have at least one symbol"}},
		{"Abcdefgh1", nil},  // upper, lower, number: three of four
		{"abc de~fg1", nil}, // any non-alphanumeric character counts as a symbol here
		{"abcdefgh", []string{"Password should meet 2 more of the following requirements: Password should have at least one uppercase letter, Password should have at least one number, Password should have at least one symbol"}},
		{"Ab1!", []string{"Password should have a minimum length of 8"}},
		{"abc", []string{"Password should have a minimum length of 8", "Password should meet 2 more of the following requirements: Password should have at least one uppercase letter, Password should have at least one number, Password should have at least one symbol"}},
	} {
		if got := passwordViolations(nil, c.pw); !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.pw, got, c.want)
		}
	}
}

func TestCustomPasswordPolicy(t *testing.T) {
	p := &passwordPolicy{MinLength: 10, Symbols: true, Numbers: true, Upper: true, Lower: true}
	for _, c := range []struct {
		pw   string
		want []string
	}{
		{"Abcdefgh1!", nil},
		{"abcdefgh1!", []string{msgNeedUpper}},
		{"ABCDEFGH1!", []string{msgNeedLower}},
		{"Abcdefghi!", []string{msgNeedNumber}},
		{"Abcdefgh12", []string{msgNeedSymbol}},
		{"Abcdefgh1~", []string{msgNeedSymbol}}, // ~ is not one of the listed symbols
		{"short", []string{"Password should have a minimum length of 10", msgNeedUpper, msgNeedNumber, msgNeedSymbol}},
	} {
		if got := passwordViolations(p, c.pw); !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.pw, got, c.want)
		}
	}
	for _, sym := range passwordSymbols {
		if got := passwordViolations(p, "Abcdefgh1"+string(sym)); got != nil {
			t.Errorf("symbol %q not accepted: %q", sym, got)
		}
	}
	// A policy requiring nothing but length.
	loose := &passwordPolicy{MinLength: 6}
	if got := passwordViolations(loose, "aaaaaa"); got != nil {
		t.Errorf("loose policy: %q", got)
	}
	err := checkPasswordRules(p, "short")
	if err == nil || !strings.Contains(err.Error(), "PasswordPolicyViolation: Password should have a minimum length of 10, Password should have at least one uppercase letter") {
		t.Fatalf("error %v", err)
	}
}

func TestPolicyExpiry(t *testing.T) {
	changed := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var none *passwordPolicy
	if _, ok := none.expires(changed); ok {
		t.Fatal("no policy: passwords never expire")
	}
	if _, ok := (&passwordPolicy{MinLength: 6}).expires(changed); ok {
		t.Fatal("no MaxPasswordAge: passwords never expire")
	}
	exp, ok := (&passwordPolicy{MaxAge: 90}).expires(changed)
	if !ok || !exp.Equal(changed.AddDate(0, 0, 90)) {
		t.Fatalf("expiry %v %v", exp, ok)
	}
	if (&passwordPolicy{}).hardExpiry() || !(&passwordPolicy{HardExpiry: ptr(true)}).hardExpiry() {
		t.Fatal("hardExpiry")
	}
	if none.history() != 0 || (&passwordPolicy{Reuse: 3}).history() != 3 {
		t.Fatal("history")
	}
}

func TestPasswordHashAndReuse(t *testing.T) {
	s := &Service{rand: rand.Reader}
	h1, err := s.hashPassword("first-Password1")
	if err != nil {
		t.Fatal(err)
	}
	if !h1.matches("first-Password1") || h1.matches("first-password1") || h1.matches("") {
		t.Fatal("hash does not verify")
	}
	if bytes.Contains(mustJSON(h1), []byte("first-Password1")) {
		t.Fatal("password in the stored hash")
	}
	h2, _ := s.hashPassword("second-Password2")
	h3, _ := s.hashPassword("third-Password3")
	if bytes.Equal(h1.Salt, h2.Salt) {
		t.Fatal("salts repeat")
	}
	l := &loginRecord{Hash: h1}
	now := time.Now()
	l.setPassword(h2, 3, now)
	l.setPassword(h3, 3, now)
	if len(l.History) != 2 {
		t.Fatalf("history %d", len(l.History))
	}
	for _, pw := range []string{"first-Password1", "second-Password2", "third-Password3"} {
		if err := checkReuse(l, 3, pw); err == nil {
			t.Errorf("%s reused", pw)
		}
	}
	if err := checkReuse(l, 2, "first-Password1"); err != nil {
		t.Error("a password older than the policy remembers was refused")
	}
	if err := checkReuse(l, 0, "third-Password3"); err != nil {
		t.Error("reuse refused without a policy")
	}
	// Without reuse prevention no history is kept.
	l.setPassword(h1, 0, now)
	if l.History != nil {
		t.Fatal("history kept without a policy")
	}
}
