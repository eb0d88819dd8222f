package policy

import (
	"fmt"
	"strings"
	"testing"
)

// benchSet builds a principal with 10 policies of 10 statements each: a
// mix of exact actions, prefix and infix wildcards, NotAction, ARN
// patterns with wildcards and variables, and conditions. Only the last
// policy allows the benchmark request, so every statement is examined.
func benchSet(b *testing.B) *PolicySet {
	set := &PolicySet{}
	services := []string{"ec2", "sqs", "sns", "dynamodb", "lambda", "kms", "logs", "events", "states", "ssm"}
	for p := 0; p < 10; p++ {
		var stmts []string
		for s := 0; s < 10; s++ {
			svc := services[(p+s)%len(services)]
			var st string
			switch s % 5 {
			case 0:
				st = fmt.Sprintf(`{"Effect":"Allow","Action":["%s:Get*","%s:List*"],"Resource":"arn:aws:%s:*:123456789012:thing-%d/*"}`, svc, svc, svc, s)
			case 1:
				st = fmt.Sprintf(`{"Effect":"Allow","Action":"%s:*Tag*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}`, svc)
			case 2:
				st = fmt.Sprintf(`{"Effect":"Deny","Action":["%s:Delete*","iam:Delete*"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}`, svc)
			case 3:
				st = fmt.Sprintf(`{"Effect":"Allow","Action":["%s:Describe%d","iam:Get*"],"Resource":"arn:aws:iam::123456789012:role/%d-${aws:username}"}`, svc, s, s)
			case 4:
				st = fmt.Sprintf(`{"Effect":"Allow","Action":"%s:Put%dObject","Resource":["arn:aws:s3:::bucket-%d","arn:aws:s3:::bucket-%d/*"],"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`, svc, s, s, s)
			}
			stmts = append(stmts, st)
		}
		if p == 9 {
			stmts[9] = `{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/${aws:username}","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`
		}
		doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		pol, err := Parse(doc, Identity)
		if err != nil {
			b.Fatalf("policy %d: %v\n%s", p, err, doc)
		}
		set.Identity = append(set.Identity, NamedPolicy{ID: fmt.Sprint("p", p), Policy: pol})
	}
	return set
}

func benchRequest() *Request {
	return &Request{
		Action:   "iam:GetUser",
		Resource: "arn:aws:iam::123456789012:user/alice",
		Context: NewMapContext(map[string][]string{
			"aws:username":               {"alice"},
			"aws:SecureTransport":        {"true"},
			"aws:MultiFactorAuthPresent": {"true"},
			"aws:RequestedRegion":        {"us-east-1"},
			"aws:SourceIp":               {"10.1.2.3"},
			"aws:CurrentTime":            {"2026-01-01T00:00:00Z"},
		}),
	}
}

func BenchmarkEvaluate10x10(b *testing.B) {
	set := benchSet(b)
	req := benchRequest()
	if r := Evaluate(req, set); r.Decision != Allow {
		b.Fatalf("decision %v", r.Decision)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if Evaluate(req, set).Decision != Allow {
			b.Fatal("not allowed")
		}
	}
}

func BenchmarkEvaluate10x10Denied(b *testing.B) {
	set := benchSet(b)
	req := benchRequest()
	req.Action = "iam:CreateUser"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if Evaluate(req, set).Decision != ImplicitDeny {
			b.Fatal("allowed")
		}
	}
}

func BenchmarkEvaluate10x10Trace(b *testing.B) {
	set := benchSet(b)
	req := benchRequest()
	req.Trace = true
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Evaluate(req, set)
	}
}

func BenchmarkParse(b *testing.B) {
	set := benchSet(b)
	doc := set.Identity[9].Policy.Document()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Parse(doc, Identity); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate10x10NoIndex is the worst case for the service index:
// every statement uses NotAction or a wildcard service, so all 100 are
// examined.
func BenchmarkEvaluate10x10NoIndex(b *testing.B) {
	set := &PolicySet{}
	for p := 0; p < 10; p++ {
		var stmts []string
		for s := 0; s < 10; s++ {
			if s%2 == 0 {
				stmts = append(stmts, fmt.Sprintf(`{"Effect":"Allow","NotAction":["iam:*","sts:*"],"Resource":"arn:aws:s3:::bucket-%d/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, s))
			} else {
				stmts = append(stmts, fmt.Sprintf(`{"Effect":"Allow","Action":"*:Describe%d*","Resource":"*"}`, s))
			}
		}
		if p == 9 {
			stmts[9] = `{"Effect":"Allow","Action":"*:GetUser","Resource":"arn:aws:iam::123456789012:user/${aws:username}"}`
		}
		pol, err := Parse(`{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`, Identity)
		if err != nil {
			b.Fatal(err)
		}
		set.Identity = append(set.Identity, NamedPolicy{Policy: pol})
	}
	req := benchRequest()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if Evaluate(req, set).Decision != Allow {
			b.Fatal("not allowed")
		}
	}
}
