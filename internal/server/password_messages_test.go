package server

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// The error messages of console passwords, the account password policy
// and virtual MFA devices, each as real AWS answered it. Where a message
// is asserted here, its source is named beside it: a response recorded
// from AWS (LocalStack's AWS-validated snapshots, CloudTrail records, CLI
// and SDK output quoted in issues and notes). Messages without such a
// source are not asserted here.

func TestLoginProfileMessages(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	for _, name := range []string{"Bob", "Alice"} {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("Bob"), Password: aws.String(bobPassword)}); err != nil {
		t.Fatal(err)
	}

	// localstack/localstack tests/aws/services/iam/test_iam_users.snapshot.json
	// (test_login_profile_errors, recorded from AWS 2026-02-11); OSBot test
	// against AWS and a CLI transcript quote the same text.
	_, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("Bob"), Password: aws.String(newPassword)})
	wantErr(t, err, "EntityAlreadyExists", 409, "Login Profile for user Bob already exists.")
	_, err = c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("nonexistent-user"), Password: aws.String(bobPassword)})
	wantErr(t, err, "NoSuchEntity", 404, "The user with name nonexistent-user cannot be found.")

	// Same snapshot (get-deleted-login-profile-error,
	// delete-nonexistent-login-profile-error); ansible/ansible#43197.
	_, err = c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("Alice")})
	wantErr(t, err, "NoSuchEntity", 404, "Login Profile for User Alice cannot be found.")
	_, err = c.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("Alice")})
	wantErr(t, err, "NoSuchEntity", 404, "Login Profile for User Alice cannot be found.")
	_, err = c.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("Alice"), PasswordResetRequired: aws.Bool(true)})
	wantErr(t, err, "NoSuchEntity", 404, "Login Profile for User Alice cannot be found.")
	_, err = c.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("nonexistent-user")})
	wantErr(t, err, "NoSuchEntity", 404, "The user with name nonexistent-user cannot be found.")

	// ChangePassword by a user without a console password: a boto3
	// transcript ("An error occurred (NoSuchEntity) when calling the
	// ChangePassword operation: Login Profile for User vs-code-user cannot
	// be found."), answered before the old password is looked at.
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Alice")})
	if err != nil {
		t.Fatal(err)
	}
	allowAll(t, c, "Alice")
	alice := h.iam(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey)
	_, err = alice.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String("your-old-password"), NewPassword: aws.String(newPassword)})
	wantErr(t, err, "NoSuchEntity", 404, "Login Profile for User Alice cannot be found.")
}

func TestVirtualMFAMessages(t *testing.T) {
	h, clock := newClockHarness(t)
	c := h.iam()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("BobsPhone")})
	if err != nil {
		t.Fatal(err)
	}
	serial := *out.VirtualMFADevice.SerialNumber
	seed := out.VirtualMFADevice.Base32StringSeed

	// localstack/localstack tests/aws/services/iam/test_iam_mfa.snapshot.json
	// (test_virtual_mfa_device_errors, recorded from AWS 2026-02-17); the
	// console shows the same text (alphagov's gds-users notes). Older AWS
	// said "MFADevice entity at the same path and name already exists."
	// (a 2019 CloudTrail record).
	_, err = c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("BobsPhone")})
	wantErr(t, err, "EntityAlreadyExists", 409, "MFA device already exists.")

	// Same snapshot (delete-nonexistent-error, and
	// test_enable_mfa_device_errors' deactivate-nonexistent-mfa-error).
	missing := "arn:aws:iam::" + testAccount + ":mfa/nonexistent-device"
	_, err = c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(missing)})
	wantErr(t, err, "NoSuchEntity", 404, "MFA Device with serial number "+missing+" does not exist.")
	_, err = c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("Bob"), SerialNumber: aws.String(missing)})
	wantErr(t, err, "NoSuchEntity", 404, "MFA Device with serial number "+missing+" does not exist.")
	_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("nonexistent-user"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")})
	wantErr(t, err, "NoSuchEntity", 404, "The user with name nonexistent-user cannot be found.")
	_, err = c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("nonexistent-user"), SerialNumber: aws.String(serial)})
	wantErr(t, err, "NoSuchEntity", 404, "The user with name nonexistent-user cannot be found.")

	// Codes that are not two consecutive ones: the console shows this
	// text when enabling fails (users' setup notes).
	now := clock.Now()
	code1, code2 := totp(t, seed, now.Add(-30*time.Second)), totp(t, seed, now)
	_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("Bob"), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String(code2), AuthenticationCode2: aws.String(code1)})
	wantErr(t, err, "InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
	if _, err := c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("Bob"), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String(code1), AuthenticationCode2: aws.String(code2)}); err != nil {
		t.Fatal(err)
	}
	// test_iam_mfa.snapshot.json, test_enable_mfa_device_already_attached
	// (recorded from AWS 2026-02-24): the serial number is not named.
	_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("Bob"), SerialNumber: aws.String(serial), AuthenticationCode1: aws.String(code1), AuthenticationCode2: aws.String(code2)})
	wantErr(t, err, "EntityAlreadyExists", 409, "MFA Device is already in use.")
}
