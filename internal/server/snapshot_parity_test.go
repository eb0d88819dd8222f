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

// Which members AWS puts in each answer.
func TestSnapshotParityResponseShapes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.iam()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	doc := `{"Version":"2012-10-17","Statement":[{"Action":"s3:ListBucket","Resource":"*","Effect":"Allow"}]}`

	// test_iam_roles.snapshot.json: TestRoleLifecycle::test_create_role_defaults,
	// TestRolePagination::test_list_roles_pagination (create-role-0, created
	// with Description "Role 0"), TestRolePermissionsBoundary::
	// test_role_permissions_boundary_lifecycle: CreateRole answers without
	// Description, MaxSessionDuration and RoleLastUsed, with the boundary.
	bnd, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("boundary"), PolicyDocument: aws.String(doc)})
	if err != nil {
		t.Fatal(err)
	}
	cr, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String("Role 0"), PermissionsBoundary: bnd.Policy.Arn})
	if err != nil {
		t.Fatal(err)
	}
	if r := cr.Role; r.Description != nil || r.MaxSessionDuration != nil || r.RoleLastUsed != nil || r.PermissionsBoundary == nil || r.Tags != nil {
		t.Fatalf("CreateRole: %+v", r)
	}
	// GetRole has them all (test_create_role_defaults get-role-response).
	gr, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r1")})
	if err != nil {
		t.Fatal(err)
	}
	if r := gr.Role; aws.ToString(r.Description) != "Role 0" || aws.ToInt32(r.MaxSessionDuration) != 3600 || r.RoleLastUsed == nil {
		t.Fatalf("GetRole: %+v", r)
	}
	// test_iam_roles.snapshot.json, TestRoleLifecycle::test_update_role
	// (update-role-description-response): no MaxSessionDuration, no RoleLastUsed.
	ud, err := c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("r1"), Description: aws.String("via update_role_description")})
	if err != nil {
		t.Fatal(err)
	}
	if r := ud.Role; aws.ToString(r.Description) != "via update_role_description" || r.MaxSessionDuration != nil || r.RoleLastUsed != nil {
		t.Fatalf("UpdateRoleDescription: %+v", r)
	}

	// test_iam_policies.snapshot.json, TestPolicyTags::test_policy_tag_lifecycle:
	// CreatePolicy answers without the Description GetPolicy shows;
	// GetPolicy always has Tags (get-without-tags: "Tags": []), AWS managed
	// policies too (test_iam_managed_policies.snapshot.json,
	// TestGetAwsManagedPolicy::test_get_aws_managed_policy).
	cp, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("described"), PolicyDocument: aws.String(doc), Description: aws.String("testing")})
	if err != nil {
		t.Fatal(err)
	}
	if cp.Policy.Description != nil || cp.Policy.Tags != nil {
		t.Fatalf("CreatePolicy: %+v", cp.Policy)
	}
	for arn, desc := range map[string]string{*cp.Policy.Arn: "testing", "arn:aws:iam::aws:policy/IAMUserChangePassword": ""} {
		gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		if gp.Policy.Tags == nil || len(gp.Policy.Tags) != 0 || (desc != "" && aws.ToString(gp.Policy.Description) != desc) {
			t.Fatalf("GetPolicy %s: %+v", arn, gp.Policy)
		}
	}

	// test_iam_instance_profiles.snapshot.json:
	// TestInstanceProfileLifecycle::test_instance_profile_lifecycle and
	// TestInstanceProfileRoles::test_add_remove_role_from_instance_profile:
	// GetInstanceProfile always has Tags, CreateInstanceProfile only when
	// tagged; the roles in a profile have no MaxSessionDuration (nor
	// Description: test_iam_account_authorization_details.snapshot.json,
	// test_get_account_authorization_details_filter_role, whose role was
	// created with one).
	ip, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip")})
	if err != nil {
		t.Fatal(err)
	}
	if ip.InstanceProfile.Tags != nil || ip.InstanceProfile.Roles == nil {
		t.Fatalf("CreateInstanceProfile: %+v", ip.InstanceProfile)
	}
	if _, err := c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ip"), RoleName: aws.String("r1")}); err != nil {
		t.Fatal(err)
	}
	gi, err := c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("ip")})
	if err != nil {
		t.Fatal(err)
	}
	if p := gi.InstanceProfile; p.Tags == nil || len(p.Tags) != 0 || len(p.Roles) != 1 {
		t.Fatalf("GetInstanceProfile: %+v", p)
	}
	if r := gi.InstanceProfile.Roles[0]; r.MaxSessionDuration != nil || r.Description != nil || r.RoleLastUsed != nil || r.PermissionsBoundary != nil {
		t.Fatalf("role in instance profile: %+v", r)
	}
	li, err := c.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if p := li.InstanceProfiles[0]; p.Tags != nil || p.Roles[0].MaxSessionDuration != nil {
		t.Fatalf("ListInstanceProfiles: %+v", p)
	}

	// test_iam_account_authorization_details.snapshot.json:
	// test_get_account_authorization_details_filter_role (RoleDetail with
	// its InstanceProfileList, RoleLastUsed {}, no Description),
	// test_get_account_authorization_details_no_filter (UserDetail with
	// "Tags": [] and no UserPolicyList; RoleDetail with "Tags": []).
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u1")}); err != nil {
		t.Fatal(err)
	}
	ad, err := c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ad.UserDetailList) != 1 || ad.UserDetailList[0].Tags == nil || ad.UserDetailList[0].UserPolicyList != nil || ad.UserDetailList[0].GroupList == nil {
		t.Fatalf("UserDetail: %+v", ad.UserDetailList)
	}
	if len(ad.RoleDetailList) != 1 {
		t.Fatalf("RoleDetailList: %+v", ad.RoleDetailList)
	}
	rd := ad.RoleDetailList[0]
	if rd.Tags == nil || rd.RoleLastUsed == nil || rd.RolePolicyList == nil || len(rd.InstanceProfileList) != 1 ||
		aws.ToString(rd.InstanceProfileList[0].InstanceProfileName) != "ip" || len(rd.InstanceProfileList[0].Roles) != 1 {
		t.Fatalf("RoleDetail: %+v", rd)
	}
	if r := rd.InstanceProfileList[0].Roles[0]; r.Description != nil || r.MaxSessionDuration != nil {
		t.Fatalf("role in RoleDetail's instance profile: %+v", r)
	}
}
