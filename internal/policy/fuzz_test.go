package policy

import (
	"testing"

	"github.com/iamd/iamd/internal/apierr"
)

// FuzzParse: Parse never panics; every error is a MalformedPolicyDocument
// *apierr.Error; accepted documents are kept verbatim, are re-parsed to the
// same result, and can be evaluated.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.doc, uint8(tc.kind), tc.opts.RequireVersion2012)
	}
	f.Fuzz(func(t *testing.T, doc string, kind uint8, require bool) {
		k := Kind(kind % 4)
		p, err := ParseWithOptions(doc, k, Options{RequireVersion2012: require})
		if err != nil {
			ae, ok := err.(*apierr.Error)
			if !ok || ae.Code != "MalformedPolicyDocument" || ae.Status != 400 || ae.Message == "" {
				t.Fatalf("bad error %#v", err)
			}
			_, err2 := ParseWithOptions(doc, k, Options{RequireVersion2012: require})
			if err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("not deterministic: %v vs %v", err, err2)
			}
			return
		}
		if p.Document() != doc || p.Kind() != k {
			t.Fatal("document or kind not kept")
		}
		if len(p.Statements()) == 0 {
			t.Fatal("accepted without statements")
		}
		ContextKeys(p)
		p.AWSPrincipals()
		for _, action := range []string{"iam:GetUser", "sts:AssumeRole", "s3:GetObject"} {
			req := &Request{Action: action, Resource: "arn:aws:iam::123456789012:user/u", Context: MapContext{"aws:username": {"u"}}, Trace: true,
				Principal: &Caller{Type: PrincipalUser, Account: "123456789012", ARN: "arn:aws:iam::123456789012:user/u"}}
			Evaluate(req, &PolicySet{Identity: []NamedPolicy{{Policy: p}}, Resource: &NamedPolicy{Policy: p}})
		}
	})
}

// FuzzEvaluate: evaluation never panics, and the fast path, the trace path
// and EvaluatePolicy agree, with and without the action index.
func FuzzEvaluate(f *testing.F) {
	seeds := []string{
		stmt(`{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::*:user/${aws:username}","Condition":{"StringLike":{"aws:PrincipalTag/team":"a*"}}}`),
		stmt(`[{"Effect":"Allow","NotAction":"s3:*","NotResource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringNotEqualsIfExists":{"aws:TagKeys":["a","b"]}}}]`),
		stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:role/r"]},"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}`),
		stmt(`{"Effect":"Deny","Action":"s?:*","Resource":"arn:aws:*:*:*:*","Condition":{"NumericGreaterThan":{"k:n":"5"},"Null":{"k:x":"false"},"ArnNotLike":{"k:a":"arn:aws:iam::*:role/${aws:username, 'x'}"}}}`),
	}
	seeds = append(seeds, stmt(`[{"Effect":"Allow","Action":"sts:*","Principal":{"AWS":"123456789012"}},{"Effect":"Allow","Action":"sts:*","Principal":{"AWS":"arn:aws:iam::123456789012:role/r"}},{"Effect":"Allow","Action":"sts:*","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/r/alice"}}]`))
	for _, s := range seeds {
		f.Add(s, "iam:GetUser", "arn:aws:iam::123456789012:user/alice", "aws:username", "alice")
		f.Add(s, "S3:GetObject", "arn:aws:s3:::b/k:x", "aws:TagKeys", "a")
		f.Add(s, "sts:AssumeRole", "*", "aws:SourceIp", "10.1.2.3")
	}
	f.Fuzz(func(t *testing.T, doc, action, resource, key, value string) {
		p, err := Parse(doc, Resource)
		if err != nil {
			return
		}
		ctx := MapContext{}
		ctx.Add(key, value)
		ctx.Add("aws:username", value)
		caller := &Caller{Type: PrincipalAssumedRole, Account: "123456789012", ARN: "arn:aws:sts::123456789012:assumed-role/r/" + value, RoleARN: "arn:aws:iam::123456789012:role/r"}
		set := &PolicySet{Identity: []NamedPolicy{{Policy: p}}}
		fast := Evaluate(&Request{Action: action, Resource: resource, Context: ctx, Principal: caller}, set)
		slow := Evaluate(&Request{Action: action, Resource: resource, Context: ctx, Principal: caller, Trace: true}, set)
		if fast.Decision != slow.Decision || fast.DeniedBy != slow.DeniedBy {
			t.Fatalf("fast %v/%v, trace %v/%v", fast.Decision, fast.DeniedBy, slow.Decision, slow.DeniedBy)
		}
		allow, deny, matched := EvaluatePolicy(p, &Request{Action: action, Resource: resource, Context: ctx, Principal: caller})
		want := ImplicitDeny
		switch {
		case deny:
			want = ExplicitDeny
		case allow:
			want = Allow
		}
		if want != fast.Decision {
			t.Fatalf("EvaluatePolicy %v/%v but Evaluate %v", allow, deny, fast.Decision)
		}
		if len(matched) != len(slow.Matched) {
			t.Fatalf("matched %d vs %d", len(matched), len(slow.Matched))
		}
		sameAsUnindexed(t, p, Request{Action: action, Resource: resource, Context: ctx, Principal: caller})
		rset := &PolicySet{Resource: &NamedPolicy{Policy: p}, ResourceRequired: true}
		a := Evaluate(&Request{Action: action, Resource: resource, Context: ctx, Principal: caller}, rset)
		b := Evaluate(&Request{Action: action, Resource: resource, Context: ctx, Principal: caller, Trace: true}, rset)
		if a.Decision != b.Decision {
			t.Fatalf("resource set: fast %v trace %v", a.Decision, b.Decision)
		}
	})
}
