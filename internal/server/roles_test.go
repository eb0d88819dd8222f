package server

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The trust policy of boto3's create_role example.
const trustAccount = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + testAccount + `:root"},"Action":"sts:AssumeRole"}]}`

func trustUser(name string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + testAccount + `:user/` + name + `"},"Action":"sts:AssumeRole"}]}`
}

func TestRolesCRUD(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("Test-Role"), Path: aws.String("/"), AssumeRolePolicyDocument: aws.String(trustAccount),
		Description: aws.String("a role"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("x")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	if !strings.HasPrefix(*r.RoleId, "AROA") || len(*r.RoleId) != 21 || *r.Arn != "arn:aws:iam::"+testAccount+":role/Test-Role" || r.MaxSessionDuration != nil {
		t.Fatalf("role %+v", r)
	}
	if doc, _ := url.QueryUnescape(*r.AssumeRolePolicyDocument); doc != trustAccount {
		t.Fatalf("trust %q", *r.AssumeRolePolicyDocument)
	}
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("test-role"), AssumeRolePolicyDocument: aws.String(trustAccount)})
	wantErr(t, err, "EntityAlreadyExists", 409, "Role with name test-role already exists.")
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]}`)})
	wantErr(t, err, "MalformedPolicyDocument", 400, "Has prohibited field Resource")
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(`nope`)})
	wantErr(t, err, "MalformedPolicyDocument", 400, "This policy contains invalid Json")
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(trustUser("ghost"))})
	wantErr(t, err, "MalformedPolicyDocument", 400, `Invalid principal in policy: "AWS":"arn:aws:iam::`+testAccount+`:user/ghost"`)
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(trustAccount), MaxSessionDuration: aws.Int32(100)})
	wantErr(t, err, "ValidationError", 400, "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")
	if _, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("Test-Role"), MaxSessionDuration: aws.Int32(7200)}); err != nil {
		t.Fatal(err)
	}
	g, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("test-role")})
	if err != nil || *g.Role.MaxSessionDuration != 7200 || g.Role.RoleLastUsed == nil || len(g.Role.Tags) != 1 {
		t.Fatal(g, err)
	}
	l, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil || len(l.Roles) != 1 || l.Roles[0].Tags != nil || l.Roles[0].RoleLastUsed != nil {
		t.Fatal(l, err)
	}
	// Inline and attached policies through the same code as users.
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Test-Role"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowGetUsers)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Test-Role")})
	wantErr(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
	c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("Test-Role"), PolicyName: aws.String("p")})
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("Test-Role"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Test-Role")})
	wantErr(t, err, "DeleteConflict", 409, "Cannot delete entity, must detach all policies first.")
	c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("Test-Role"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})

	// Instance profiles hold one role.
	ip, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("web")})
	if err != nil || !strings.HasPrefix(*ip.InstanceProfile.InstanceProfileId, "AIPA") {
		t.Fatal(ip, err)
	}
	if _, err := c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("Test-Role")}); err != nil {
		t.Fatal(err)
	}
	c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("other"), AssumeRolePolicyDocument: aws.String(trustAccount)})
	_, err = c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("other")})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
	gi, _ := c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("web")})
	if len(gi.InstanceProfile.Roles) != 1 || *gi.InstanceProfile.Roles[0].RoleName != "Test-Role" {
		t.Fatalf("profile roles %+v", gi.InstanceProfile.Roles)
	}
	lf, _ := c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("Test-Role")})
	if len(lf.InstanceProfiles) != 1 {
		t.Fatalf("profiles for role %+v", lf.InstanceProfiles)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Test-Role")})
	wantErr(t, err, "DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first.")
	_, err = c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("web")})
	wantErr(t, err, "DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first.")
	c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("Test-Role")})
	if _, err := c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Test-Role")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Test-Role")})
	wantErr(t, err, "NoSuchEntity", 404, "The role with name Test-Role cannot be found.")
}

func TestServiceLinkedRoles(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	out, err := c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("elasticbeanstalk.amazonaws.com")})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	if *r.Path != "/aws-service-role/elasticbeanstalk.amazonaws.com/" || *r.RoleName != "AWSServiceRoleForElasticBeanstalk" {
		t.Fatalf("slr %+v", r)
	}
	// Names are AWS's own, service by service.
	for service, want := range map[string]string{
		"autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling",
		"ecs.amazonaws.com":         "AWSServiceRoleForECS",
		"spot.amazonaws.com":        "AWSServiceRoleForEC2Spot",
		"eks.amazonaws.com":         "AWSServiceRoleForAmazonEKS",
		"example.amazonaws.com":     "AWSServiceRoleForExample", // not in the table
	} {
		o, err := c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String(service)})
		if err != nil || *o.Role.RoleName != want {
			t.Fatalf("%s: %v %v, want %s", service, o, err, want)
		}
	}
	if doc, _ := url.QueryUnescape(*r.AssumeRolePolicyDocument); !strings.Contains(doc, `"Service":["elasticbeanstalk.amazonaws.com"]`) {
		t.Fatalf("slr trust %s", doc)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: r.RoleName})
	wantErr(t, err, "UnmodifiableEntity", 400, "")
	d, err := c.DeleteServiceLinkedRole(ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: r.RoleName})
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.GetServiceLinkedRoleDeletionStatus(ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: d.DeletionTaskId})
	if err != nil || st.Status != types.DeletionTaskStatusTypeSucceeded {
		t.Fatal(st, err)
	}
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: r.RoleName})
	wantErr(t, err, "NoSuchEntity", 404, "")
}

// TestRoleDetailsAndPolicyListShapes: GetAccountAuthorizationDetails lists
// a role's instance profiles; ListPolicies leaves out the description that
// GetPolicy returns.
func TestRoleDetailsAndPolicyListShapes(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("web"), AssumeRolePolicyDocument: aws.String(trustAccount)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("web-profile")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web-profile"), RoleName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	d, err := c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeRole}})
	if err != nil || len(d.RoleDetailList) != 1 {
		t.Fatal(d, err)
	}
	ips := d.RoleDetailList[0].InstanceProfileList
	if len(ips) != 1 || *ips[0].InstanceProfileName != "web-profile" || len(ips[0].Roles) != 1 || *ips[0].Roles[0].RoleName != "web" {
		t.Fatalf("InstanceProfileList %+v", ips)
	}

	p, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("described"), PolicyDocument: aws.String(allowGetUsers), Description: aws.String("reads users")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: p.Policy.Arn})
	if err != nil || got.Policy.Description == nil || *got.Policy.Description != "reads users" {
		t.Fatal(got, err)
	}
	l, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	if err != nil || len(l.Policies) != 1 || l.Policies[0].Description != nil {
		t.Fatalf("ListPolicies %+v %v", l, err)
	}
}
