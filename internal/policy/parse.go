package policy

import (
	"github.com/iamd/iamd/internal/apierr"
)

// Kind says which grammar a document is checked against; the same JSON can
// be valid as one kind and malformed as another.
type Kind int

// Policy kinds.
const (
	// Identity is an identity-based policy (CreatePolicy,
	// CreatePolicyVersion, Put{User,Group,Role}Policy, permissions
	// boundaries): Principal/NotPrincipal are forbidden and every statement
	// needs Resource or NotResource.
	Identity Kind = iota
	// Trust is a role trust policy (CreateRole, UpdateAssumeRolePolicy):
	// Principal is required, Resource is forbidden and actions are limited
	// to the sts:AssumeRole family. Unparseable JSON is reported as
	// "This policy contains invalid Json".
	Trust
	// Session is an STS session policy (the Policy parameter of AssumeRole*
	// and GetFederationToken); its grammar is the identity grammar.
	Session
	// Resource is a resource-based policy as given to the policy
	// simulator: Principal/NotPrincipal are allowed and Resource is
	// optional (a statement without one applies to any resource).
	Resource
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Identity:
		return "identity"
	case Trust:
		return "trust"
	case Session:
		return "session"
	case Resource:
		return "resource"
	}
	return "unknown"
}

// Policy language versions.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Options adjust validation to the calling operation.
type Options struct {
	// RequireVersion2012 rejects a document whose Version is missing or
	// 2008-10-17 with "Policy document must be version 2012-10-17 or
	// greater.", as CreatePolicy and CreatePolicyVersion do. Inline,
	// trust and session policies accept both versions and a missing one.
	RequireVersion2012 bool
}

// Effect is a statement's Effect element.
type Effect uint8

// Statement effects.
const (
	EffectAllow Effect = iota + 1
	EffectDeny
)

// String returns "Allow" or "Deny".
func (e Effect) String() string {
	switch e {
	case EffectAllow:
		return "Allow"
	case EffectDeny:
		return "Deny"
	}
	return ""
}

// Position is a line/column location in a policy document, both counted
// from 1 (columns in characters), as the simulator's StartPosition and
// EndPosition report them.
type Position struct {
	Line   int // from 1
	Column int // from 1, in characters
}

// PrincipalSet is the value of a Principal or NotPrincipal element.
type PrincipalSet struct {
	// All is set for the bare form "Principal": "*".
	All bool
	// Values of the principal-map keys, as written; nil when absent.
	AWS           []string // accounts, ARNs, unique IDs or "*"
	Service       []string // service principals, e.g. "ec2.amazonaws.com"
	Federated     []string // identity providers
	CanonicalUser []string // S3 canonical user IDs
}

// Condition is one key test of a Condition block: one operator, one key and
// the values it is tested against (ORed).
type Condition struct {
	Operator string   // as written, e.g. "ForAnyValue:StringLikeIfExists"
	Key      string   // as written, e.g. "aws:PrincipalTag/team"
	Values   []string // string forms; JSON numbers and booleans keep their text
}

// Statement is one validated statement, as written in the document. Slices
// are nil when the element is absent.
type Statement struct {
	Sid          string        // "" when absent
	Effect       Effect        // EffectAllow or EffectDeny
	Principal    *PrincipalSet // nil when absent
	NotPrincipal *PrincipalSet // nil when absent
	Action       []string      // a bare string becomes a one-element slice
	NotAction    []string
	Resource     []string
	NotResource  []string
	Conditions   []Condition // one entry per operator and key, in document order
	// Start and End delimit the statement object in the document.
	Start, End Position
}

// Policy is a parsed, validated and compiled policy document. It is
// immutable and safe for concurrent use; evaluation never re-parses it.
type Policy struct {
	doc        string
	kind       Kind
	version    string
	id         string
	statements []Statement
	compiled   cpolicy
}

// Document returns the original JSON text, byte for byte.
func (p *Policy) Document() string { return p.doc }

// Kind returns the grammar the policy was validated against.
func (p *Policy) Kind() Kind { return p.kind }

// Version returns the Version element, or "" when absent.
func (p *Policy) Version() string { return p.version }

// ID returns the Id element, or "" when absent.
func (p *Policy) ID() string { return p.id }

// Statements returns the statements in document order. The slice is shared:
// callers must not modify it.
func (p *Policy) Statements() []Statement { return p.statements }

// Parse validates doc as a policy of the given kind and compiles it for
// evaluation. Errors are *apierr.Error values with code
// MalformedPolicyDocument and AWS's message texts, checked in AWS's order.
func Parse(doc string, kind Kind) (*Policy, error) {
	return ParseWithOptions(doc, kind, Options{})
}

// ParseWithOptions is Parse with operation-specific options.
func ParseWithOptions(doc string, kind Kind, opts Options) (*Policy, error) {
	p, err := validate(doc, kind, opts)
	if err != nil {
		return nil, err
	}
	p.compiled = compile(p)
	return p, nil
}

// ParseManaged parses a customer managed policy document as CreatePolicy
// and CreatePolicyVersion do: the identity grammar, Version 2012-10-17
// required.
func ParseManaged(doc string) (*Policy, error) {
	return ParseWithOptions(doc, Identity, Options{RequireVersion2012: true})
}

// AWSPrincipals returns every value of the AWS key of the Principal and
// NotPrincipal elements, in document order, duplicates removed. Callers
// check that the users and roles they name exist before saving a trust
// policy (see InvalidPrincipal).
func (p *Policy) AWSPrincipals() []string {
	var out []string
	seen := map[string]bool{}
	add := func(ps *PrincipalSet) {
		if ps == nil {
			return
		}
		for _, v := range ps.AWS {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	for i := range p.statements {
		add(p.statements[i].Principal)
		add(p.statements[i].NotPrincipal)
	}
	return out
}

// InvalidPrincipal returns the MalformedPolicyDocument error AWS gives when a
// trust policy names a principal that does not exist or is not allowed,
// e.g. InvalidPrincipal("AWS", "arn:aws:iam::123456789012:role/gone") →
// `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/gone"`.
func InvalidPrincipal(key, value string) *apierr.Error {
	return malformed(`Invalid principal in policy: "` + key + `":"` + value + `"`)
}

func malformed(msg string) *apierr.Error {
	return apierr.MalformedPolicyDocument("%s", msg)
}
