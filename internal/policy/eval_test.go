package policy

import (
	"reflect"
	"strings"
	"testing"
)

func mustParse(t testing.TB, doc string, kind Kind) *Policy {
	t.Helper()
	p, err := Parse(doc, kind)
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	return p
}

func identitySet(t testing.TB, docs ...string) *PolicySet {
	t.Helper()
	set := &PolicySet{}
	for i, d := range docs {
		set.Identity = append(set.Identity, NamedPolicy{ID: "p" + string(rune('0'+i)), Policy: mustParse(t, d, Identity)})
	}
	return set
}

func TestActionMatching(t *testing.T) {
	cases := []struct {
		pattern, action string
		want            bool
	}{
		{"iam:CreateUser", "iam:CreateUser", true},
		{"IAM:createuser", "iam:CreateUser", true}, // case-insensitive
		{"iam:CreateUser", "iam:CreateUsers", false},
		{"iam:*", "iam:CreateUser", true},
		{"iam:*", "sts:AssumeRole", false},
		{"iam:Get*", "iam:GetUser", true},
		{"iam:Get*", "iam:ListUsers", false},
		{"iam:*AccessKey*", "iam:CreateAccessKey", true},
		{"iam:*AccessKey*", "iam:UpdateAccessKeyLastUsed", true},
		{"iam:*AccessKey*", "iam:CreateUser", false},
		{"s3:??t*", "s3:GetObject", true},
		{"s3:??t*", "s3:PutObject", true},
		{"s3:??t*", "s3:ListBucket", false},
		{"*", "anything:AtAll", true},
		{"*:GetUser", "iam:GetUser", true},
		{"i?m:getuser", "IAM:GetUser", true},
	}
	for _, tc := range cases {
		p := compileAction(tc.pattern)
		if got := p.match(tc.action); got != tc.want {
			t.Errorf("%s vs %s: got %v", tc.pattern, tc.action, got)
		}
	}
}

func TestResourceMatching(t *testing.T) {
	cases := []struct {
		pattern, resource string
		want              bool
	}{
		{"*", "arn:aws:iam::123456789012:user/a", true},
		{"*", "*", true},
		{"arn:aws:iam::123456789012:user/a", "arn:aws:iam::123456789012:user/a", true},
		{"arn:aws:iam::123456789012:user/a", "arn:aws:iam::123456789012:user/A", false}, // resource part case-sensitive
		{"ARN:AWS:IAM::123456789012:user/a", "arn:aws:iam::123456789012:user/a", true},  // prefix segments are not
		{"arn:aws:iam::*:user/*", "arn:aws:iam::123456789012:user/path/a", true},        // * crosses '/'
		{"arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:role/a", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/dir/obj:with:colons", true}, // resource part may hold ':'
		{"arn:aws:s3:::b/*", "arn:aws:s3:::c/x", false},
		{"arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:123456789012:instance/i-1", true},
		{"arn:aws:ec2:*:123456789012:instance/*", "arn:aws:ec2:us-east-1:999999999999:instance/i-1", false},
		{"arn:aws:*:us-east-1:*:*", "arn:aws:sqs:us-east-1:1:q", true},
		{"arn:aws:s?s:*:*:*", "arn:aws:sqs:us-east-1:1:q", true},
		{"arn:aws:iam::12345678901?:user/a", "arn:aws:iam::123456789012:user/a", true},
		// A '*' inside a prefix segment does not run over a colon…
		{"arn:aws:iam::*3:user/a", "arn:aws:iam::1:23:user/a", false},
		// …but a trailing '*' of a short pattern does.
		{"arn:aws:iam::*", "arn:aws:iam::123456789012:user/a", true},
		{"arn:aws:iam::*", "arn:aws:sts::123456789012:assumed-role/r/s", false},
		{"arn:aws:iam::123456789012:user/a", "*", false},
		{"arn:aws:iam::123456789012:user/a", "arn:aws:iam::123456789012", false},
		{"arn:aws:sqs:us-east-1:1", "arn:aws:sqs:us-east-1:1:q", false},
		{"arn:aws:s3:::b", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::bb", false},
		{"arn:aws:iam::123456789012:user/a?c", "arn:aws:iam::123456789012:user/abc", true},
	}
	for _, tc := range cases {
		p := compileARN(tc.pattern, false, true)
		if got := p.match(tc.resource, &env{}); got != tc.want {
			t.Errorf("%s vs %s: got %v", tc.pattern, tc.resource, got)
		}
	}
}

func decide(t *testing.T, set *PolicySet, action, resource string, ctx map[string][]string) Decision {
	t.Helper()
	return Evaluate(&Request{Action: action, Resource: resource, Context: NewMapContext(ctx)}, set).Decision
}

func TestNotActionNotResource(t *testing.T) {
	set := identitySet(t, stmt(`[
		{"Effect":"Allow","NotAction":["iam:*","sts:*"],"Resource":"*"},
		{"Effect":"Allow","Action":"iam:Get*","NotResource":["arn:aws:iam::123456789012:user/admin","arn:aws:iam::*:role/*"]}]`))
	cases := []struct {
		action, resource string
		want             Decision
	}{
		{"s3:GetObject", "arn:aws:s3:::b/k", Allow},
		{"iam:CreateUser", "*", ImplicitDeny},
		{"STS:AssumeRole", "*", ImplicitDeny},
		{"iam:GetUser", "arn:aws:iam::123456789012:user/bob", Allow},
		{"iam:GetUser", "arn:aws:iam::123456789012:user/admin", ImplicitDeny},
		{"iam:GetRole", "arn:aws:iam::123456789012:role/r", ImplicitDeny},
	}
	for _, tc := range cases {
		if d := decide(t, set, tc.action, tc.resource, nil); d != tc.want {
			t.Errorf("%s %s: %v want %v", tc.action, tc.resource, d, tc.want)
		}
	}
	// Deny + NotAction denies everything else.
	set = identitySet(t, stmt(`[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"iam:Get*","Resource":"*"}]`))
	if d := decide(t, set, "iam:GetUser", "*", nil); d != Allow {
		t.Errorf("GetUser: %v", d)
	}
	if d := decide(t, set, "iam:DeleteUser", "*", nil); d != ExplicitDeny {
		t.Errorf("DeleteUser: %v", d)
	}
}

func TestResourceVariables(t *testing.T) {
	set := identitySet(t,
		stmt(`{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::123456789012:user/${aws:username}"}`),
		stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:PrincipalTag/team, 'shared'}/*"}`),
		`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/${aws:username}"}}`,
	)
	ctx := map[string][]string{"aws:username": {"bob"}}
	cases := []struct {
		action, resource string
		ctx              map[string][]string
		want             Decision
	}{
		{"iam:CreateAccessKey", "arn:aws:iam::123456789012:user/bob", ctx, Allow},
		{"iam:CreateAccessKey", "arn:aws:iam::123456789012:user/alice", ctx, ImplicitDeny},
		{"iam:CreateAccessKey", "arn:aws:iam::123456789012:user/bob", nil, ImplicitDeny}, // unresolved → no match
		{"iam:CreateAccessKey", "arn:aws:iam::123456789012:user/${aws:username}", nil, ImplicitDeny},
		{"iam:CreateAccessKey", "arn:aws:iam::123456789012:user/bob*", map[string][]string{"aws:username": {"bob*"}}, Allow},
		{"iam:CreateAccessKey", "arn:aws:iam::123456789012:user/bobby", map[string][]string{"aws:username": {"bob*"}}, ImplicitDeny},
		{"s3:GetObject", "arn:aws:s3:::home/shared/x", nil, Allow},
		{"s3:GetObject", "arn:aws:s3:::home/red/x", map[string][]string{"aws:principaltag/team": {"red"}}, Allow},
		{"s3:GetObject", "arn:aws:s3:::home/shared/x", map[string][]string{"aws:principaltag/team": {"red"}}, ImplicitDeny},
		{"s3:PutObject", "arn:aws:s3:::b/${aws:username}", ctx, Allow}, // 2008: literal
		{"s3:PutObject", "arn:aws:s3:::b/bob", ctx, ImplicitDeny},
	}
	for _, tc := range cases {
		if d := decide(t, set, tc.action, tc.resource, tc.ctx); d != tc.want {
			t.Errorf("%s %s %v: %v want %v", tc.action, tc.resource, tc.ctx, d, tc.want)
		}
	}
	// Unresolved variable in NotResource: the value matches no resource.
	set = identitySet(t, stmt(`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/${aws:username}"}`))
	if d := decide(t, set, "s3:GetObject", "arn:aws:s3:::b/bob", nil); d != Allow {
		t.Errorf("NotResource with unresolved variable: %v", d)
	}
	if d := decide(t, set, "s3:GetObject", "arn:aws:s3:::b/bob", ctx); d != ImplicitDeny {
		t.Errorf("NotResource with resolved variable: %v", d)
	}
}

const (
	allowAll      = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	allowS3       = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`
	allowIAM      = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*"}}`
	denyGetObject = `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}}`
)

func named(t *testing.T, doc string, kind Kind) *NamedPolicy {
	return &NamedPolicy{ID: "n", Policy: mustParse(t, doc, kind)}
}

func TestIdentityBoundarySession(t *testing.T) {
	p := func(doc string) NamedPolicy { return *named(t, doc, Identity) }
	type tc struct {
		name     string
		set      PolicySet
		action   string
		want     Decision
		deniedBy Source
	}
	b := func(doc string) *NamedPolicy { return named(t, doc, Identity) }
	cases := []tc{
		{"no policies", PolicySet{}, "s3:GetObject", ImplicitDeny, SourceIdentity},
		{"identity allows", PolicySet{Identity: []NamedPolicy{p(allowS3)}}, "s3:GetObject", Allow, 0},
		{"deny in another identity policy", PolicySet{Identity: []NamedPolicy{p(allowS3), p(denyGetObject)}}, "s3:GetObject", ExplicitDeny, SourceIdentity},
		{"boundary allows too", PolicySet{Identity: []NamedPolicy{p(allowAll)}, Boundary: b(allowS3)}, "s3:GetObject", Allow, 0},
		{"boundary does not allow", PolicySet{Identity: []NamedPolicy{p(allowAll)}, Boundary: b(allowS3)}, "iam:GetUser", ImplicitDeny, SourceBoundary},
		{"boundary never grants", PolicySet{Identity: []NamedPolicy{p(allowIAM)}, Boundary: b(allowS3)}, "s3:GetObject", ImplicitDeny, SourceIdentity},
		{"boundary explicit deny", PolicySet{Identity: []NamedPolicy{p(allowAll)}, Boundary: b(denyGetObject)}, "s3:GetObject", ExplicitDeny, SourceBoundary},
		{"session intersects", PolicySet{Identity: []NamedPolicy{p(allowAll)}, Session: []NamedPolicy{p(allowS3)}}, "s3:GetObject", Allow, 0},
		{"session does not allow", PolicySet{Identity: []NamedPolicy{p(allowAll)}, Session: []NamedPolicy{p(allowS3)}}, "iam:GetUser", ImplicitDeny, SourceSession},
		{"session any of several", PolicySet{Identity: []NamedPolicy{p(allowAll)}, Session: []NamedPolicy{p(allowIAM), p(allowS3)}}, "s3:GetObject", Allow, 0},
		{"session deny", PolicySet{Identity: []NamedPolicy{p(allowAll)}, Session: []NamedPolicy{p(allowAll), p(denyGetObject)}}, "s3:GetObject", ExplicitDeny, SourceSession},
		{"federation without session policy", PolicySet{Identity: []NamedPolicy{p(allowAll)}, Session: []NamedPolicy{}}, "s3:GetObject", ImplicitDeny, SourceSession},
		{"all three", PolicySet{Identity: []NamedPolicy{p(allowAll)}, Boundary: b(allowS3), Session: []NamedPolicy{p(allowAll)}}, "s3:GetObject", Allow, 0},
		{"all three, boundary misses", PolicySet{Identity: []NamedPolicy{p(allowAll)}, Boundary: b(allowIAM), Session: []NamedPolicy{p(allowS3)}}, "s3:GetObject", ImplicitDeny, SourceBoundary},
	}
	for _, c := range cases {
		r := Evaluate(&Request{Action: c.action, Resource: "*"}, &c.set)
		if r.Decision != c.want || (c.want != Allow && r.DeniedBy != c.deniedBy) {
			t.Errorf("%s: %v/%v want %v/%v", c.name, r.Decision, r.DeniedBy, c.want, c.deniedBy)
		}
		rt := Evaluate(&Request{Action: c.action, Resource: "*", Trace: true}, &c.set)
		if rt.Decision != r.Decision || rt.DeniedBy != r.DeniedBy {
			t.Errorf("%s: trace mode differs: %v/%v", c.name, rt.Decision, rt.DeniedBy)
		}
	}
}

func TestResourceBasedPolicies(t *testing.T) {
	const acct = "111122223333"
	user := &Caller{Type: PrincipalUser, Account: acct, ARN: "arn:aws:iam::111122223333:user/u", ID: "AIDAUSERUSERUSERUSER"}
	sess := &Caller{Type: PrincipalAssumedRole, Account: acct, ARN: "arn:aws:sts::111122223333:assumed-role/r/s", RoleARN: "arn:aws:iam::111122223333:role/r", ID: "AROAROLEROLEROLEROLE"}
	fed := &Caller{Type: PrincipalFederatedUser, Account: acct, ARN: "arn:aws:sts::111122223333:federated-user/f", ParentUserARN: "arn:aws:iam::111122223333:user/u"}
	other := &Caller{Type: PrincipalUser, Account: "444455556666", ARN: "arn:aws:iam::444455556666:user/x"}
	svc := &Caller{Type: PrincipalService, Service: "ec2.amazonaws.com"}
	web := &Caller{Type: PrincipalWebIdentity, Federated: "arn:aws:iam::111122223333:oidc-provider/example.com"}
	anon := &Caller{Type: PrincipalAnonymous}

	res := func(principal string) *NamedPolicy {
		return named(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":`+principal+`}}`, Resource)
	}
	allowAssume := []NamedPolicy{*named(t, stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`), Identity)}
	boundaryS3 := named(t, allowS3, Identity)

	cases := []struct {
		name     string
		caller   *Caller
		set      PolicySet
		resAcct  string
		want     Decision
		deniedBy Source
	}{
		{"user ARN, no identity policy", user, PolicySet{Resource: res(`{"AWS":"arn:aws:iam::111122223333:user/u"}`)}, "", Allow, 0},
		{"user ARN, boundary does not limit", user, PolicySet{Resource: res(`{"AWS":"arn:aws:iam::111122223333:user/u"}`), Boundary: boundaryS3}, "", Allow, 0},
		{"user unique ID", user, PolicySet{Resource: res(`{"AWS":"AIDAUSERUSERUSERUSER"}`)}, "", Allow, 0},
		{"other user named", user, PolicySet{Resource: res(`{"AWS":"arn:aws:iam::111122223333:user/v"}`)}, "", ImplicitDeny, SourceIdentity},
		{"account named, no identity", user, PolicySet{Resource: res(`{"AWS":"111122223333"}`)}, "", ImplicitDeny, SourceIdentity},
		{"account root ARN named, identity allows", user, PolicySet{Resource: res(`{"AWS":"arn:aws:iam::111122223333:root"}`), Identity: allowAssume}, "", Allow, 0},
		{"role ARN, no identity", sess, PolicySet{Resource: res(`{"AWS":"arn:aws:iam::111122223333:role/r"}`)}, "", Allow, 0},
		{"role ARN, limited by boundary", sess, PolicySet{Resource: res(`{"AWS":"arn:aws:iam::111122223333:role/r"}`), Boundary: boundaryS3}, "", ImplicitDeny, SourceBoundary},
		{"role ARN, limited by session policy", sess, PolicySet{Resource: res(`{"AWS":"arn:aws:iam::111122223333:role/r"}`), Session: []NamedPolicy{*boundaryS3}}, "", ImplicitDeny, SourceSession},
		{"session ARN, not limited", sess, PolicySet{Resource: res(`{"AWS":"arn:aws:sts::111122223333:assumed-role/r/s"}`), Boundary: boundaryS3, Session: []NamedPolicy{*boundaryS3}}, "", Allow, 0},
		{"federated user ARN", fed, PolicySet{Resource: res(`{"AWS":"arn:aws:sts::111122223333:federated-user/f"}`), Session: []NamedPolicy{}}, "", Allow, 0},
		{"parent user ARN, limited by session", fed, PolicySet{Resource: res(`{"AWS":"arn:aws:iam::111122223333:user/u"}`), Session: []NamedPolicy{}}, "", ImplicitDeny, SourceSession},
		{"service", svc, PolicySet{Resource: res(`{"Service":"ec2.amazonaws.com"}`)}, "", Allow, 0},
		{"other service", svc, PolicySet{Resource: res(`{"Service":"lambda.amazonaws.com"}`)}, "", ImplicitDeny, SourceIdentity},
		{"web identity", web, PolicySet{Resource: res(`{"Federated":"arn:aws:iam::111122223333:oidc-provider/example.com"}`)}, "", Allow, 0},
		{"everyone", anon, PolicySet{Resource: res(`"*"`)}, "", Allow, 0},
		{"anonymous not named", anon, PolicySet{Resource: res(`{"AWS":"111122223333"}`)}, "", ImplicitDeny, SourceIdentity},
		{"trust required, identity alone", user, PolicySet{Identity: allowAssume, Resource: res(`{"AWS":"arn:aws:iam::111122223333:user/v"}`), ResourceRequired: true}, "", ImplicitDeny, SourceResource},
		{"trust required, no trust policy", user, PolicySet{Identity: allowAssume, ResourceRequired: true}, "", ImplicitDeny, SourceResource},
		{"trust names user", user, PolicySet{Resource: res(`{"AWS":"arn:aws:iam::111122223333:user/u"}`), ResourceRequired: true}, "", Allow, 0},
		{"trust names account, identity missing", user, PolicySet{Resource: res(`{"AWS":"111122223333"}`), ResourceRequired: true}, "", ImplicitDeny, SourceIdentity},
		{"trust names account, identity allows", user, PolicySet{Identity: allowAssume, Resource: res(`{"AWS":"111122223333"}`), ResourceRequired: true}, "", Allow, 0},
		{"cross-account, trust only", other, PolicySet{Resource: res(`{"AWS":"arn:aws:iam::444455556666:user/x"}`), ResourceRequired: true}, acct, ImplicitDeny, SourceIdentity},
		{"cross-account, both", other, PolicySet{Identity: allowAssume, Resource: res(`{"AWS":"444455556666"}`), ResourceRequired: true}, acct, Allow, 0},
		{"cross-account, identity only", other, PolicySet{Identity: allowAssume, Resource: res(`{"AWS":"111122223333"}`), ResourceRequired: true}, acct, ImplicitDeny, SourceResource},
		{"best grant of several statements", user, PolicySet{Resource: named(t, stmt(`[{"Effect":"Allow","Action":"sts:*","Principal":{"AWS":"111122223333"}},{"Effect":"Allow","Action":"sts:*","Principal":{"AWS":"arn:aws:iam::111122223333:user/u"}}]`), Resource)}, "", Allow, 0},
		{"resource deny wins", user, PolicySet{Identity: allowAssume, Resource: named(t, stmt(`{"Effect":"Deny","Action":"sts:*","Principal":{"AWS":"*"}}`), Resource)}, "", ExplicitDeny, SourceResource},
	}
	for _, c := range cases {
		for _, trace := range []bool{false, true} {
			r := Evaluate(&Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/target", Principal: c.caller, ResourceAccount: c.resAcct, Trace: trace}, &c.set)
			if r.Decision != c.want || (c.want != Allow && r.DeniedBy != c.deniedBy) {
				t.Errorf("%s (trace %v): %v/%v want %v/%v", c.name, trace, r.Decision, r.DeniedBy, c.want, c.deniedBy)
			}
		}
	}
}

func TestNotPrincipal(t *testing.T) {
	user := &Caller{Type: PrincipalUser, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/u"}
	rp := named(t, stmt(`{"Effect":"Deny","Action":"s3:*","Resource":"*","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/u"}}`), Resource)
	set := PolicySet{Identity: []NamedPolicy{*named(t, allowS3, Identity)}, Resource: rp}
	if d := Evaluate(&Request{Action: "s3:GetObject", Resource: "*", Principal: user}, &set).Decision; d != Allow {
		t.Errorf("listed principal: %v", d)
	}
	other := &Caller{Type: PrincipalUser, Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/v"}
	if d := Evaluate(&Request{Action: "s3:GetObject", Resource: "*", Principal: other}, &set).Decision; d != ExplicitDeny {
		t.Errorf("unlisted principal: %v", d)
	}
	// With a permissions boundary, NotPrincipal+Deny denies regardless.
	set.Boundary = named(t, allowS3, Identity)
	if d := Evaluate(&Request{Action: "s3:GetObject", Resource: "*", Principal: user}, &set).Decision; d != ExplicitDeny {
		t.Errorf("listed principal with boundary: %v", d)
	}
}

func TestReasonMessages(t *testing.T) {
	cases := []struct {
		r    Result
		want string
	}{
		{Result{Decision: ExplicitDeny, DeniedBy: SourceIdentity}, "with an explicit deny in an identity-based policy"},
		{Result{Decision: ExplicitDeny, DeniedBy: SourceBoundary}, "with an explicit deny in a permissions boundary"},
		{Result{Decision: ExplicitDeny, DeniedBy: SourceSession}, "with an explicit deny in a session policy"},
		{Result{Decision: ExplicitDeny, DeniedBy: SourceResource}, "with an explicit deny in a resource-based policy"},
		{Result{Decision: ImplicitDeny, DeniedBy: SourceIdentity}, "because no identity-based policy allows the iam:CreateUser action"},
		{Result{Decision: ImplicitDeny, DeniedBy: SourceBoundary}, "because no permissions boundary allows the iam:CreateUser action"},
		{Result{Decision: ImplicitDeny, DeniedBy: SourceSession}, "because no session policy allows the iam:CreateUser action"},
		{Result{Decision: ImplicitDeny}, "because no identity-based policy allows the iam:CreateUser action"},
		{Result{Decision: Allow}, ""},
	}
	for _, c := range cases {
		if got := c.r.Reason("iam:CreateUser"); got != c.want {
			t.Errorf("%+v: %q", c.r, got)
		}
	}
	if Allow.String() != "allowed" || ExplicitDeny.String() != "explicitDeny" || ImplicitDeny.String() != "implicitDeny" {
		t.Error("decision strings")
	}
}

func TestTraceMatchedAndMissing(t *testing.T) {
	id := mustParse(t, stmt(`[
		{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},
		{"Sid":"B","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/Team":"x"},"NumericLessThanIfExists":{"s3:max-keys":"10"},"Null":{"aws:TokenIssueTime":"true"}}},
		{"Sid":"C","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"},
		{"Sid":"D","Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:Unrelated":"x"}}}]`), Identity)
	bd := mustParse(t, allowS3, Identity)
	set := &PolicySet{Identity: []NamedPolicy{{ID: "arn:aws:iam::1:policy/p", Type: "user-managed", Policy: id}}, Boundary: &NamedPolicy{ID: "bd", Policy: bd}}
	r := Evaluate(&Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Trace: true}, set)
	if r.Decision != Allow || !r.AllowedByBoundary {
		t.Fatalf("%+v", r)
	}
	var sids []string
	for _, m := range r.Matched {
		sids = append(sids, m.PolicyID+"/"+m.Sid+"/"+m.Effect+"/"+m.Source.String())
	}
	want := []string{"arn:aws:iam::1:policy/p/A/Allow/identity-based policy", "bd//Allow/permissions boundary"}
	if !reflect.DeepEqual(sids, want) {
		t.Errorf("matched %v", sids)
	}
	wantMissing := []string{"aws:PrincipalTag/Team", "s3:max-keys", "aws:username"}
	if !reflect.DeepEqual(r.Missing, wantMissing) {
		t.Errorf("missing %v want %v", r.Missing, wantMissing)
	}
	if r.Matched[0].PolicyType != "user-managed" || r.Matched[0].Start.Line != 2 {
		t.Errorf("match details %+v", r.Matched[0])
	}
	// Without Trace nothing is collected.
	r = Evaluate(&Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, set)
	if r.Matched != nil || r.Missing != nil || r.Decision != Allow {
		t.Errorf("%+v", r)
	}
}

func TestEvaluatePolicy(t *testing.T) {
	p := mustParse(t, stmt(`[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]`), Identity)
	allow, deny, matched := EvaluatePolicy(p, &Request{Action: "s3:DeleteObject", Resource: "*"})
	if !allow || !deny || len(matched) != 2 || matched[1].Sid != "B" || matched[1].StatementIndex != 1 {
		t.Errorf("%v %v %+v", allow, deny, matched)
	}
	allow, deny, matched = EvaluatePolicy(p, &Request{Action: "iam:GetUser", Resource: "*"})
	if allow || deny || len(matched) != 0 {
		t.Errorf("%v %v %+v", allow, deny, matched)
	}
}

func TestContextKeys(t *testing.T) {
	p1 := mustParse(t, stmt(`[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringEquals":{"aws:PrincipalTag/Team":"${aws:PrincipalTag/dept, 'x'}","s3:prefix":"a"},"UnknownOp":{},"Bool":{"aws:SecureTransport":"true"}}},
		{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"AWS:SourceIp":"10.0.0.0/8"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}}}]`), Identity)
	p2 := mustParse(t, stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"AWS:USERNAME":"x","aws:sourceip":"y"}}}`), Identity)
	p3 := mustParse(t, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${aws:literal}"}}`, Identity)
	got := ContextKeys(p1, p2, p3, nil)
	want := []string{"aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalTag/dept", "aws:PrincipalTag/Team", "aws:SecureTransport", "AWS:SourceIp", "aws:username", "s3:prefix"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if got := ContextKeys(mustParse(t, stmt(okStmt), Identity)); len(got) != 0 {
		t.Errorf("no keys: %v", got)
	}
}

func TestMapContext(t *testing.T) {
	m := NewMapContext(map[string][]string{"AWS:TagKeys": {"a"}, "aws:tagkeys": {"b"}})
	v, ok := m.Get("aws:tagkeys")
	if !ok || len(v) != 2 {
		t.Fatalf("%v %v", v, ok)
	}
	m.Set("X:Y")
	if v, ok := m.Get("x:y"); !ok || len(v) != 0 {
		t.Fatalf("%v %v", v, ok)
	}
	if _, ok := m.Get("X:Y"); ok {
		t.Fatal("Get expects lower-case keys")
	}
}

func TestPolicyIsReusableConcurrently(t *testing.T) {
	set := identitySet(t, stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"}}}`))
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func(g int) {
			name := strings.Repeat("u", g+1)
			for i := 0; i < 200; i++ {
				r := Evaluate(&Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::b/" + name + "/x",
					Context: MapContext{"aws:username": {name}, "s3:prefix": {name + "/p"}}}, set)
				if r.Decision != Allow {
					t.Errorf("goroutine %d: %v", g, r.Decision)
					break
				}
			}
			done <- true
		}(g)
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	p := mustParse(t, stmt(`[
		{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"arn:aws:iam::*:user/${aws:username}","Condition":{
			"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"${aws:PrincipalTag/team, 'x'}"},
			"StringLike":{"aws:userid":"AIDA*"},
			"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"},
			"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},
			"Bool":{"aws:SecureTransport":"true"},
			"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},
			"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/${aws:username}"},
			"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]},
			"Null":{"aws:TokenIssueTime":"true"}}},
		{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::b/*"}]`), Identity)
	set := &PolicySet{Identity: []NamedPolicy{{Policy: p}}, Boundary: &NamedPolicy{Policy: p}}
	req := &Request{Action: "iam:GetUser", Resource: "arn:aws:iam::123456789012:user/alice", Context: NewMapContext(map[string][]string{
		"aws:username": {"alice"}, "aws:PrincipalTag/team": {"RED"}, "aws:userid": {"AIDAXYZ"}, "aws:MultiFactorAuthAge": {"60"},
		"aws:CurrentTime": {"2026-01-01T00:00:00Z"}, "aws:SecureTransport": {"true"}, "aws:SourceIp": {"10.1.2.3"},
		"aws:PrincipalArn": {"arn:aws:iam::123456789012:user/alice"}, "aws:TagKeys": {"a"},
	})}
	if d := Evaluate(req, set).Decision; d != Allow {
		t.Fatalf("decision %v", d)
	}
	if n := testing.AllocsPerRun(100, func() { Evaluate(req, set) }); n != 0 {
		t.Errorf("Evaluate allocates %v times", n)
	}
}
