package server

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	iamsvc "github.com/iamd/iamd/internal/iam"
)

func newHarnessWithQuotas(t *testing.T, set map[string]int) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir()}
	for name, n := range set {
		if err := h.quotas.Set(name, n); err != nil {
			t.Fatal(err)
		}
	}
	h.start()
	return h
}

func summary(t *testing.T, c *iam.Client) map[string]int32 {
	t.Helper()
	out, err := c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatal(err)
	}
	return out.SummaryMap
}

func TestAccountQuotaDefaults(t *testing.T) {
	h := newHarness(t)
	m := summary(t, h.iam())
	for k, want := range map[string]int32{"UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500, "InstanceProfilesQuota": 1000, "AttachedPoliciesPerUserQuota": 10, "AttachedPoliciesPerRoleQuota": 10, "AttachedPoliciesPerGroupQuota": 10} {
		if m[k] != want {
			t.Errorf("%s = %d, want %d", k, m[k], want)
		}
	}
}

// TestUsersPerAccount: the quota refuses the create past it with AWS's
// error and writes nothing; a delete makes room; the count survives a
// restart.
func TestUsersPerAccount(t *testing.T) {
	h := newHarnessWithQuotas(t, map[string]int{"UsersQuota": 3})
	c := h.iam()
	for i := range 3 {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprint("u", i))}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u3")})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for UsersPerAccount: 3")
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("u3")})
	wantErr(t, err, "NoSuchEntity", 404, "")
	m := summary(t, c)
	if m["Users"] != 3 || m["UsersQuota"] != 3 {
		t.Fatalf("summary users %d quota %d", m["Users"], m["UsersQuota"])
	}
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("u0")}); err != nil {
		t.Fatal(err)
	}
	// A refused duplicate gives its reserved place back.
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("U1")})
	wantErr(t, err, "EntityAlreadyExists", 409, "")
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u3")}); err != nil {
		t.Fatal(err)
	}
	h.restart()
	c = h.iam()
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u4")})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for UsersPerAccount: 3")
	// Renames keep the count.
	if _, err := c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("u1"), NewUserName: aws.String("renamed")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u4")})
	wantErr(t, err, "LimitExceeded", 409, "")
}

// TestUsersPerAccountConcurrent: creates racing for the last places never
// overshoot the quota.
func TestUsersPerAccountConcurrent(t *testing.T) {
	const quota, tries = 20, 48
	h := newHarnessWithQuotas(t, map[string]int{"UsersQuota": quota})
	c := h.iam()
	var (
		wg               sync.WaitGroup
		mu               sync.Mutex
		created, limited int
	)
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprint("racer", i))})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case apiCode(err) == "LimitExceeded":
				limited++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if created != quota || limited != tries-quota {
		t.Fatalf("created %d, limited %d; want %d and %d", created, limited, quota, tries-quota)
	}
	out, err := c.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil || len(out.Users) != quota {
		t.Fatalf("listed %d users, %v", len(out.Users), err)
	}
}

func TestEntityQuotasPerAccount(t *testing.T) {
	h := newHarnessWithQuotas(t, map[string]int{"GroupsQuota": 1, "RolesQuota": 1, "PoliciesQuota": 1, "InstanceProfilesQuota": 1, "UsersQuota": 1})
	c := h.iam()
	mustOK := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustOK(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g1")}))
	_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g2")})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for GroupsPerAccount: 1")

	mustOK(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(trustAccount)}))
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(trustAccount)})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for RolesPerAccount: 1")
	_, err = c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("elasticbeanstalk.amazonaws.com")})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for RolesPerAccount: 1")

	mustOK(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p1"), PolicyDocument: aws.String(allowGetUsers)}))
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p2"), PolicyDocument: aws.String(allowGetUsers)})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerAccount: 1")

	mustOK(c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip1")}))
	_, err = c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip2")})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for InstanceProfilesPerAccount: 1")

	// Virtual MFA devices, assigned or not, are bounded by the user quota.
	mfa, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("m1")})
	mustOK(mfa, err)
	_, err = c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("m2")})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for MFADevices: 1")

	// Deleting frees the place, kind by kind.
	mustOK(c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("g1")}))
	mustOK(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g2")}))
	mustOK(c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r1")}))
	mustOK(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(trustAccount)}))
	pol, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: "Local"})
	mustOK(pol, err)
	mustOK(c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pol.Policies[0].Arn}))
	mustOK(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p2"), PolicyDocument: aws.String(allowGetUsers)}))
	mustOK(c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("ip1")}))
	mustOK(c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip2")}))
	mustOK(c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: mfa.VirtualMFADevice.SerialNumber}))
	mustOK(c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("m2")}))

	m := summary(t, c)
	for k, want := range map[string]int32{"Groups": 1, "GroupsQuota": 1, "Roles": 1, "RolesQuota": 1, "Policies": 1, "PoliciesQuota": 1, "InstanceProfiles": 1, "InstanceProfilesQuota": 1, "MFADevices": 1} {
		if m[k] != want {
			t.Errorf("%s = %d, want %d", k, m[k], want)
		}
	}
}

// TestAttachedPoliciesQuota: per-user and per-role attachment quotas can
// be raised (AWS allows up to 20); the group quota is fixed at 10.
func TestAttachedPoliciesQuota(t *testing.T) {
	h := newHarnessWithQuotas(t, map[string]int{"AttachedPoliciesPerRoleQuota": 12})
	c := h.iam()
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustAccount)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	for i := range 13 {
		p, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(fmt.Sprint("p", i)), PolicyDocument: aws.String(allowGetUsers)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: p.Policy.Arn})
		if i < 12 && err != nil {
			t.Fatal(i, err)
		}
		if i == 12 {
			wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 12")
		}
		_, err = c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: p.Policy.Arn})
		if i < 10 && err != nil {
			t.Fatal(i, err)
		}
		if i >= 10 {
			wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerGroup: 10")
		}
	}
	if m := summary(t, c); m["AttachedPoliciesPerRoleQuota"] != 12 || m["AttachedPoliciesPerUserQuota"] != 10 {
		t.Fatalf("summary %v", m)
	}
}

func TestQuotaSetRejectsUnknownAndNonPositive(t *testing.T) {
	var q iamsvc.Quotas
	if err := q.Set("ServerCertificatesQuota", 5); err == nil {
		t.Error("a quota iamd cannot adjust was accepted")
	}
	if err := q.Set("UsersQuota", 0); err == nil {
		t.Error("a zero quota was accepted")
	}
	if err := q.Set("usersquota", 7); err != nil || q.Users != 7 {
		t.Errorf("case-insensitive name: %v, %d", err, q.Users)
	}
}

// apiCode is the AWS error code of err, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
