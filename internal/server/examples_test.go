package server

// AWS's documented request/response examples shipped with botocore
// (data/iam/2010-05-08/examples-1.json, data/sts/2011-06-15/examples-1.json),
// run through iamd. Each assertion names the example's id. The examples are
// old: where iamd answers with fields an example lacks (IsTruncated, newer
// SummaryMap keys, LoginProfile.PasswordResetRequired) the model allows them,
// and where it leaves out what an example shows (PasswordPolicy.HardExpiry
// when never set) it follows recorded AWS answers (snapshot_parity_test.go).

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// GetAccountSummary, example 9d8447af-f344-45de-8219-2cebc3cce7f2: the
// account whose summary is shown has a root access key and reports
// AccountAccessKeysPresent 1 ("1 if the root user has an access key", as
// CIS checks such as InSpec's aws_iam_root_user read it). iamd's root always
// has one: the key it was started with, which root's ListAccessKeys lists
// and the credential report shows active.
func TestExampleGetAccountSummaryRootAccessKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.iam()

	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys.AccessKeyMetadata) != 1 || aws.ToString(keys.AccessKeyMetadata[0].AccessKeyId) != rootKey {
		t.Fatalf("root's keys: %+v", keys.AccessKeyMetadata)
	}
	m := summary(t, c)
	if m["AccountAccessKeysPresent"] != 1 {
		t.Fatalf("AccountAccessKeysPresent = %d, want 1 (root has %s)", m["AccountAccessKeysPresent"], rootKey)
	}
	// The rest of the example's root flags: no root MFA, no signing
	// certificates here.
	if m["AccountMFAEnabled"] != 0 || m["AccountSigningCertificatesPresent"] != 0 {
		t.Fatalf("summary %v", m)
	}
	// A second root key changes nothing: the value is a flag, not a count.
	if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{}); err != nil {
		t.Fatal(err)
	}
	if m := summary(t, c); m["AccountAccessKeysPresent"] != 1 {
		t.Fatalf("with two root keys AccountAccessKeysPresent = %d, want 1", m["AccountAccessKeysPresent"])
	}
	// IAM users' keys are not the account's (root's) keys.
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Bob")}); err != nil {
		t.Fatal(err)
	}
	if m := summary(t, c); m["AccountAccessKeysPresent"] != 1 || m["Users"] != 1 {
		t.Fatalf("summary %v", m)
	}
}
