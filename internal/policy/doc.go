// Package policy owns the IAM policy language: parsing and validating
// policy documents with AWS's exact MalformedPolicyDocument messages and
// precedence (identity, trust, session and resource-based grammars),
// policy sizes, compiling documents once into a form that evaluates
// without re-parsing, and evaluating requests with AWS's documented
// logic: explicit deny, identity-based policies, permissions boundaries,
// session policies and same-account resource-based (trust) policies;
// Action/NotAction, Resource/NotResource and Principal/NotPrincipal
// matching; every condition operator with IfExists and the
// ForAllValues/ForAnyValue set operators; policy variables.
//
// The package is pure: no I/O, no store, no clock (the time comes in the
// request context as aws:CurrentTime / aws:EpochTime), no package-level
// mutable state. A *Policy is immutable and safe for concurrent use.
//
// Typical use:
//
//	p, err := policy.ParseManaged(doc)           // CreatePolicy
//	p, err := policy.Parse(doc, policy.Identity) // PutUserPolicy
//	p, err := policy.Parse(doc, policy.Trust)    // CreateRole
//
//	res := policy.Evaluate(&policy.Request{
//		Action:   "iam:CreateUser",
//		Resource: "arn:aws:iam::123456789012:user/alice",
//		Context:  ctx,
//	}, &policy.PolicySet{Identity: []policy.NamedPolicy{{ID: "p", Policy: p}}})
//	if res.Decision != policy.Allow { … res.Reason("iam:CreateUser") … }
package policy
