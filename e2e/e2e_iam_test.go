package e2e

// End-to-end tests of roles, groups, managed policies, enforcement, STS
// AssumeRole and login profiles, through the AWS CLI and boto3. They reuse
// e2e_test.go's server and client helpers; each starts one server.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	roleIDRe   = regexp.MustCompile(`^AROA[A-Z0-9]{17}$`)
	groupIDRe  = regexp.MustCompile(`^AGPA[A-Z0-9]{17}$`)
	policyIDRe = regexp.MustCompile(`^ANPA[A-Z0-9]{17}$`)
)

// iamARN is arn:aws:iam::<account>:<resource>.
func iamARN(resource string) string { return "arn:aws:iam::" + accountID + ":" + resource }

// jsonEqual reports whether two JSON values are equal once decoded.
func jsonEqual(t *testing.T, a, b any) bool {
	t.Helper()
	norm := func(v any) any {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var out any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// createUserWithKey creates a user (as root) with an access key and returns
// its credentials.
func (s *server) createUserWithKey(t *testing.T, name string) creds {
	t.Helper()
	var u struct{ User user }
	s.awsOK(t, root, &u, "iam", "create-user", "--user-name", name)
	checkUser(t, u.User, "/", name)
	var k struct{ AccessKey accessKey }
	s.awsOK(t, root, &k, "iam", "create-access-key", "--user-name", name)
	if !accessKeyRe.MatchString(k.AccessKey.AccessKeyId) || len(k.AccessKey.SecretAccessKey) != 40 {
		t.Fatalf("create-access-key --user-name %s: %+v", name, k.AccessKey)
	}
	return creds{ID: k.AccessKey.AccessKeyId, Secret: k.AccessKey.SecretAccessKey}
}

// ---------------------------------------------------------------------------
// Wire shapes as the CLI prints them.

type group struct {
	Path, GroupName, GroupId, Arn, CreateDate string
}

type attachedPolicy struct{ PolicyName, PolicyArn string }

type managedPolicy struct {
	PolicyName, PolicyId, Arn, Path, DefaultVersionId string
	AttachmentCount                                   int
	IsAttachable                                      bool
	CreateDate, UpdateDate                            string
}

type role struct {
	Path, RoleName, RoleId, Arn, CreateDate string
	AssumeRolePolicyDocument                any
	MaxSessionDuration                      int
}

func checkGroup(t *testing.T, g group, path, name string) {
	t.Helper()
	if g.Path != path || g.GroupName != name || g.Arn != iamARN("group"+path+name) || !groupIDRe.MatchString(g.GroupId) {
		t.Fatalf("group %+v, want Path %q GroupName %q Arn %q and a GroupId matching %s", g, path, name, iamARN("group"+path+name), groupIDRe)
	}
	checkTime(t, "Group.CreateDate", g.CreateDate)
}

// ---------------------------------------------------------------------------
// 1. boto3's documented role examples.

func TestBoto3RoleDocumentedExamples(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireBoto3(t)
	s := startServer(t)

	type pyRole map[string]any
	var res struct {
		Input   map[string]any `json:"input"`
		Created pyRole         `json:"created"`
		Got     pyRole         `json:"got"`
		Listed  []pyRole       `json:"listed"`
		Raw     struct {
			Status   int     `json:"status"`
			Document *string `json:"document"`
			Body     string  `json:"body"`
		} `json:"raw"`
	}
	s.python(t, root, &res, "role_examples.py")

	checkRole := func(what string, r pyRole) {
		t.Helper()
		str := func(k string) string { v, _ := r[k].(string); return v }
		if str("Path") != "/" || str("RoleName") != "Test-Role" || str("Arn") != "arn:aws:iam::123456789012:role/Test-Role" || !roleIDRe.MatchString(str("RoleId")) {
			t.Errorf("%s: Role %v, want Path / RoleName Test-Role Arn arn:aws:iam::123456789012:role/Test-Role and a RoleId matching %s", what, r, roleIDRe)
		}
		checkTime(t, what+" CreateDate", str("CreateDate"))
		if r["CreateDate.tz"] != true {
			t.Errorf("%s: CreateDate is not a timezone-aware datetime in boto3", what)
		}
	}
	checkDoc := func(what string, r pyRole) {
		t.Helper()
		if r["AssumeRolePolicyDocument.type"] != "dict" || !jsonEqual(t, r["AssumeRolePolicyDocument"], res.Input) {
			t.Errorf("%s: boto3 returned AssumeRolePolicyDocument %#v (a %v), want the dict %v (botocore URL-decodes and parses policy documents)",
				what, r["AssumeRolePolicyDocument"], r["AssumeRolePolicyDocument.type"], res.Input)
		}
	}

	checkRole("create_role", res.Created)
	checkDoc("create_role", res.Created)
	roleID := res.Created["RoleId"]

	checkRole("get_role", res.Got)
	checkDoc("get_role", res.Got)
	if res.Got["RoleId"] != roleID {
		t.Errorf("get_role RoleId %v, create_role said %v", res.Got["RoleId"], roleID)
	}
	if _, ok := res.Got["RoleLastUsed"].(map[string]any); !ok {
		t.Errorf("get_role: Role has no RoleLastUsed structure (AWS returns <RoleLastUsed/> for a role never used): %v", res.Got)
	}
	if res.Got["MaxSessionDuration"] != float64(3600) {
		t.Errorf("get_role MaxSessionDuration %v, want the default 3600", res.Got["MaxSessionDuration"])
	}

	if len(res.Listed) != 1 {
		t.Fatalf("list_roles: %v, want Test-Role only", res.Listed)
	}
	checkRole("list_roles", res.Listed[0])
	checkDoc("list_roles", res.Listed[0])
	for _, k := range []string{"Tags", "RoleLastUsed", "PermissionsBoundary"} {
		if _, ok := res.Listed[0][k]; ok {
			t.Errorf("list_roles item has %s (%v); AWS's ListRoles leaves it out", k, res.Listed[0][k])
		}
	}

	// On the wire the document is URL-encoded JSON.
	if res.Raw.Status != http.StatusOK || res.Raw.Document == nil {
		t.Fatalf("Query GetRole: HTTP %d, no <AssumeRolePolicyDocument>:\n%s", res.Raw.Status, res.Raw.Body)
	}
	doc := *res.Raw.Document
	dec, err := url.QueryUnescape(doc)
	var parsed any
	if err == nil {
		err = json.Unmarshal([]byte(dec), &parsed)
	}
	if !strings.HasPrefix(doc, "%7B") || err != nil || !jsonEqual(t, parsed, res.Input) {
		t.Errorf("Query GetRole <AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument>: want the URL-encoded JSON document (%%7B%%22Version%%22...) (decode error: %v)", doc, err)
	}
}

// ---------------------------------------------------------------------------
// 2. The IAM user guide's groups and managed policies, through the CLI.

func TestCLIGroupsAndManagedPolicies(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireAWSCLI(t)
	s := startServer(t)
	const adminArn = "arn:aws:iam::aws:policy/AdministratorAccess"
	const readOnlyArn = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"

	var g struct{ Group group }
	s.awsOK(t, root, &g, "iam", "create-group", "--group-name", "Admins")
	checkGroup(t, g.Group, "/", "Admins")
	s.awsOK(t, root, nil, "iam", "attach-group-policy", "--group-name", "Admins", "--policy-arn", adminArn)

	var alice struct{ User user }
	s.awsOK(t, root, &alice, "iam", "create-user", "--user-name", "alice")
	s.awsOK(t, root, nil, "iam", "add-user-to-group", "--user-name", "alice", "--group-name", "Admins")
	var bob struct{ User user }
	s.awsOK(t, root, &bob, "iam", "create-user", "--user-name", "bob")
	s.awsOK(t, root, nil, "iam", "attach-user-policy", "--user-name", "bob", "--policy-arn", readOnlyArn)

	var attached struct {
		AttachedPolicies []attachedPolicy
		IsTruncated      bool
	}
	s.awsOK(t, root, &attached, "iam", "list-attached-user-policies", "--user-name", "bob")
	if !reflect.DeepEqual(attached.AttachedPolicies, []attachedPolicy{{"IAMReadOnlyAccess", readOnlyArn}}) || attached.IsTruncated {
		t.Fatalf("list-attached-user-policies --user-name bob: %+v", attached)
	}

	var groups struct {
		Groups      []group
		IsTruncated bool
	}
	s.awsOK(t, root, &groups, "iam", "list-groups-for-user", "--user-name", "alice")
	if len(groups.Groups) != 1 || groups.Groups[0] != g.Group || groups.IsTruncated {
		t.Fatalf("list-groups-for-user --user-name alice: %+v, want [%+v]", groups, g.Group)
	}

	var gg struct {
		Group       group
		Users       []user
		IsTruncated bool
	}
	s.awsOK(t, root, &gg, "iam", "get-group", "--group-name", "Admins")
	if gg.Group != g.Group || len(gg.Users) != 1 || gg.IsTruncated {
		t.Fatalf("get-group --group-name Admins: %+v, want group %+v with alice", gg, g.Group)
	}
	checkUser(t, gg.Users[0], "/", "alice")
	if gg.Users[0].UserId != alice.User.UserId {
		t.Fatalf("get-group member %+v, want %+v", gg.Users[0], alice.User)
	}

	type entities struct {
		PolicyGroups []struct{ GroupName, GroupId string }
		PolicyUsers  []struct{ UserName, UserId string }
		PolicyRoles  []struct{ RoleName, RoleId string }
		IsTruncated  bool
	}
	var ents entities
	s.awsOK(t, root, &ents, "iam", "list-entities-for-policy", "--policy-arn", adminArn)
	if len(ents.PolicyGroups) != 1 || ents.PolicyGroups[0].GroupName != "Admins" || ents.PolicyGroups[0].GroupId != g.Group.GroupId ||
		len(ents.PolicyUsers) != 0 || len(ents.PolicyRoles) != 0 || ents.IsTruncated {
		t.Fatalf("list-entities-for-policy AdministratorAccess: %+v, want only the group Admins (%s)", ents, g.Group.GroupId)
	}
	ents = entities{}
	s.awsOK(t, root, &ents, "iam", "list-entities-for-policy", "--policy-arn", readOnlyArn)
	if len(ents.PolicyUsers) != 1 || ents.PolicyUsers[0].UserName != "bob" || ents.PolicyUsers[0].UserId != bob.User.UserId ||
		len(ents.PolicyGroups) != 0 || len(ents.PolicyRoles) != 0 {
		t.Fatalf("list-entities-for-policy IAMReadOnlyAccess: %+v, want only the user bob (%s)", ents, bob.User.UserId)
	}

	// A customer managed policy from a file.
	docText := `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"]
        }
    ]
}
`
	docFile := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(docFile, []byte(docText), 0o644); err != nil {
		t.Fatal(err)
	}
	var cp struct{ Policy managedPolicy }
	s.awsOK(t, root, &cp, "iam", "create-policy", "--policy-name", "S3ReadExample", "--policy-document", "file://"+docFile)
	p := cp.Policy
	if p.PolicyName != "S3ReadExample" || p.Arn != iamARN("policy/S3ReadExample") || p.Path != "/" || !policyIDRe.MatchString(p.PolicyId) ||
		p.DefaultVersionId != "v1" || p.AttachmentCount != 0 || !p.IsAttachable {
		t.Fatalf("create-policy: %+v, want S3ReadExample at %s, v1, attachable, 0 attachments, a PolicyId matching %s", p, iamARN("policy/S3ReadExample"), policyIDRe)
	}
	checkTime(t, "Policy.CreateDate", p.CreateDate)
	var pv struct {
		PolicyVersion struct {
			Document         any
			VersionId        string
			IsDefaultVersion bool
			CreateDate       string
		}
	}
	s.awsOK(t, root, &pv, "iam", "get-policy-version", "--policy-arn", p.Arn, "--version-id", "v1")
	var want any
	if err := json.Unmarshal([]byte(docText), &want); err != nil {
		t.Fatal(err)
	}
	if _, isObject := pv.PolicyVersion.Document.(map[string]any); !isObject || !jsonEqual(t, pv.PolicyVersion.Document, want) {
		t.Fatalf("get-policy-version Document %#v, want the decoded JSON document %v (the CLI URL-decodes and parses it)", pv.PolicyVersion.Document, want)
	}
	if pv.PolicyVersion.VersionId != "v1" || !pv.PolicyVersion.IsDefaultVersion {
		t.Fatalf("get-policy-version: %+v, want v1, the default", pv.PolicyVersion)
	}

	s.awsErr(t, root, "An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must remove users from group first.",
		"iam", "delete-user", "--user-name", "alice")
	s.awsOK(t, root, nil, "iam", "remove-user-from-group", "--user-name", "alice", "--group-name", "Admins")
	s.awsOK(t, root, nil, "iam", "delete-user", "--user-name", "alice")
}

// ---------------------------------------------------------------------------
// 3. Policy enforcement through the CLI.

func TestCLIReadOnlyUserEnforcement(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireAWSCLI(t)
	s := startServer(t)

	reader := s.createUserWithKey(t, "reader")
	s.awsOK(t, root, nil, "iam", "attach-user-policy", "--user-name", "reader", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")

	var list struct{ Users []user }
	s.awsOK(t, reader, &list, "iam", "list-users")
	if len(list.Users) != 1 || list.Users[0].UserName != "reader" {
		t.Fatalf("list-users as reader: %+v, want reader", list.Users)
	}
	s.awsErr(t, reader, "An error occurred (AccessDenied) when calling the CreateUser operation: User: arn:aws:iam::123456789012:user/reader "+
		"is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/x because no identity-based policy allows the iam:CreateUser action",
		"iam", "create-user", "--user-name", "x")
	s.awsErr(t, root, "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name x cannot be found.",
		"iam", "get-user", "--user-name", "x")
}

// ---------------------------------------------------------------------------
// 4. STS AssumeRole through the CLI.

func TestCLIAssumeRole(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireAWSCLI(t)
	s := startServer(t)

	alice := s.createUserWithKey(t, "alice")
	bob := s.createUserWithKey(t, "bob")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}]}`
	var cr struct{ Role role }
	s.awsOK(t, root, &cr, "iam", "create-role", "--role-name", "deployer", "--assume-role-policy-document", trust)
	roleArn := iamARN("role/deployer")
	if cr.Role.Arn != roleArn || !roleIDRe.MatchString(cr.Role.RoleId) {
		t.Fatalf("create-role: %+v", cr.Role)
	}
	var gr struct{ Role role }
	s.awsOK(t, root, &gr, "iam", "get-role", "--role-name", "deployer")
	if gr.Role.MaxSessionDuration != 3600 {
		t.Fatalf("get-role MaxSessionDuration %d, want the default 3600", gr.Role.MaxSessionDuration)
	}

	var ar struct {
		Credentials     struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
		AssumedRoleUser struct{ AssumedRoleId, Arn string }
	}
	s.awsOK(t, alice, &ar, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "s1")
	c := ar.Credentials
	if !sessionKeyRe.MatchString(c.AccessKeyId) || len(c.SecretAccessKey) != 40 || c.SessionToken == "" {
		t.Fatalf("assume-role credentials: %+v", c)
	}
	if exp := checkTime(t, "Expiration", c.Expiration); time.Until(exp) > 61*time.Minute || time.Until(exp) < 58*time.Minute {
		t.Fatalf("Expiration %s: want an hour (the default) from now", c.Expiration)
	}
	sessionArn := "arn:aws:sts::123456789012:assumed-role/deployer/s1"
	if ar.AssumedRoleUser.Arn != sessionArn || ar.AssumedRoleUser.AssumedRoleId != cr.Role.RoleId+":s1" {
		t.Fatalf("AssumedRoleUser %+v, want Arn %s AssumedRoleId %s:s1", ar.AssumedRoleUser, sessionArn, cr.Role.RoleId)
	}
	session := creds{ID: c.AccessKeyId, Secret: c.SecretAccessKey, Token: c.SessionToken}
	var id callerIdentity
	s.awsOK(t, session, &id, "sts", "get-caller-identity")
	if id != (callerIdentity{UserId: cr.Role.RoleId + ":s1", Account: accountID, Arn: sessionArn}) {
		t.Fatalf("get-caller-identity with the role session: %+v, want Arn %s UserId %s:s1", id, sessionArn, cr.Role.RoleId)
	}

	s.awsErr(t, bob, "An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::123456789012:user/bob "+
		"is not authorized to perform: sts:AssumeRole on resource: "+roleArn,
		"sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "s1")
	s.awsErr(t, alice, "An error occurred (ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
		"sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "s2", "--duration-seconds", "7200")
}

// ---------------------------------------------------------------------------
// 5. MalformedPolicyDocument through boto3.

func TestBoto3MalformedPolicyDocument(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireBoto3(t)
	s := startServer(t)
	var res struct {
		Errors        []observedError `json:"errors"`
		LocalPolicies []string        `json:"local_policies"`
	}
	s.python(t, root, &res, "policy_errors.py")
	checkErrors(t, res.Errors, map[string]wantError{
		"no-version":        {"MalformedPolicyDocumentException", "MalformedPolicyDocument", 400, "Policy document must be version 2012-10-17 or greater.", nil},
		"effect-lower-case": {"MalformedPolicyDocumentException", "MalformedPolicyDocument", 400, "The policy failed legacy parsing", nil},
	})
	if len(res.LocalPolicies) != 0 {
		t.Errorf("list_policies(Scope='Local') after the refused documents: %v, want none", res.LocalPolicies)
	}
}

// ---------------------------------------------------------------------------
// 6. Console passwords and keys through the CLI (the user guide's sequence).

func TestCLILoginProfileAndPasswordPolicy(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireAWSCLI(t)
	s := startServer(t)

	var u struct{ User user }
	s.awsOK(t, root, &u, "iam", "create-user", "--user-name", "Mary")
	type loginProfile struct {
		UserName              string
		CreateDate            string
		PasswordResetRequired bool
	}
	var lp struct{ LoginProfile loginProfile }
	s.awsOK(t, root, &lp, "iam", "create-login-profile", "--user-name", "Mary", "--password", "My!Secure-Passw0rd", "--password-reset-required")
	if lp.LoginProfile.UserName != "Mary" || !lp.LoginProfile.PasswordResetRequired {
		t.Fatalf("create-login-profile: %+v, want UserName Mary, PasswordResetRequired true", lp.LoginProfile)
	}
	checkTime(t, "LoginProfile.CreateDate", lp.LoginProfile.CreateDate)
	var k struct{ AccessKey accessKey }
	s.awsOK(t, root, &k, "iam", "create-access-key", "--user-name", "Mary")
	if k.AccessKey.UserName != "Mary" || !accessKeyRe.MatchString(k.AccessKey.AccessKeyId) || len(k.AccessKey.SecretAccessKey) != 40 {
		t.Fatalf("create-access-key: %+v", k.AccessKey)
	}
	s.awsOK(t, root, nil, "iam", "tag-user", "--user-name", "Mary", "--tags", "Key=Department,Value=Accounting")

	var got struct{ LoginProfile loginProfile }
	s.awsOK(t, root, &got, "iam", "get-login-profile", "--user-name", "Mary")
	if got.LoginProfile != lp.LoginProfile {
		t.Fatalf("get-login-profile: %+v, want %+v", got.LoginProfile, lp.LoginProfile)
	}
	var tags struct{ Tags []tag }
	s.awsOK(t, root, &tags, "iam", "list-user-tags", "--user-name", "Mary")
	if !reflect.DeepEqual(tags.Tags, []tag{{"Department", "Accounting"}}) {
		t.Fatalf("list-user-tags: %+v", tags.Tags)
	}

	s.awsOK(t, root, nil, "iam", "update-account-password-policy", "--minimum-password-length", "12", "--require-symbols")
	var pp struct {
		PasswordPolicy struct {
			MinimumPasswordLength                                      int
			RequireSymbols, RequireNumbers, RequireUppercaseCharacters bool
		}
	}
	s.awsOK(t, root, &pp, "iam", "get-account-password-policy")
	if pp.PasswordPolicy.MinimumPasswordLength != 12 || !pp.PasswordPolicy.RequireSymbols || pp.PasswordPolicy.RequireNumbers || pp.PasswordPolicy.RequireUppercaseCharacters {
		t.Fatalf("get-account-password-policy: %+v", pp.PasswordPolicy)
	}

	var juan struct{ User user }
	s.awsOK(t, root, &juan, "iam", "create-user", "--user-name", "Juan")
	s.awsErr(t, root, "An error occurred (PasswordPolicyViolation) when calling the CreateLoginProfile operation: Password should have a minimum length of 12",
		"iam", "create-login-profile", "--user-name", "Juan", "--password", "Sh0rt!pw")
	s.awsErr(t, root, "An error occurred (PasswordPolicyViolation) when calling the UpdateLoginProfile operation: Password should have at least one symbol",
		"iam", "update-login-profile", "--user-name", "Mary", "--password", "LongEnoughPassw0rd")
	s.awsErr(t, root, "An error occurred (NoSuchEntity) when calling the GetLoginProfile operation: Login Profile for User Juan cannot be found.",
		"iam", "get-login-profile", "--user-name", "Juan")
}
