// Package auth decides who is calling: it verifies the SigV4 signature of a
// request (package sigv4) and resolves the access key to a principal
// through injected resolvers (root credentials, IAM user keys, STS sessions).
package auth

import (
	"context"
	"time"
)

// Kind is the kind of principal behind a request.
type Kind int

// Principal kinds.
const (
	Root Kind = iota + 1
	User
	AssumedRole
	FederatedUser
)

// String names the kind as aws:PrincipalType does.
func (k Kind) String() string {
	switch k {
	case Root:
		return "Account"
	case User:
		return "User"
	case AssumedRole:
		return "AssumedRole"
	case FederatedUser:
		return "FederatedUser"
	}
	return "Unknown"
}

// Principal is an authenticated caller.
type Principal struct {
	Kind        Kind
	AccountID   string
	ARN         string // arn:aws:iam::123456789012:root, ...:user/path/name, arn:aws:sts::...:assumed-role/r/s
	UserID      string // account id for root, AIDA... for users, AROA...:session for roles
	Name        string // user name, role name; "" for root
	AccessKeyID string
	// SessionToken is set for temporary credentials.
	SessionToken string
	// For temporary credentials: when the token was issued, and whether
	// (and when) MFA was used to obtain it.
	TokenIssued time.Time
	MFA         bool
	MFAAuthTime time.Time
	// For role sessions: the role's ARN (aws:PrincipalArn), the session
	// policies that narrow it (nil: none were given), and session tags.
	RoleARN         string
	SessionPolicies []string
	SessionTags     map[string]string
	// Tags are an IAM user's tags (aws:PrincipalTag), when the resolver
	// read them with the key; nil means not known.
	Tags map[string]string
	// TransitiveTagKeys are the session tags that carry over when the
	// session assumes another role.
	TransitiveTagKeys []string
	// SourceIdentity is the source identity a role session was given
	// (aws:SourceIdentity); it persists through role chaining.
	SourceIdentity string
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
