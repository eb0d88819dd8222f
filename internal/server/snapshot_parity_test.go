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

// Error codes, statuses and messages of failing requests.
func TestSnapshotParityErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.iam()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"Statement1","Effect":"Allow","Action":["iam:ListUsers"],"Resource":"*"}]}`
	for _, u := range []string{"u1"} {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g1")}); err != nil {
		t.Fatal(err)
	}

	// test_iam_users.snapshot.json, TestUserGroups::test_user_group_membership
	// (remove-nonmember-user-from-group): removing a non-member succeeds.
	if _, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("g1"), UserName: aws.String("u1")}); err != nil {
		t.Fatal(err)
	}
	// test_iam_groups.snapshot.json, TestIAMGroupsMembership::
	// test_remove_user_from_unknown_group: the user is looked up first.
	_, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("non-existent-group"), UserName: aws.String("any-user")})
	wantErr(t, err, "NoSuchEntity", 404, "The user with name any-user cannot be found.")
	// test_iam_users.snapshot.json, TestUserGroups::test_user_group_errors
	// (remove-user-from-nonexistent-group-error)
	_, err = c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("nonexistent-group"), UserName: aws.String("u1")})
	wantErr(t, err, "NoSuchEntity", 404, "The group with name nonexistent-group cannot be found.")

	// test_iam_users.snapshot.json, TestUserAccessKeys::test_access_key_errors
	// (get-last-used-nonexistent-key-error): an unknown key is denied, not
	// "not found" (recorded for an administrator; here the caller is root).
	_, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAIOSFODNN7EXAMPLE")})
	wantErr(t, err, "AccessDenied", 403, "User: arn:aws:iam::"+testAccount+":root is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key AKIAIOSFODNN7EXAMPLE")

	// test_iam_roles.snapshot.json, TestRoleManagedPolicies::test_role_managed_policy_errors
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("test-policy-0123abcd"), PolicyDocument: aws.String(doc)})
	if err != nil {
		t.Fatal(err)
	}
	// (non-existent-malformed-policy-arn)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r1"), PolicyArn: aws.String("longpolicynamebutnoarn")})
	wantErr(t, err, "ValidationError", 400, "ARN longpolicynamebutnoarn is not valid.")
	// (existing-policy-name-provided)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r1"), PolicyArn: aws.String("test-policy-0123abcd")})
	wantErr(t, err, "ValidationError", 400, "ARN test-policy-0123abcd is not valid.")

	// test_iam_roles.snapshot.json, TestRolePermissionsBoundary::test_role_permissions_boundary_errors
	missing := "arn:aws:iam::" + testAccount + ":policy/nonexistent-policy"
	// (put-nonexistent-policy-error)
	_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r1"), PermissionsBoundary: aws.String(missing)})
	wantErr(t, err, "NoSuchEntity", 404, "Scope ARN: "+missing+" does not exist or is not attachable.")
	// (create-role-nonexistent-policy-error)
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(trust), PermissionsBoundary: aws.String(missing)})
	wantErr(t, err, "NoSuchEntity", 404, "Scope ARN: "+missing+" does not exist or is not attachable.")
	// (put-invalid-boundary-error)
	bad := "arn:aws:iam::" + testAccount + ":not_a_policy/invalid"
	_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r1"), PermissionsBoundary: aws.String(bad)})
	wantErr(t, err, "InvalidInput", 400, "ARN "+bad+" is not valid.")

	// test_iam_instance_profiles.snapshot.json, TestInstanceProfileRoles::
	// test_role_instance_profile_operations_errors (remove-unattached-role-error)
	if _, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("ip1"), RoleName: aws.String("r1")})
	wantErr(t, err, "NoSuchEntity", 404, "Role r1 in Instance Profile ip1 cannot be found.")

	// test_iam_policies.snapshot.json, TestPolicies::test_policy_version_errors
	gone := "arn:aws:iam::" + testAccount + ":policy/TestNonExistingPolicy"
	// (err-get-version-nonexistent-policy)
	_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(gone), VersionId: aws.String("v1")})
	wantErr(t, err, "NoSuchEntity", 404, "Policy "+gone+" version v1 does not exist or is not attachable.")
	// (err-set-default-nonexistent-policy)
	_, err = c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(gone), VersionId: aws.String("v1")})
	wantErr(t, err, "NoSuchEntity", 404, "Policy "+gone+" version v1 does not exist or is not attachable.")
	// (err-set-default-invalid-version-format)
	_, err = c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: aws.String("wrong_version_id")})
	wantErr(t, err, "ValidationError", 400, `1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)

	// test_iam_policies.snapshot.json, TestListEntitiesForPolicy::test_list_entities_for_policy_errors
	_, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + testAccount + ":policy/NonExistentPolicy")})
	wantErr(t, err, "NoSuchEntity", 404, "Policy arn:aws:iam::"+testAccount+":policy/NonExistentPolicy does not exist or is not attachable.")
	// TestListEntitiesForPolicy::test_list_entities_for_policy
	// (filter-local-managed-policy): the filter names no entity kind.
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u1"), PolicyArn: pol.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	le, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: pol.Policy.Arn, EntityFilter: types.EntityTypeLocalManagedPolicy})
	if err != nil || len(le.PolicyUsers)+len(le.PolicyGroups)+len(le.PolicyRoles) != 0 || le.PolicyUsers == nil {
		t.Fatal(le, err)
	}
	le, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: pol.Policy.Arn})
	if err != nil || len(le.PolicyUsers) != 1 {
		t.Fatal(le, err)
	}

	// test_iam_policies.snapshot.json, TestPolicyTags: a managed policy's
	// tag keys are case-sensitive (test_policy_tag_lifecycle
	// create-with-case-sensitive-tags, test_policy_tag_operations
	// list-after-untag-lowercase) and an exact duplicate is refused without
	// the note on case (test_policy_tag_create_errors err-duplicate-keys,
	// test_policy_tag_update_errors err-tag-duplicate-keys).
	dup := []types.Tag{{Key: aws.String("0"), Value: aws.String("")}, {Key: aws.String("0"), Value: aws.String("")}}
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("dup"), PolicyDocument: aws.String(doc), Tags: dup})
	wantErr(t, err, "InvalidInput", 400, "Duplicate tag keys found.")
	_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: pol.Policy.Arn, Tags: dup})
	wantErr(t, err, "InvalidInput", 400, "Duplicate tag keys found.")
	cased := []types.Tag{{Key: aws.String("a"), Value: aws.String("lowercase")}, {Key: aws.String("A"), Value: aws.String("uppercase")}}
	cp, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("cased"), PolicyDocument: aws.String(doc), Tags: cased})
	if err != nil || len(cp.Policy.Tags) != 2 {
		t.Fatal(cp, err)
	}
	if _, err := c.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: cp.Policy.Arn, TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	lt, err := c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: cp.Policy.Arn})
	if err != nil || len(lt.Tags) != 1 || aws.ToString(lt.Tags[0].Key) != "A" {
		t.Fatal(lt, err)
	}
	// Roles keep case-insensitive keys: test_iam_roles.snapshot.json,
	// TestRoleTags::test_role_tag_errors (create-role-duplicate-tags-different-case)
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r3"), AssumeRolePolicyDocument: aws.String(trust), Tags: cased})
	wantErr(t, err, "InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
}

// Checks AWS makes in the service, after the model's.
func TestSnapshotParityServiceChecks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.iam()
	invalidPath := "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters."

	// test_iam_mfa.snapshot.json, TestVirtualMfaDevice::test_virtual_mfa_device_errors
	// (create-invalid-path-no-leading-slash-error, create-invalid-path-no-trailing-slash-error)
	for _, p := range []string{"invalid-path/", "/invalid-path"} {
		_, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("mfa-x"), Path: aws.String(p)})
		wantErr(t, err, "ValidationError", 400, invalidPath)
	}
	// TestVirtualMfaDevice::test_virtual_mfa_device_lifecycle[/test//double/]
	if _, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("mfa-d"), Path: aws.String("/test//double/")}); err != nil {
		t.Fatal(err)
	}
	// The same words for CreateUser and CreateRole (reported from AWS in
	// ministryofjustice/cloud-platform-environments#1726 and
	// serverless/serverless#3802; not in the snapshots).
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u"), Path: aws.String("test/")})
	wantErr(t, err, "ValidationError", 400, invalidPath)
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), Path: aws.String("/root"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	wantErr(t, err, "ValidationError", 400, invalidPath)
	// ListPolicies --path-prefix '/foo' (aws/aws-sdk#36).
	_, err = c.ListPolicies(ctx, &iam.ListPoliciesInput{PathPrefix: aws.String("/foo")})
	wantErr(t, err, "ValidationError", 400, "The specified value for pathPrefix is invalid. It must begin with the / character and contain only alphanumeric characters and/or / characters.")

	// test_iam_mfa.snapshot.json, TestVirtualMfaDevice::test_list_virtual_mfa_devices
	// (list-invalid-marker-error)
	_, err = c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{Marker: aws.String("invalid-marker-value")})
	wantErr(t, err, "ValidationError", 400, "Invalid Marker.")
}
