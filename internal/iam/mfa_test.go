package iam

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/secrets"
	"github.com/iamd/iamd/internal/store/bolt"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

const testAccount = "123456789012"

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestService is a Service on a fresh bolt store with a settable clock.
func newTestService(t *testing.T) (*Service, *testClock) {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "iamd.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, secrets.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	sealer, err := secrets.New(key, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	return New(Config{Store: st, AccountID: testAccount, Now: clock.Now, Rand: rand.Reader, Sealer: sealer}), clock
}

func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	ae, ok := apierr.As(err)
	if !ok || ae.Code != code || (msg != "" && ae.Message != msg) {
		t.Fatalf("want %s %q, got %v", code, msg, err)
	}
}

func TestCheckMFA(t *testing.T) {
	s, clock := newTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, &iamwire.CreateUserInput{UserName: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, &iamwire.CreateUserInput{UserName: "eve"}); err != nil {
		t.Fatal(err)
	}
	out, err := s.CreateVirtualMFADevice(ctx, &iamwire.CreateVirtualMFADeviceInput{VirtualMFADeviceName: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	serial := out.VirtualMFADevice.SerialNumber
	seed, err := base32.StdEncoding.DecodeString(string(out.VirtualMFADevice.Base32StringSeed))
	if err != nil {
		t.Fatal(err)
	}
	code := func(d time.Duration) string { return totpCode(seed, totpStep(clock.Now().Add(d))) }
	bob, _, _ := s.getUser(ctx, "bob")
	eve, _, _ := s.getUser(ctx, "eve")
	pBob := &auth.Principal{Kind: auth.User, AccountID: testAccount, UserID: bob.ID, Name: "bob"}
	pEve := &auth.Principal{Kind: auth.User, AccountID: testAccount, UserID: eve.ID, Name: "eve"}
	const unable = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
	const invalid = "MultiFactorAuthentication failed with invalid MFA one time pass code. "

	// Not assigned yet.
	wantCode(t, s.CheckMFA(ctx, pBob, serial, code(0)), "AccessDenied", unable)
	if _, err := s.EnableMFADevice(ctx, &iamwire.EnableMFADeviceInput{UserName: "bob", SerialNumber: serial, AuthenticationCode1: code(-30 * time.Second), AuthenticationCode2: code(0)}); err != nil {
		t.Fatal(err)
	}
	// The current step was used to enable the device.
	wantCode(t, s.CheckMFA(ctx, pBob, serial, code(0)), "AccessDenied", invalid)
	// A code one step early is fine; once.
	if err := s.CheckMFA(ctx, pBob, serial, code(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.CheckMFA(ctx, pBob, serial, code(30*time.Second)), "AccessDenied", invalid)
	// Two steps ahead is too far.
	wantCode(t, s.CheckMFA(ctx, pBob, serial, code(90*time.Second)), "AccessDenied", invalid)
	clock.Advance(60 * time.Second)
	if err := s.CheckMFA(ctx, pBob, serial, code(0)); err != nil {
		t.Fatal(err)
	}
	// Another user, root, an unknown serial, another account's serial.
	clock.Advance(30 * time.Second)
	wantCode(t, s.CheckMFA(ctx, pEve, serial, code(0)), "AccessDenied", unable)
	wantCode(t, s.CheckMFA(ctx, &auth.Principal{Kind: auth.Root, AccountID: testAccount, UserID: testAccount}, serial, code(0)), "AccessDenied", unable)
	wantCode(t, s.CheckMFA(ctx, pBob, "arn:aws:iam::"+testAccount+":mfa/other", code(0)), "AccessDenied", unable)
	wantCode(t, s.CheckMFA(ctx, pBob, "arn:aws:iam::999999999999:mfa/bob", code(0)), "AccessDenied", unable)
	if err := s.CheckMFA(ctx, pBob, serial, code(0)); err != nil {
		t.Fatal(err)
	}

	// A device whose clock runs 10 minutes fast: resync finds it and later
	// codes are checked against the drift.
	drift := 10 * time.Minute
	clock.Advance(30 * time.Second)
	if _, err := s.ResyncMFADevice(ctx, &iamwire.ResyncMFADeviceInput{UserName: "bob", SerialNumber: serial,
		AuthenticationCode1: code(drift - 30*time.Second), AuthenticationCode2: code(drift)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Second)
	if err := s.CheckMFA(ctx, pBob, serial, code(drift)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Second)
	wantCode(t, s.CheckMFA(ctx, pBob, serial, code(0)), "AccessDenied", invalid)

	// Concurrent uses of one fresh code: exactly one succeeds.
	clock.Advance(30 * time.Second)
	c := code(drift)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.CheckMFA(ctx, pBob, serial, c) == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("%d concurrent uses of one code succeeded", ok)
	}
}

func TestMFAQuotaAndConflicts(t *testing.T) {
	s, clock := newTestService(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, &iamwire.CreateUserInput{UserName: "bob"}); err != nil {
		t.Fatal(err)
	}
	for i := range maxMFADevicesPerUser + 1 {
		out, err := s.CreateVirtualMFADevice(ctx, &iamwire.CreateVirtualMFADeviceInput{VirtualMFADeviceName: "d" + string(rune('a'+i))})
		if err != nil {
			t.Fatal(err)
		}
		seed, _ := base32.StdEncoding.DecodeString(string(out.VirtualMFADevice.Base32StringSeed))
		now := totpStep(clock.Now())
		_, err = s.EnableMFADevice(ctx, &iamwire.EnableMFADeviceInput{UserName: "bob", SerialNumber: out.VirtualMFADevice.SerialNumber,
			AuthenticationCode1: totpCode(seed, now-1), AuthenticationCode2: totpCode(seed, now)})
		if i < maxMFADevicesPerUser && err != nil {
			t.Fatal(err)
		}
		if i == maxMFADevicesPerUser {
			wantCode(t, err, "LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: 8")
		}
	}
	l, err := s.ListMFADevices(ctx, &iamwire.ListMFADevicesInput{UserName: ptr("bob"), MaxItems: ptr(int32(5))})
	if err != nil || len(l.MFADevices) != 5 || !*l.IsTruncated {
		t.Fatal(l, err)
	}
	l, err = s.ListMFADevices(ctx, &iamwire.ListMFADevicesInput{UserName: ptr("bob"), Marker: l.Marker})
	if err != nil || len(l.MFADevices) != 3 || *l.IsTruncated {
		t.Fatal(l, err)
	}
	v, err := s.ListVirtualMFADevices(ctx, &iamwire.ListVirtualMFADevicesInput{AssignmentStatus: ptr("Unassigned")})
	if err != nil || len(v.VirtualMFADevices) != 1 {
		t.Fatal(v, err)
	}
}
