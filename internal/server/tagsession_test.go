package server

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// AssumeRole with session tags or a source identity needs the
// permissions-only actions sts:TagSession and sts:SetSourceIdentity, in the
// role's trust policy and (by the rules of sts:AssumeRole) on the identity
// side unless the trust policy names the caller itself:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html#id_credentials_temp_control-access_monitor-perms

// tsTrust is a trust policy with one statement per element of stmts, each
// `"Principal":{"AWS":principal}` and the given action and condition JSON
// (condition "" for none).
func tsTrust(principal string, stmts ...[2]string) string {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i, s := range stmts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":` + s[0])
		if s[1] != "" {
			b.WriteString(`,"Condition":` + s[1])
		}
		b.WriteByte('}')
	}
	b.WriteString(`]}`)
	return b.String()
}

func tsUserARN(name string) string { return "arn:aws:iam::" + testAccount + ":user/" + name }
func tsRoleARN(name string) string { return "arn:aws:iam::" + testAccount + ":role/" + name }
func tsSessionARN(role, session string) string {
	return "arn:aws:sts::" + testAccount + ":assumed-role/" + role + "/" + session
}

func tsRole(t *testing.T, h *harness, name, trust string, tags ...types.Tag) string {
	t.Helper()
	out, err := h.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust), Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	return *out.Role.Arn
}

func tsSetTrust(t *testing.T, h *harness, role, trust string) {
	t.Helper()
	if _, err := h.iam().UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
}

func tsTags(kv ...string) []ststypes.Tag {
	var tags []ststypes.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		tags = append(tags, ststypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return tags
}

func tsAssume(t *testing.T, h *harness, creds []string, in *sts.AssumeRoleInput) (*sts.AssumeRoleOutput, []string) {
	t.Helper()
	out, err := h.sts(creds...).AssumeRole(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return out, []string{*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken}
}

// tsDenied is STS's denial, which (unlike IAM's) gives no reason.
func tsDenied(caller, action, role string) string {
	return "User: " + caller + " is not authorized to perform: " + action + " on resource: " + role
}

func TestTagSessionNeedsTrustPolicy(t *testing.T) {
	h := newHarness(t)
	_, tess := userWithKey(t, h, "tess")
	arn := tsRole(t, h, "Tagged", tsTrust(tsUserARN("tess"), [2]string{`"sts:AssumeRole"`, ""}))

	// Without session tags sts:AssumeRole is enough.
	tsAssume(t, h, tess, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("plain")})

	for _, in := range []*sts.AssumeRoleInput{
		{RoleArn: aws.String(arn), RoleSessionName: aws.String("ss"), Tags: tsTags("team", "blue")},
		{RoleArn: aws.String(arn), RoleSessionName: aws.String("ss"), Tags: tsTags("team", "blue"), TransitiveTagKeys: []string{"team"}},
	} {
		_, err := h.sts(tess...).AssumeRole(ctx, in)
		wantErr(t, err, "AccessDenied", 403, tsDenied(tsUserARN("tess"), "sts:TagSession", arn))
	}

	// The trust policy names the user itself: it grants sts:TagSession on
	// its own, as it does sts:AssumeRole.
	tsSetTrust(t, h, "Tagged", tsTrust(tsUserARN("tess"), [2]string{`["sts:AssumeRole","sts:TagSession"]`, ""}))
	tsAssume(t, h, tess, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("ss"), Tags: tsTags("team", "blue"), TransitiveTagKeys: []string{"team"}})

	// A denied sts:AssumeRole is reported as such, before sts:TagSession.
	_, err := h.sts(tess...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(tsRoleARN("Missing")), RoleSessionName: aws.String("ss"), Tags: tsTags("team", "blue")})
	wantErr(t, err, "AccessDenied", 403, tsDenied(tsUserARN("tess"), "sts:AssumeRole", tsRoleARN("Missing")))

	// An explicit deny of sts:TagSession in the trust policy wins.
	trust := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":"` + tsUserARN("tess") + `"},"Action":["sts:AssumeRole","sts:TagSession"]},` +
		`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:TagSession","Condition":{"StringEquals":{"aws:RequestTag/team":"red"}}}]}`
	tsSetTrust(t, h, "Tagged", trust)
	_, err = h.sts(tess...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("ss"), Tags: tsTags("team", "red")})
	wantErr(t, err, "AccessDenied", 403, tsDenied(tsUserARN("tess"), "sts:TagSession", arn))
	tsAssume(t, h, tess, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("ss"), Tags: tsTags("team", "blue")})
}

// The example trust policy of the IAM User Guide ("Permissions required to
// add session tags"): required tags on sts:AssumeRole, allowed values and
// the allowed transitive keys on sts:TagSession.
func TestTagSessionConditions(t *testing.T) {
	h := newHarness(t)
	_, u := userWithKey(t, h, "test-session-tags")
	p := tsUserARN("test-session-tags")
	trust := tsTrust(p,
		[2]string{`"sts:AssumeRole"`, `{"StringLike":{"aws:RequestTag/Project":"*","aws:RequestTag/CostCenter":"*","aws:RequestTag/Department":"*"},"StringEquals":{"sts:ExternalId":"Example987"}}`},
		[2]string{`"sts:TagSession"`, `{"StringLike":{"aws:RequestTag/Project":"*","aws:RequestTag/CostCenter":"*"},"StringEquals":{"aws:RequestTag/Department":["Engineering","Marketing"]},"ForAllValues:StringEquals":{"sts:TransitiveTagKeys":["Project","Department"],"aws:TagKeys":["Project","CostCenter","Department"]}}`},
	)
	arn := tsRole(t, h, "my-role-example", trust)
	in := func(tags []ststypes.Tag, transitive ...string) *sts.AssumeRoleInput {
		return &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("my-session"), ExternalId: aws.String("Example987"), Tags: tags, TransitiveTagKeys: transitive}
	}
	denied := tsDenied(p, "sts:TagSession", arn)
	for name, c := range map[string]*sts.AssumeRoleInput{
		"department value": in(tsTags("Project", "Automation", "CostCenter", "12345", "Department", "Sales")),
		"transitive key":   in(tsTags("Project", "Automation", "CostCenter", "12345", "Department", "Engineering"), "CostCenter"),
		"extra tag key":    in(tsTags("Project", "Automation", "CostCenter", "12345", "Department", "Engineering", "Extra", "x")),
	} {
		_, err := h.sts(u...).AssumeRole(ctx, c)
		if err == nil {
			t.Fatalf("%s: allowed", name)
		}
		wantErr(t, err, "AccessDenied", 403, denied)
	}
	// A missing required tag fails sts:AssumeRole itself.
	_, err := h.sts(u...).AssumeRole(ctx, in(tsTags("Project", "Automation", "Department", "Engineering")))
	wantErr(t, err, "AccessDenied", 403, tsDenied(p, "sts:AssumeRole", arn))

	// The example request of the guide.
	tsAssume(t, h, u, in(tsTags("Project", "Automation", "CostCenter", "12345", "Department", "Engineering"), "Project", "Department"))
	tsAssume(t, h, u, in(tsTags("Project", "Automation", "CostCenter", "12345", "Department", "Marketing")))
}

// aws:ResourceTag and iam:ResourceTag (the role's tags) are in the context
// of sts:TagSession.
func TestTagSessionResourceTag(t *testing.T) {
	h := newHarness(t)
	_, u := userWithKey(t, h, "rita")
	p := tsUserARN("rita")
	arn := tsRole(t, h, "Abac", tsTrust(p,
		[2]string{`"sts:AssumeRole"`, ""},
		[2]string{`"sts:TagSession"`, `{"StringEquals":{"aws:ResourceTag/abac":"yes","iam:ResourceTag/abac":"yes"}}`},
	))
	in := &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("ss"), Tags: tsTags("team", "blue")}
	_, err := h.sts(u...).AssumeRole(ctx, in)
	wantErr(t, err, "AccessDenied", 403, tsDenied(p, "sts:TagSession", arn))
	if _, err := h.iam().TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Abac"), Tags: []types.Tag{{Key: aws.String("abac"), Value: aws.String("yes")}}}); err != nil {
		t.Fatal(err)
	}
	tsAssume(t, h, u, in)
}

// A trust policy that names only the account leaves the decision to the
// caller's identity policies, for sts:TagSession and sts:SetSourceIdentity
// as for sts:AssumeRole.
func TestTagSessionAccountTrustNeedsIdentityAllow(t *testing.T) {
	h := newHarness(t)
	_, carl := userWithKey(t, h, "carl")
	p := tsUserARN("carl")
	arn := tsRole(t, h, "Shared", tsTrust("arn:aws:iam::"+testAccount+":root", [2]string{`["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]`, ""}))
	put := func(actions string) {
		t.Helper()
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":"` + arn + `"}]}`
		if _, err := h.iam().PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("carl"), PolicyName: aws.String("assume"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	put(`"sts:AssumeRole"`)
	tsAssume(t, h, carl, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("ss")})
	tagged := &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("ss"), Tags: tsTags("team", "blue")}
	_, err := h.sts(carl...).AssumeRole(ctx, tagged)
	wantErr(t, err, "AccessDenied", 403, tsDenied(p, "sts:TagSession", arn))
	sourced := &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("ss"), SourceIdentity: aws.String("carl")}
	_, err = h.sts(carl...).AssumeRole(ctx, sourced)
	wantErr(t, err, "AccessDenied", 403, tsDenied(p, "sts:SetSourceIdentity", arn))

	put(`["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]`)
	tsAssume(t, h, carl, tagged)
	tsAssume(t, h, carl, sourced)

	// An explicit deny on the identity side wins over the trust policy.
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:TagSession","Resource":"*"}]}`
	if _, err := h.iam().PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("carl"), PolicyName: aws.String("deny"), PolicyDocument: aws.String(deny)}); err != nil {
		t.Fatal(err)
	}
	_, err = h.sts(carl...).AssumeRole(ctx, tagged)
	wantErr(t, err, "AccessDenied", 403, tsDenied(p, "sts:TagSession", arn))
}

// Transitive tags carried into a chained session are session tags of the
// new session: the next role's trust policy must allow sts:TagSession even
// though the request passes none. Tags that are not transitive do not
// carry over and need nothing.
func TestTagSessionRoleChainingTransitive(t *testing.T) {
	h := newHarness(t)
	_, tina := userWithKey(t, h, "tina")
	first := tsRole(t, h, "First", tsTrust(tsUserARN("tina"), [2]string{`["sts:AssumeRole","sts:TagSession"]`, ""}))
	second := tsRole(t, h, "Second", tsTrust(tsRoleARN("First"), [2]string{`"sts:AssumeRole"`, ""}))
	// Second's permissions depend on the carried tag.
	byTag := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}`
	if _, err := h.iam().PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Second"), PolicyName: aws.String("bytag"), PolicyDocument: aws.String(byTag)}); err != nil {
		t.Fatal(err)
	}

	// Not transitive: nothing carries over, sts:AssumeRole is enough.
	_, local := tsAssume(t, h, tina, &sts.AssumeRoleInput{RoleArn: aws.String(first), RoleSessionName: aws.String("local"), Tags: tsTags("team", "blue")})
	_, chained := tsAssume(t, h, local, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("c1")})
	_, err := h.iam(chained...).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", 403, "")

	// Transitive: the tag carries over, which needs sts:TagSession.
	_, trans := tsAssume(t, h, tina, &sts.AssumeRoleInput{RoleArn: aws.String(first), RoleSessionName: aws.String("trans"), Tags: tsTags("team", "blue"), TransitiveTagKeys: []string{"team"}})
	_, err = h.sts(trans...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("c2")})
	wantErr(t, err, "AccessDenied", 403, tsDenied(tsSessionARN("First", "trans"), "sts:TagSession", second))

	// The trust policy can test the carried tag as the caller's
	// principal tag.
	tsSetTrust(t, h, "Second", tsTrust(tsRoleARN("First"),
		[2]string{`"sts:AssumeRole"`, ""},
		[2]string{`"sts:TagSession"`, `{"StringEquals":{"aws:PrincipalTag/team":"green"}}`},
	))
	_, err = h.sts(trans...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("c2")})
	wantErr(t, err, "AccessDenied", 403, tsDenied(tsSessionARN("First", "trans"), "sts:TagSession", second))
	tsSetTrust(t, h, "Second", tsTrust(tsRoleARN("First"),
		[2]string{`"sts:AssumeRole"`, ""},
		[2]string{`"sts:TagSession"`, `{"StringEquals":{"aws:PrincipalTag/team":"blue"}}`},
	))
	_, chained = tsAssume(t, h, trans, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("c2")})
	if _, err := h.iam(chained...).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestSetSourceIdentityNeedsTrustPolicy(t *testing.T) {
	h := newHarness(t)
	_, dev := userWithKey(t, h, "DevUser")
	p := tsUserARN("DevUser")
	arn := tsRole(t, h, "Developer_Role", tsTrust(p, [2]string{`"sts:AssumeRole"`, ""}))

	tsAssume(t, h, dev, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("Dev-project")})
	in := &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("Dev-project"), SourceIdentity: aws.String("DevUser")}
	_, err := h.sts(dev...).AssumeRole(ctx, in)
	wantErr(t, err, "AccessDenied", 403, tsDenied(p, "sts:SetSourceIdentity", arn))

	// The guide's example: sts:SourceIdentity limits the value.
	tsSetTrust(t, h, "Developer_Role", tsTrust(p, [2]string{`["sts:AssumeRole","sts:SetSourceIdentity"]`, `{"StringEquals":{"sts:SourceIdentity":"DevUser"}}`}))
	out, _ := tsAssume(t, h, dev, in)
	if out.SourceIdentity == nil || *out.SourceIdentity != "DevUser" {
		t.Fatalf("SourceIdentity %v", out.SourceIdentity)
	}
	_, err = h.sts(dev...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("Dev-project"), SourceIdentity: aws.String("Someone")})
	wantErr(t, err, "AccessDenied", 403, tsDenied(p, "sts:AssumeRole", arn))

	// sts:SetSourceIdentity alone, with a policy variable.
	tsSetTrust(t, h, "Developer_Role", tsTrust(p,
		[2]string{`"sts:AssumeRole"`, ""},
		[2]string{`"sts:SetSourceIdentity"`, `{"StringLike":{"sts:SourceIdentity":"${aws:username}"}}`},
	))
	tsAssume(t, h, dev, in)
	_, err = h.sts(dev...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("Dev-project"), SourceIdentity: aws.String("Someone")})
	wantErr(t, err, "AccessDenied", 403, tsDenied(p, "sts:SetSourceIdentity", arn))

	// Both at once: each is checked.
	_, err = h.sts(dev...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("Dev-project"), SourceIdentity: aws.String("DevUser"), Tags: tsTags("team", "blue")})
	wantErr(t, err, "AccessDenied", 403, tsDenied(p, "sts:TagSession", arn))
}

// A source identity persists through role chaining: the chained request
// carries it (sts:SourceIdentity and aws:SourceIdentity), so the next
// role's trust policy must allow sts:SetSourceIdentity; it cannot be
// changed.
func TestSetSourceIdentityRoleChaining(t *testing.T) {
	h := newHarness(t)
	_, saanvi := userWithKey(t, h, "Saanvi")
	critical := tsRole(t, h, "CriticalRole", tsTrust(tsUserARN("Saanvi"), [2]string{`["sts:AssumeRole","sts:SetSourceIdentity"]`, ""}))
	second := tsRole(t, h, "CriticalRole_2", tsTrust(tsRoleARN("CriticalRole"), [2]string{`"sts:AssumeRole"`, ""}))
	third := tsRole(t, h, "CriticalRole_3", tsTrust(tsRoleARN("CriticalRole_2"), [2]string{`["sts:AssumeRole","sts:SetSourceIdentity"]`, `{"StringEquals":{"sts:SourceIdentity":"Saanvi","aws:SourceIdentity":"Saanvi"}}`}))

	// Without a source identity, chaining needs only sts:AssumeRole.
	_, plain := tsAssume(t, h, saanvi, &sts.AssumeRoleInput{RoleArn: aws.String(critical), RoleSessionName: aws.String("plain")})
	tsAssume(t, h, plain, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("Audit")})

	_, sess := tsAssume(t, h, saanvi, &sts.AssumeRoleInput{RoleArn: aws.String(critical), RoleSessionName: aws.String("ss"), SourceIdentity: aws.String("Saanvi")})
	caller := tsSessionARN("CriticalRole", "ss")
	_, err := h.sts(sess...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("Audit")})
	wantErr(t, err, "AccessDenied", 403, tsDenied(caller, "sts:SetSourceIdentity", second))

	// The guide's trust policy on CriticalRole_2.
	tsSetTrust(t, h, "CriticalRole_2", tsTrust(tsRoleARN("CriticalRole"), [2]string{`["sts:AssumeRole","sts:SetSourceIdentity"]`, `{"StringLike":{"aws:SourceIdentity":["Saanvi","Diego"]}}`}))
	_, sess2 := tsAssume(t, h, sess, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("Audit")})
	// Passing the same value again is allowed; another is denied.
	tsAssume(t, h, sess, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("Audit"), SourceIdentity: aws.String("Saanvi")})
	_, err = h.sts(sess...).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("Audit"), SourceIdentity: aws.String("Diego")})
	wantErr(t, err, "AccessDenied", 403, "")

	// It keeps persisting down the chain.
	tsAssume(t, h, sess2, &sts.AssumeRoleInput{RoleArn: aws.String(third), RoleSessionName: aws.String("Third")})
}

// TestSourceIdentityInRequestContext: every request a session makes
// carries its source identity as aws:SourceIdentity, so identity policies
// can require it.
func TestSourceIdentityInRequestContext(t *testing.T) {
	h := newHarness(t)
	_, dev := userWithKey(t, h, "DevUser")
	p := tsUserARN("DevUser")
	arn := tsRole(t, h, "Audited", tsTrust(p, [2]string{`["sts:AssumeRole","sts:SetSourceIdentity"]`, ""}))
	onlyAudited := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:SourceIdentity":"alice@example.com"}}}]}`
	if _, err := h.iam().PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Audited"), PolicyName: aws.String("audited"), PolicyDocument: aws.String(onlyAudited)}); err != nil {
		t.Fatal(err)
	}
	_, plain := tsAssume(t, h, dev, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("audit")})
	_, err := h.iam(plain...).ListUsers(ctx, &iam.ListUsersInput{})
	wantErr(t, err, "AccessDenied", 403, "")
	_, sourced := tsAssume(t, h, dev, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("audit"), SourceIdentity: aws.String("alice@example.com")})
	if _, err := h.iam(sourced...).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
}

// TestPackedPolicySizeCountsTags: session tags are packed with session
// policies, so PackedPolicySize is reported when tags alone are passed.
func TestPackedPolicySizeCountsTags(t *testing.T) {
	h := newHarness(t)
	_, dev := userWithKey(t, h, "DevUser")
	arn := tsRole(t, h, "Tagged", tsTrust(tsUserARN("DevUser"), [2]string{`["sts:AssumeRole","sts:TagSession"]`, ""}))
	plain, _ := tsAssume(t, h, dev, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("plain")})
	if plain.PackedPolicySize != nil {
		t.Fatalf("PackedPolicySize %d without session policies or tags", *plain.PackedPolicySize)
	}
	tagged, _ := tsAssume(t, h, dev, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("tagged"), Tags: tsTags("team", "blue", "project", "apollo")})
	if tagged.PackedPolicySize == nil || *tagged.PackedPolicySize < 1 || *tagged.PackedPolicySize > 100 {
		t.Fatalf("PackedPolicySize %v with two session tags", tagged.PackedPolicySize)
	}
}
