package server

// Parity with answers recorded against real AWS IAM and STS in LocalStack's
// AWS-validated snapshots (localstack/localstack, tests/aws/services/iam
// and tests/aws/services/sts, recorded 2025–2026). Each assertion names the
// snapshot file and test it comes from; placeholders such as <user-name:1>
// are the names these tests use.

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// IAM leaves the offending value out of every violation and lists
// violations in the order of AWS's HashMap of member paths; STS quotes
// the value.
func TestSnapshotParityValidationMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.iam()

	// test_iam_account_password_policy.snapshot.json,
	// TestAccountPasswordPolicy::test_update_account_password_policy_validation_errors
	_, err := c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{
		MaxPasswordAge: aws.Int32(1096), MinimumPasswordLength: aws.Int32(129), PasswordReusePrevention: aws.Int32(25)})
	wantErr(t, err, "ValidationError", 400, "3 validation errors detected: "+
		"Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128; "+
		"Value at 'passwordReusePrevention' failed to satisfy constraint: Member must have value less than or equal to 24; "+
		"Value at 'maxPasswordAge' failed to satisfy constraint: Member must have value less than or equal to 1095")

	// test_iam_managed_policies.snapshot.json,
	// TestGetAwsManagedPolicy::test_get_aws_managed_policy_version
	_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{
		PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"), VersionId: aws.String("v2-does-not-exist")})
	wantErr(t, err, "ValidationError", 400, `1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)

	// test_iam_mfa.snapshot.json, TestVirtualMfaDevice::test_virtual_mfa_device_errors
	// (create-path-too-long-error)
	_, err = c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{
		VirtualMFADeviceName: aws.String("mfa-long"), Path: aws.String("/" + strings.Repeat("a", 512) + "/")})
	wantErr(t, err, "ValidationError", 400, "1 validation error detected: Value at 'path' failed to satisfy constraint: Member must have length less than or equal to 512")

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("tagged"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	tagCases := []struct {
		tag  types.Tag
		want string
	}{
		// test_iam_roles.snapshot.json, TestRoleTags::test_role_tag_errors
		// (create-role-tag-key-too-long, tag-role-tag-key-too-long)
		{types.Tag{Key: aws.String(strings.Repeat("k", 129)), Value: aws.String("value")},
			"1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"},
		// (create-role-tag-value-too-long, tag-role-tag-value-too-long)
		{types.Tag{Key: aws.String("key"), Value: aws.String(strings.Repeat("v", 257))},
			"1 validation error detected: Value at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"},
		// (create-role-tag-invalid-char, tag-role-tag-invalid-char)
		{types.Tag{Key: aws.String("invalid!key"), Value: aws.String("value")},
			`1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
	}
	for _, tc := range tagCases {
		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r-bad-tag"), AssumeRolePolicyDocument: aws.String(trust), Tags: []types.Tag{tc.tag}})
		wantErr(t, err, "ValidationError", 400, tc.want)
		_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("tagged"), Tags: []types.Tag{tc.tag}})
		wantErr(t, err, "ValidationError", 400, tc.want)
	}

	// test_iam_roles.snapshot.json, TestRoleTags::test_role_tag_errors
	// (untag-role-key-too-long, untag-role-invalid-char); the same in
	// test_iam_policies.snapshot.json, TestPolicyTags::test_policy_tag_update_errors
	// (err-untag-large-key, err-untag-invalid-character)
	listSummary := `1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: ` +
		`[Member must have length less than or equal to 128, Member must have length greater than or equal to 1, ` +
		`Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+, Member must not be null]`
	for _, key := range []string{strings.Repeat("k", 129), "invalid!key"} {
		_, err = c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("tagged"), TagKeys: []string{key}})
		wantErr(t, err, "ValidationError", 400, listSummary)
	}
	// (untag-role-too-many-keys)
	many := make([]string, 51)
	for i := range many {
		many[i] = strings.Repeat("k", i+1)
	}
	_, err = c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("tagged"), TagKeys: many})
	wantErr(t, err, "ValidationError", 400, "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50")

	// STS quotes the value: test_sts.snapshot.json,
	// TestSTSIntegrations::test_assume_role_session_name_too_long and
	// test_sts_invalid_parameters (invalid-session-name)
	s := h.sts()
	long := strings.Repeat("s", 65)
	_, err = s.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/tagged"), RoleSessionName: aws.String(long)})
	wantErr(t, err, "ValidationError", 400, "1 validation error detected: Value '"+long+"' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64")
	_, err = s.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/tagged"), RoleSessionName: aws.String("Session1:2")})
	wantErr(t, err, "ValidationError", 400, `1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`)
}
