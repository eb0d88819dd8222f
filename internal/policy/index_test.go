package policy

import (
	"reflect"
	"testing"
)

// unindexed returns a copy of p whose compiled form has no action index:
// every statement is a candidate for every action. It is the reference
// the index must agree with.
func unindexed(p *Policy) *Policy {
	q := *p
	q.compiled.bySvc, q.compiled.svcTab = nil, nil
	q.compiled.other = q.compiled.all
	return &q
}

// sameAsUnindexed evaluates req against p (identity and resource-based,
// with and without Trace) with and without the index and fails on any
// difference in the result.
func sameAsUnindexed(t testing.TB, p *Policy, req Request) {
	t.Helper()
	u := unindexed(p)
	sets := []func(*Policy) *PolicySet{
		func(p *Policy) *PolicySet { return &PolicySet{Identity: []NamedPolicy{{ID: "i", Policy: p}}} },
		func(p *Policy) *PolicySet {
			return &PolicySet{Resource: &NamedPolicy{ID: "r", Policy: p}, ResourceRequired: true}
		},
	}
	for _, mk := range sets {
		for _, trace := range []bool{false, true} {
			r := req
			r.Trace = trace
			got, want := Evaluate(&r, mk(p)), Evaluate(&r, mk(u))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s on %q (trace %v): indexed %+v, unindexed %+v\n%s", req.Action, req.Resource, trace, got, want, p.Document())
			}
		}
	}
	a1, d1, m1 := EvaluatePolicy(p, &req)
	a2, d2, m2 := EvaluatePolicy(u, &req)
	if a1 != a2 || d1 != d2 || !reflect.DeepEqual(m1, m2) {
		t.Fatalf("EvaluatePolicy %s: indexed %v/%v/%v, unindexed %v/%v/%v", req.Action, a1, d1, m1, a2, d2, m2)
	}
}

// TestActionIndex checks that the service and first-letter index never
// hides a statement that can apply, including case folding (ASCII and
// Unicode: the Kelvin sign folds to k, ſ to s), wildcards at every
// position, empty action names and actions without a colon.
func TestActionIndex(t *testing.T) {
	patterns := []string{
		"iam:GetUser", "IAM:getuser", "iam:Get*", "iam:G*", "iam:*", "iam:?etUser", "iam:*User",
		"iam:Get*User", "iam:Get**", "iam:*Get", "iam:k*", "iam:K*", "iam:s*", "iam:\u212a*", "iam:\u017fts", "iam:Ké*", "iam:Sé",
		"iam:ſ*", "sts:AssumeRole", "sts:a*", "*:GetUser", "*", "iaM:g?t*",
		"iam:\u00e9*", "iam:\u00c9tat", "servicecatalog:Get*", "ServiceCatalog:*",
	}
	actions := []string{
		"iam:GetUser", "IAM:GETUSER", "iam:getuser", "iam:ListUsers", "iam:", "iam", "iam:Kill", "iam:kill",
		"iam:\u212aill", "iam:sts", "iam:\u017fts", "iam:Sé", "iam:Ké", "iam:\u212aé", "sts:AssumeRole", "STS:assumerole",
		"s3:GetObject", "iam:get:x", "servicecatalog:GetX", "servicecatalug:GetX", "servicecatalog:", "SERVICECATALOG:x", "iam:\u00e9tat", "iam:\u00c9TAT", "", ":", "i\u212aam:x", "iam:*", "iam:?etUser",
	}
	for _, pat := range patterns {
		for _, notAction := range []bool{false, true} {
			for _, extra := range []string{"", `,"sts:GetCallerIdentity","iam:List*"`} {
				key := "Action"
				if notAction {
					key = "NotAction"
				}
				doc := stmt(`[{"Effect":"Allow","` + key + `":["` + pat + `"` + extra + `],"Resource":"*"},` +
					`{"Effect":"Deny","Action":"iam:Delete*","Resource":"*"},` +
					`{"Effect":"Allow","Action":["sts:Get*","iam:L*"],"Resource":"*"}]`)
				p := mustParse(t, doc, Identity)
				for _, a := range actions {
					sameAsUnindexed(t, p, Request{Action: a, Resource: "*"})
				}
			}
		}
	}
}

// TestActionFastPaths checks the inline matching of evaluation (the
// index's name patterns, the ASCII exact, prefix and infix fast paths)
// against the reference matcher, actionPattern.match on the pattern as
// compiled from the document.
func TestActionFastPaths(t *testing.T) {
	patterns := []string{
		"iam:GetUser", "iam:Get*", "iam:*AccessKey*", "IAM:*accesskey*", "*:Describe*", "*:*Tag*", "iam:*s*",
		"iam:*k*", "iam:Get*Key*", "iam:*\u212a*", "iam:*\u017f*", "*:GetUser", "iam:*", "*", "iam:?et*",
		"iam:*é*", "sts:*Role*", "iam:**Key**",
	}
	actions := []string{
		"iam:GetUser", "iam:CreateAccessKey", "IAM:UPDATEACCESSKEY", "iam:accesskey", "ec2:DescribeInstances",
		"iam:TagUser", "iam:\u212aey", "iam:\u017fet", "iam:kEY", "iam:Set", "iam:", "iam", "", "iam:é", "iam:É",
		"sts:AssumeRole", "iam:GetAccessKeyLastUsed", "iam:Ge", "iam:AccessKe",
	}
	for _, pat := range patterns {
		p := mustParse(t, stmt(`{"Effect":"Allow","Action":"`+pat+`","Resource":"*"}`), Identity)
		ref := compileAction(pat)
		for _, a := range actions {
			want := ImplicitDeny
			if ref.match(a) {
				want = Allow
			}
			if got := Evaluate(&Request{Action: a, Resource: "*"}, &PolicySet{Identity: []NamedPolicy{{Policy: p}}}).Decision; got != want {
				t.Errorf("%s on %q: %v, want %v", pat, a, got, want)
			}
			sameAsUnindexed(t, p, Request{Action: a, Resource: "*"})
		}
	}
	// The reference itself, on the cases the fast paths defer.
	for _, c := range []struct {
		pat, action string
		want        bool
	}{
		{"iam:*k*", "iam:\u212aey", true},
		{"iam:*s*", "iam:\u017fet", true},
		{"iam:*AccessKey*", "iam:Create\u212aAccessKey", true},
		{"iam:*AccessKey*", "iam:CreateAccess\u212aey", true},
		{"iam:*AccessKey*", "iam:CreateAccessKe", false},
	} {
		ref := compileAction(c.pat)
		if got := ref.match(c.action); got != c.want {
			t.Errorf("reference %s on %q: %v", c.pat, c.action, got)
		}
	}
}

// TestServiceLookupComparesNames: a service whose hash and first eight
// bytes equal those of an indexed one finds nothing.
func TestServiceLookupComparesNames(t *testing.T) {
	p := mustParse(t, stmt(`{"Effect":"Allow","Action":["servicecatalog:Get*","iam:GetUser"],"Resource":"*"}`), Identity)
	for _, svc := range []string{"servicecatalog", "servicecatalug", "iam", "iax"} {
		st := state{svc: svc, svcHash: svcHash("servicecatalog"), svcHead: svcHead(svc), indexed: true, first: 'g'}
		if svc == "iam" || svc == "iax" {
			st.svcHash = svcHash("iam")
		}
		first, unkeyed := p.compiled.candidates(&st)
		want := svc == "servicecatalog" || svc == "iam"
		if got := len(first)+len(unkeyed) > 0; got != want {
			t.Errorf("%s: found %v", svc, got)
		}
	}
}
