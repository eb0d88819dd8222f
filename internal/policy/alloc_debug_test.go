package policy

import "testing"

func BenchmarkAllocDebug(b *testing.B) {
	p := mustParse(b, stmt(`[
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
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(req, set)
	}
}
