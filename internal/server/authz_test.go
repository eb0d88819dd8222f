package server

import (
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// userWithKey creates a user and an access key and returns a client signed
// with that key.
func userWithKey(t *testing.T, h *harness, name string) (*iam.Client, []string) {
	t.Helper()
	c := h.iam()
	mustCreateUser(t, c, name)
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	creds := []string{*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey}
	return h.iam(creds...), creds
}

func attach(t *testing.T, c *iam.Client, user, arn string) {
	t.Helper()
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(user), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
}

func denied(user, action, resource string) string {
	return "User: arn:aws:iam::" + testAccount + ":user/" + user + " is not authorized to perform: " + action + " on resource: " + resource + " because no identity-based policy allows the " + action + " action"
}

func TestReadOnlyUserCannotCreate(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	ro, _ := userWithKey(t, h, "reader")
	_, err := ro.ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", 403, denied("reader", "iam:ListUsers", "arn:aws:iam::"+testAccount+":user/"))
	// Listings name the path they list; ListPolicies has AWS's own wording.
	_, err = ro.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/aws-service-role/")})
	wantErr(t, err, "AccessDenied", 403, denied("reader", "iam:ListRoles", "arn:aws:iam::"+testAccount+":role/aws-service-role/"))
	_, err = ro.ListGroups(ctx, &iam.ListGroupsInput{})
	wantErr(t, err, "AccessDenied", 403, denied("reader", "iam:ListGroups", "arn:aws:iam::"+testAccount+":group/"))
	_, err = ro.ListPolicies(ctx, &iam.ListPoliciesInput{})
	wantErr(t, err, "AccessDenied", 403, denied("reader", "iam:ListPolicies", "policy path /"))
	attach(t, c, "reader", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
	// The attachment takes effect on the very next request.
	if _, err := ro.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = ro.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	wantErr(t, err, "AccessDenied", 403, denied("reader", "iam:CreateUser", "arn:aws:iam::"+testAccount+":user/mallory"))
	if _, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("mallory")}); err == nil {
		t.Fatal("denied request wrote a user")
	}
}

func TestBoundaryLimitsAdministrator(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	admin, _ := userWithKey(t, h, "admin")
	attach(t, c, "admin", "arn:aws:iam::aws:policy/AdministratorAccess")
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ok1")}); err != nil {
		t.Fatal(err)
	}
	b := mustCreatePolicy(t, c, "ReadOnlyBoundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}`)
	if _, err := c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("admin"), PermissionsBoundary: b.Arn}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	_, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("nope")})
	wantErr(t, err, "AccessDenied", 403, "User: arn:aws:iam::"+testAccount+":user/admin is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::"+testAccount+":user/nope because no permissions boundary allows the iam:CreateUser action")
}

func TestExplicitDenyWins(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	u, _ := userWithKey(t, h, "dev")
	attach(t, c, "dev", "arn:aws:iam::aws:policy/IAMFullAccess")
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}`
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("nodelete"), PolicyDocument: aws.String(deny)}); err != nil {
		t.Fatal(err)
	}
	mustCreateUser(t, c, "victim")
	_, err := u.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("victim")})
	wantErr(t, err, "AccessDenied", 403, "User: arn:aws:iam::"+testAccount+":user/dev is not authorized to perform: iam:DeleteUser on resource: arn:aws:iam::"+testAccount+":user/victim with an explicit deny in an identity-based policy")
}

func TestRequestTagCondition(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	u, _ := userWithKey(t, h, "tagger")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateUser","iam:TagUser"],"Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"blue"}}}]}`
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("tagger"), PolicyName: aws.String("tagged"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	_, err := u.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("untagged")})
	wantErr(t, err, "AccessDenied", 403, "")
	_, err = u.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("red"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})
	wantErr(t, err, "AccessDenied", 403, "")
	if _, err := u.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("blue"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}); err != nil {
		t.Fatal(err)
	}
}

func TestGroupMembershipGrantsNextRequest(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	u, _ := userWithKey(t, h, "newbie")
	c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Readers")})
	if _, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("Readers"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	_, err := u.ListGroups(ctx, &iam.ListGroupsInput{})
	wantErr(t, err, "AccessDenied", 403, "")
	if _, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Readers"), UserName: aws.String("newbie")}); err != nil {
		t.Fatal(err)
	}
	if _, err := u.ListGroups(ctx, &iam.ListGroupsInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("Readers"), UserName: aws.String("newbie")}); err != nil {
		t.Fatal(err)
	}
	_, err = u.ListGroups(ctx, &iam.ListGroupsInput{})
	wantErr(t, err, "AccessDenied", 403, "")
}

func TestAssumeRole(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	_, alice := userWithKey(t, h, "alice")
	_, bob := userWithKey(t, h, "bob")
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Reader"), AssumeRolePolicyDocument: aws.String(trustUser("alice"))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("Reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	// Alice is named in the trust policy: no identity policy needed.
	out, err := h.sts(alice...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("s1")})
	if err != nil {
		t.Fatal(err)
	}
	if *out.AssumedRoleUser.Arn != "arn:aws:sts::"+testAccount+":assumed-role/Reader/s1" || *out.AssumedRoleUser.AssumedRoleId != *role.Role.RoleId+":s1" {
		t.Fatalf("assumed %+v", out.AssumedRoleUser)
	}
	cr := out.Credentials
	sess := []string{*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken}
	id, err := h.sts(sess...).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Arn != *out.AssumedRoleUser.Arn {
		t.Fatal(id, err)
	}
	// Exactly the role's permissions: read yes, write no.
	if _, err := h.iam(sess...).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = h.iam(sess...).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	wantErr(t, err, "AccessDenied", 403, "User: arn:aws:sts::"+testAccount+":assumed-role/Reader/s1 is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::"+testAccount+":user/x because no identity-based policy allows the iam:CreateUser action")
	g, _ := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Reader")})
	if g.Role.RoleLastUsed == nil || g.Role.RoleLastUsed.LastUsedDate == nil || *g.Role.RoleLastUsed.Region != "eu-west-1" {
		t.Fatalf("role last used %+v", g.Role.RoleLastUsed)
	}
	// Bob is not named.
	_, err = h.sts(bob...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("s2")})
	wantErr(t, err, "AccessDenied", 403, "User: arn:aws:iam::"+testAccount+":user/bob is not authorized to perform: sts:AssumeRole on resource: "+*role.Role.Arn)
	// Root may not assume roles.
	_, err = h.sts().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("s3")})
	wantErr(t, err, "AccessDenied", 403, "Roles may not be assumed by root accounts.")
	// DurationSeconds above the role's maximum.
	_, err = h.sts(alice...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("s4"), DurationSeconds: aws.Int32(7200)})
	wantErr(t, err, "ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	// A session policy narrows.
	narrow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`
	np, err := h.sts(alice...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("narrow"), Policy: aws.String(narrow)})
	if err != nil {
		t.Fatal(err)
	}
	if np.PackedPolicySize == nil {
		t.Fatal("PackedPolicySize missing")
	}
	nc := h.iam(*np.Credentials.AccessKeyId, *np.Credentials.SecretAccessKey, *np.Credentials.SessionToken)
	if _, err := nc.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = nc.ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", 403, "User: arn:aws:sts::"+testAccount+":assumed-role/Reader/narrow is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::"+testAccount+":user/ because no session policy allows the iam:ListUsers action")
	// Role chaining is capped at one hour.
	c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Reader"), PolicyDocument: aws.String(trustAccount)})
	c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("Reader"), MaxSessionDuration: aws.Int32(7200)})
	// (The account-root trust needs an identity allow for the session's role.)
	// Deleting the role ends its sessions.
	c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("Reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")})
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Reader")}); err != nil {
		t.Fatal(err)
	}
	_, err = h.sts(sess...).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "InvalidClientTokenId", 403, "")
}

func TestAssumeRoleAccountTrustNeedsIdentityAllow(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	_, carol := userWithKey(t, h, "carol")
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Ops"), AssumeRolePolicyDocument: aws.String(trustAccount), MaxSessionDuration: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.sts(carol...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("cc")})
	wantErr(t, err, "AccessDenied", 403, "User: arn:aws:iam::"+testAccount+":user/carol is not authorized to perform: sts:AssumeRole on resource: "+*role.Role.Arn)
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + *role.Role.Arn + `"}]}`
	c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("assume"), PolicyDocument: aws.String(allow)})
	out, err := h.sts(carol...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("cc"), DurationSeconds: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(*out.Credentials.Expiration); d < 119*time.Minute {
		t.Fatalf("session lasts %v", d)
	}
	// Role chaining: the session assumes the role again, at most one hour.
	c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Ops"), PolicyName: aws.String("assume"), PolicyDocument: aws.String(allow)})
	sess := []string{*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken}
	_, err = h.sts(sess...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("chain"), DurationSeconds: aws.Int32(3601)})
	wantErr(t, err, "ValidationError", 400, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	if _, err := h.sts(sess...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("chain")}); err != nil {
		t.Fatal(err)
	}
}

func TestAssumeRoleExternalIDAndExpiry(t *testing.T) {
	h := &harness{t: t, dir: t.TempDir(), clock: &fakeClock{t: time.Now().UTC()}}
	h.start()
	c := h.iam()
	_, dave := userWithKey(t, h, "dave")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + testAccount + `:user/dave"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret-42"}}}]}`
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Ext"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.sts(dave...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("ee")})
	wantErr(t, err, "AccessDenied", 403, "")
	out, err := h.sts(dave...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("ee"), ExternalId: aws.String("secret-42"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	cr := out.Credentials
	h.clock.Advance(16 * time.Minute)
	r := h.postToken(url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}, *cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken, h.clock.Now())
	wantEnvelope(t, r, 403, "ExpiredToken", "The security token included in the request is expired")
}

func TestSessionTagsInConditions(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	_, erin := userWithKey(t, h, "erin")
	// Passing session tags needs sts:TagSession next to sts:AssumeRole.
	tagTrust := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
	}
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Tagged"), AssumeRolePolicyDocument: aws.String(tagTrust("arn:aws:iam::" + testAccount + ":user/erin"))})
	if err != nil {
		t.Fatal(err)
	}
	cond := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","sts:AssumeRole","sts:TagSession"],"Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}`
	c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Tagged"), PolicyName: aws.String("bytag"), PolicyDocument: aws.String(cond)})
	assume := func(creds []string, tags []ststypes.Tag, transitive []string) []string {
		t.Helper()
		out, err := h.sts(creds...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("tt"), Tags: tags, TransitiveTagKeys: transitive})
		if err != nil {
			t.Fatal(err)
		}
		return []string{*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken}
	}
	plain := assume(erin, nil, nil)
	_, err = h.iam(plain...).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", 403, "")
	blue := assume(erin, []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}, []string{"team"})
	if _, err := h.iam(blue...).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	// The transitive tag follows a chained session (the role trusts only
	// erin, so chain through a trust that names the account; carrying a
	// transitive tag needs sts:TagSession on both sides).
	c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Tagged"), PolicyDocument: aws.String(tagTrust("arn:aws:iam::" + testAccount + ":root"))})
	chained := assume(blue, nil, nil)
	if _, err := h.iam(chained...).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
}
