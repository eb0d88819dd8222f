package policy

import "strings"

// PrincipalType is the kind of caller a request comes from, for matching
// the Principal element of resource-based (e.g. trust) policies.
type PrincipalType uint8

// Principal types.
const (
	// PrincipalAnonymous is an unauthenticated caller; only "*" matches it.
	PrincipalAnonymous PrincipalType = iota
	// PrincipalAccount is the account root user.
	PrincipalAccount
	// PrincipalUser is an IAM user using long-term credentials.
	PrincipalUser
	// PrincipalAssumedRole is a role session (AssumeRole*).
	PrincipalAssumedRole
	// PrincipalFederatedUser is a GetFederationToken session.
	PrincipalFederatedUser
	// PrincipalService is an AWS service (Service principal).
	PrincipalService
	// PrincipalWebIdentity is a SAML or web-identity (OIDC) caller of
	// AssumeRoleWithSAML/AssumeRoleWithWebIdentity (Federated principal).
	PrincipalWebIdentity
)

// Caller describes who makes a request, as far as Principal matching needs.
type Caller struct {
	// Type is the kind of caller.
	Type PrincipalType
	// Account is the caller's 12-digit account ID.
	Account string
	// ARN is the caller's own ARN: the root ARN, the user ARN, the
	// assumed-role session ARN (arn:aws:sts::…:assumed-role/r/s) or the
	// federated-user ARN (arn:aws:sts::…:federated-user/n).
	ARN string
	// ID is the unique ID of the IAM user (AIDA…), or of the role (AROA…)
	// for a role session; stored trust policies may name principals by ID.
	ID string
	// RoleARN is the role's ARN (with path) for a role session.
	RoleARN string
	// ParentUserARN is the IAM user who called GetFederationToken, for a
	// federated-user session.
	ParentUserARN string
	// Service is the service principal name, e.g. "ec2.amazonaws.com".
	Service string
	// Federated is the identity provider: a SAML/OIDC provider ARN or a
	// name such as "cognito-identity.amazonaws.com".
	Federated string
}

// grant says how strongly a resource-based policy's Allow names the caller,
// which decides what else must allow (same-account rules).
type grant uint8

const (
	grantNone grant = iota
	// grantAccount: the account (or no specific principal) is named; an
	// identity-based allow is still required.
	grantAccount
	// grantLimited: the role (for a role session) or the parent user (for
	// a federated user) is named; permissions boundary and session
	// policies still limit it, identity policies do not.
	grantLimited
	// grantFull: the caller itself (user, role session, federated user,
	// service, web identity, or everyone) is named; no implicit deny
	// elsewhere limits it.
	grantFull
)

// cprincipal is a compiled Principal/NotPrincipal element.
type cprincipal struct {
	all       bool
	accounts  []string // account IDs named by "123456789012" or the root ARN
	aws       []string // other AWS values: ARNs and unique IDs
	service   []string
	federated []string
}

func compilePrincipal(ps *PrincipalSet) *cprincipal {
	if ps == nil {
		return nil
	}
	cp := &cprincipal{all: ps.All, service: ps.Service, federated: ps.Federated}
	for _, a := range ps.AWS {
		switch {
		case a == "*":
			cp.all = true
		case isAccountID(a):
			cp.accounts = append(cp.accounts, a)
		case strings.HasPrefix(a, "arn:aws:iam::") && strings.HasSuffix(a, ":root") && isAccountID(a[len("arn:aws:iam::"):len(a)-len(":root")]):
			cp.accounts = append(cp.accounts, a[len("arn:aws:iam::"):len(a)-len(":root")])
		default:
			cp.aws = append(cp.aws, a)
		}
	}
	return cp
}

func isIAMPrincipal(t PrincipalType) bool {
	return t == PrincipalAccount || t == PrincipalUser || t == PrincipalAssumedRole || t == PrincipalFederatedUser
}

// match returns how the element names c (grantNone when it does not).
func (p *cprincipal) match(c *Caller) grant {
	if p.all {
		return grantFull
	}
	if c == nil {
		return grantNone
	}
	best := grantNone
	switch c.Type {
	case PrincipalService:
		for _, s := range p.service {
			if strings.EqualFold(s, c.Service) {
				return grantFull
			}
		}
		return grantNone
	case PrincipalWebIdentity:
		for _, f := range p.federated {
			if f == c.Federated {
				return grantFull
			}
		}
		return grantNone
	case PrincipalAnonymous:
		return grantNone
	}
	for _, a := range p.aws {
		switch {
		case a == c.ARN && c.Type != PrincipalAccount:
			return grantFull
		case c.Type == PrincipalAssumedRole && a == c.RoleARN:
			best = grantLimited
		case c.Type == PrincipalFederatedUser && a == c.ParentUserARN:
			best = grantLimited
		case c.ID != "" && a == c.ID:
			if c.Type == PrincipalUser {
				return grantFull
			}
			best = grantLimited
		}
	}
	if best == grantNone && isIAMPrincipal(c.Type) {
		for _, acct := range p.accounts {
			if acct == c.Account {
				return grantAccount
			}
		}
	}
	return best
}
