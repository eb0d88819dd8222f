package iam

import (
	"context"
	"testing"
	"time"

	"github.com/iamd/iamd/internal/wire/iamwire"
)

func TestCheckPassword(t *testing.T) {
	s, clock := newTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, &iamwire.CreateUserInput{UserName: "Bob"}); err != nil {
		t.Fatal(err)
	}
	check := func(name, pw string, wantOK, wantReset bool) {
		t.Helper()
		ok, reset, err := s.CheckPassword(ctx, name, pw)
		if err != nil || ok != wantOK || reset != wantReset {
			t.Fatalf("CheckPassword(%s, %s) = %v %v %v, want %v %v", name, pw, ok, reset, err, wantOK, wantReset)
		}
	}
	check("Bob", "Secret-passw0rd", false, false) // no login profile
	check("Nobody", "Secret-passw0rd", false, false)
	if _, err := s.CreateLoginProfile(ctx, &iamwire.CreateLoginProfileInput{UserName: ptr("Bob"), Password: ptr("Secret-passw0rd"), PasswordResetRequired: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	check("bob", "Secret-passw0rd", true, true)
	check("Bob", "secret-passw0rd", false, false)
	u, _, _ := s.getUser(ctx, "Bob")
	if u.PasswordLastUsed == nil || !u.PasswordLastUsed.Equal(clock.Now()) {
		t.Fatalf("PasswordLastUsed %v", u.PasswordLastUsed)
	}
	if _, err := s.UpdateLoginProfile(ctx, &iamwire.UpdateLoginProfileInput{UserName: "Bob", PasswordResetRequired: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	check("Bob", "Secret-passw0rd", true, false)

	// Passwords older than MaxPasswordAge must be reset; with HardExpiry
	// they no longer sign in.
	if _, err := s.UpdateAccountPasswordPolicy(ctx, &iamwire.UpdateAccountPasswordPolicyInput{MaxPasswordAge: ptr(int32(30))}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(29 * 24 * time.Hour)
	check("Bob", "Secret-passw0rd", true, false)
	clock.Advance(24 * time.Hour)
	check("Bob", "Secret-passw0rd", true, true)
	if _, err := s.UpdateAccountPasswordPolicy(ctx, &iamwire.UpdateAccountPasswordPolicyInput{MaxPasswordAge: ptr(int32(30)), HardExpiry: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	check("Bob", "Secret-passw0rd", false, true)
	// An administrator's reset makes it valid again.
	if _, err := s.UpdateLoginProfile(ctx, &iamwire.UpdateLoginProfileInput{UserName: "Bob", Password: ptr("Fresh-passw0rd")}); err != nil {
		t.Fatal(err)
	}
	check("Bob", "Fresh-passw0rd", true, false)
	check("Bob", "Secret-passw0rd", false, false)
}
