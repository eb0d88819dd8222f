package server

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const allowGetUsers = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`

func mustCreateUser(t *testing.T, c *iam.Client, name string) *types.User {
	t.Helper()
	out, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return out.User
}

func mustCreatePolicy(t *testing.T, c *iam.Client, name, doc string) *types.Policy {
	t.Helper()
	out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Policy
}

func TestGroupsAndMembership(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	mustCreateUser(t, c, "Bob")
	g, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Admins"), Path: aws.String("/ops/")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(*g.Group.GroupId, "AGPA") || len(*g.Group.GroupId) != 21 || *g.Group.Arn != "arn:aws:iam::"+testAccount+":group/ops/Admins" {
		t.Fatalf("group %+v", g.Group)
	}
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins")})
	wantErr(t, err, "EntityAlreadyExists", 409, "Group with name admins already exists.")
	if _, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Admins"), UserName: aws.String("Bob")}); err != nil {
		t.Fatal(err)
	}
	// Renames keep memberships, seen from both sides.
	if _, err := c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Bob"), NewUserName: aws.String("Robert")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("Admins"), NewGroupName: aws.String("Operators")}); err != nil {
		t.Fatal(err)
	}
	gg, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("operators")})
	if err != nil || len(gg.Users) != 1 || *gg.Users[0].UserName != "Robert" {
		t.Fatal(gg, err)
	}
	lg, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("Robert")})
	if err != nil || len(lg.Groups) != 1 || *lg.Groups[0].GroupName != "Operators" {
		t.Fatal(lg, err)
	}
	_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("Operators")})
	wantErr(t, err, "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.")
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Robert")})
	wantErr(t, err, "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.")
	// At most 10 groups per user.
	for i := 0; i < 9; i++ {
		name := fmt.Sprintf("g%d", i)
		if _, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(name), UserName: aws.String("Robert")}); err != nil {
			t.Fatal(err)
		}
	}
	c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("eleventh")})
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("eleventh"), UserName: aws.String("Robert")})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for GroupsPerUser: 10")
	if _, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("Operators"), UserName: aws.String("Robert")}); err != nil {
		t.Fatal(err)
	}
	gg, _ = c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Operators")})
	if len(gg.Users) != 0 {
		t.Fatalf("members after removal: %+v", gg.Users)
	}
	if _, err := c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("Operators")}); err != nil {
		t.Fatal(err)
	}
}

func TestManagedPoliciesAndVersions(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	p := mustCreatePolicy(t, c, "ReadUsers", allowGetUsers)
	if *p.Arn != "arn:aws:iam::"+testAccount+":policy/ReadUsers" || *p.DefaultVersionId != "v1" || *p.AttachmentCount != 0 || !strings.HasPrefix(*p.PolicyId, "ANPA") {
		t.Fatalf("policy %+v", p)
	}
	_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("readusers"), PolicyDocument: aws.String(allowGetUsers)})
	wantErr(t, err, "EntityAlreadyExists", 409, "A policy called readusers already exists. Duplicate names are not allowed.")
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Bad"), PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`)})
	wantErr(t, err, "MalformedPolicyDocument", 400, "Policy document must be version 2012-10-17 or greater.")
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Bad"), PolicyDocument: aws.String(`not json`)})
	wantErr(t, err, "MalformedPolicyDocument", 400, "Syntax errors in policy.")
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/` + strings.Repeat("a", 6200) + `"}]}`
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Big"), PolicyDocument: aws.String(big)})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed the quota for PolicySize: 6144.")
	for i := 2; i <= 5; i++ {
		v, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: p.Arn, PolicyDocument: aws.String(allowGetUsers), SetAsDefault: i == 3})
		if err != nil || *v.PolicyVersion.VersionId != fmt.Sprintf("v%d", i) {
			t.Fatal(v, err)
		}
	}
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: p.Arn, PolicyDocument: aws.String(allowGetUsers)})
	wantErr(t, err, "LimitExceeded", 409, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	gp, _ := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: p.Arn})
	if *gp.Policy.DefaultVersionId != "v3" {
		t.Fatalf("default %s", *gp.Policy.DefaultVersionId)
	}
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: p.Arn, VersionId: aws.String("v3")})
	wantErr(t, err, "DeleteConflict", 409, "Cannot delete the default version of a policy.")
	gv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: p.Arn, VersionId: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	// The Go SDK hands out the document as sent on the wire: URL-encoded.
	if doc, _ := url.QueryUnescape(*gv.PolicyVersion.Document); doc != allowGetUsers {
		t.Fatalf("document %q", *gv.PolicyVersion.Document)
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: p.Arn})
	wantErr(t, err, "DeleteConflict", 409, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	lv, _ := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: p.Arn})
	if len(lv.Versions) != 5 || *lv.Versions[0].VersionId != "v5" {
		t.Fatalf("versions %+v", lv.Versions)
	}
	for _, v := range []string{"v1", "v2", "v4", "v5"} {
		if _, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: p.Arn, VersionId: aws.String(v)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: p.Arn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: p.Arn})
	wantErr(t, err, "NoSuchEntity", 404, "Policy "+*p.Arn+" was not found.")
}

func TestAWSManagedPolicies(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	out, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(1000)})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range out.Policies {
		names[*p.PolicyName] = true
	}
	for _, want := range []string{"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess", "IAMReadOnlyAccess", "IAMUserChangePassword", "SecurityAudit", "ViewOnlyAccess", "DatabaseAdministrator"} {
		if !names[want] {
			t.Errorf("AWS managed policy %s missing", want)
		}
	}
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	gv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(admin), VersionId: aws.String("v1")})
	if err != nil || !strings.Contains(*gv.PolicyVersion.Document, "%22Action%22") {
		t.Fatal(gv, err)
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(admin)})
	wantErr(t, err, "InvalidInput", 400, "")
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(admin), PolicyDocument: aws.String(allowGetUsers)})
	wantErr(t, err, "InvalidInput", 400, "")
}

func TestAttachmentsAndInline(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	mustCreateUser(t, c, "Bob")
	c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Devs")})
	p := mustCreatePolicy(t, c, "ReadUsers", allowGetUsers)
	admin := aws.String("arn:aws:iam::aws:policy/AdministratorAccess")
	for _, arn := range []*string{p.Arn, admin} {
		if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Bob"), PolicyArn: arn}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("Devs"), PolicyArn: arn}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Bob"), PolicyArn: aws.String("arn:aws:iam::" + testAccount + ":policy/Nope")})
	wantErr(t, err, "NoSuchEntity", 404, "Policy arn:aws:iam::"+testAccount+":policy/Nope does not exist or is not attachable.")
	gp, _ := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: p.Arn})
	if *gp.Policy.AttachmentCount != 2 {
		t.Fatalf("attachment count %d", *gp.Policy.AttachmentCount)
	}
	// Both sides agree, also after a rename.
	c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Bob"), NewUserName: aws.String("Bobby")})
	ents, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: p.Arn})
	if err != nil || len(ents.PolicyUsers) != 1 || *ents.PolicyUsers[0].UserName != "Bobby" || len(ents.PolicyGroups) != 1 {
		t.Fatal(ents, err)
	}
	la, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("Bobby")})
	if err != nil || len(la.AttachedPolicies) != 2 {
		t.Fatal(la, err)
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: p.Arn})
	wantErr(t, err, "DeleteConflict", 409, "Cannot delete a policy attached to entities.")
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Bobby")})
	wantErr(t, err, "DeleteConflict", 409, "Cannot delete entity, must detach all policies first.")
	// Quota of 10 attached policies.
	for i := 0; i < 8; i++ {
		q := mustCreatePolicy(t, c, fmt.Sprintf("P%d", i), allowGetUsers)
		if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Bobby"), PolicyArn: q.Arn}); err != nil {
			t.Fatal(err)
		}
	}
	q := mustCreatePolicy(t, c, "P11", allowGetUsers)
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Bobby"), PolicyArn: q.Arn})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerUser: 10")
	if _, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("Bobby"), PolicyArn: p.Arn}); err != nil {
		t.Fatal(err)
	}
	ents, _ = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: p.Arn})
	if len(ents.PolicyUsers) != 0 {
		t.Fatalf("after detach %+v", ents.PolicyUsers)
	}
	// Inline policies and their aggregate quota.
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Bobby"), PolicyName: aws.String("inline1"), PolicyDocument: aws.String(allowGetUsers)}); err != nil {
		t.Fatal(err)
	}
	gi, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("Bobby"), PolicyName: aws.String("inline1")})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(*gi.PolicyDocument); doc != allowGetUsers {
		t.Fatalf("inline doc %q", *gi.PolicyDocument)
	}
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Bobby"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`)})
	wantErr(t, err, "MalformedPolicyDocument", 400, "Policy document should not specify a principal.")
	large := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/` + strings.Repeat("b", 2000) + `"}]}`
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Bobby"), PolicyName: aws.String("big"), PolicyDocument: aws.String(large)})
	wantErr(t, err, "LimitExceeded", 409, "Maximum policy size of 2048 bytes exceeded for user Bobby")
	ln, _ := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("Bobby")})
	if len(ln.PolicyNames) != 1 || ln.PolicyNames[0] != "inline1" {
		t.Fatalf("inline names %v", ln.PolicyNames)
	}
	_, err = c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("Bobby"), PolicyName: aws.String("nope")})
	wantErr(t, err, "NoSuchEntity", 404, "")
}

func TestPermissionsBoundary(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	p := mustCreatePolicy(t, c, "Boundary", allowGetUsers)
	u, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bounded"), PermissionsBoundary: p.Arn})
	if err != nil {
		t.Fatal(err)
	}
	if *u.User.PermissionsBoundary.PermissionsBoundaryArn != *p.Arn {
		t.Fatalf("boundary %+v", u.User.PermissionsBoundary)
	}
	gp, _ := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: p.Arn})
	if *gp.Policy.PermissionsBoundaryUsageCount != 1 {
		t.Fatalf("usage count %d", *gp.Policy.PermissionsBoundaryUsageCount)
	}
	if _, err := c.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("Bounded")}); err != nil {
		t.Fatal(err)
	}
	gp, _ = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: p.Arn})
	if *gp.Policy.PermissionsBoundaryUsageCount != 0 {
		t.Fatalf("usage count after delete %d", *gp.Policy.PermissionsBoundaryUsageCount)
	}
	if _, err := c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("Bounded"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	g, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("Bounded")})
	if *g.User.PermissionsBoundary.PermissionsBoundaryArn != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Fatal(g.User.PermissionsBoundary)
	}
	summary, err := c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil || summary.SummaryMap["Users"] != 1 || summary.SummaryMap["Policies"] != 1 || summary.SummaryMap["UsersQuota"] != 5000 {
		t.Fatal(summary, err)
	}
	details, err := c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeUser}})
	if err != nil || len(details.UserDetailList) != 1 || len(details.Policies) != 0 {
		t.Fatal(details, err)
	}
}
