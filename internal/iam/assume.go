package iam

import (
	"context"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/policy"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/sts"
)

// caller describes a principal for Principal matching in trust policies.
func caller(p *auth.Principal) *policy.Caller {
	c := &policy.Caller{Account: p.AccountID, ARN: p.ARN, ID: p.UserID}
	switch p.Kind {
	case auth.Root:
		c.Type = policy.PrincipalAccount
	case auth.User:
		c.Type = policy.PrincipalUser
	case auth.AssumedRole:
		c.Type = policy.PrincipalAssumedRole
		c.RoleARN = p.RoleARN
		c.ID, _, _ = strings.Cut(p.UserID, ":")
	case auth.FederatedUser:
		c.Type = policy.PrincipalFederatedUser
	}
	return c
}

// AuthorizeAssumeRole decides an sts:AssumeRole call: the role's trust
// policy must allow the caller, and unless it names the caller itself the
// caller's identity policies (and boundary, session policies) must allow
// sts:AssumeRole on the role too. A session that gets session tags (passed
// or inherited as transitive tags) needs sts:TagSession, and one that gets
// a source identity (passed or persisting through role chaining) needs
// sts:SetSourceIdentity, each decided by the same rules. It implements
// sts.Roles.
func (s *Service) AuthorizeAssumeRole(ctx context.Context, p *auth.Principal, req *sts.AssumeRequest) (*sts.AssumedRole, error) {
	const action = "sts:AssumeRole"
	// STS words its denials without the reason IAM appends.
	deniedFor := func(action string) error {
		return apierr.AccessDenied("User: %s is not authorized to perform: %s on resource: %s", p.ARN, action, req.RoleARN)
	}
	m := roleARNParts.FindStringSubmatch(req.RoleARN)
	if m == nil {
		return nil, apierr.ValidationError("%s is invalid", req.RoleARN)
	}
	if m[1] != s.account {
		return nil, deniedFor(action)
	}
	r, _, err := s.getRole(ctx, m[3])
	if err != nil || r.Path != m[2] || r.Name != m[3] {
		if err == nil || isNoSuch(err) {
			return nil, deniedFor(action)
		}
		return nil, err
	}
	trust, err := s.compiled(r.Trust, policy.Trust)
	if err != nil {
		return nil, err
	}
	shared, err := s.policySet(ctx, p)
	if err != nil {
		return nil, err
	}
	set := *shared // the cached set is shared: add the trust policy to a copy
	set.Resource = &policy.NamedPolicy{ID: "trust-policy", Type: "resource", Policy: trust}
	set.ResourceRequired = true
	_, rc, err := s.requestContext(ctx, p, nil, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range req.Context {
		rc.set(k, v...)
	}
	for _, t := range r.Tags {
		rc.set("iam:ResourceTag/"+t.Key, t.Value)
		rc.set("aws:ResourceTag/"+t.Key, t.Value)
	}
	pr := &policy.Request{Action: action, Resource: req.RoleARN, Context: rc, Principal: caller(p), ResourceAccount: s.account}
	if res := policy.Evaluate(pr, &set); res.Decision != policy.Allow {
		return nil, deniedFor(action)
	}
	// The permissions-only actions, in the same context.
	for _, extra := range [...]struct {
		needed bool
		action string
	}{
		{req.TagSession, "sts:TagSession"},
		{req.SetSourceIdentity, "sts:SetSourceIdentity"},
	} {
		if !extra.needed {
			continue
		}
		pr.Action = extra.action
		if res := policy.Evaluate(pr, &set); res.Decision != policy.Allow {
			return nil, deniedFor(extra.action)
		}
	}
	return &sts.AssumedRole{ID: r.ID, Name: r.Name, ARN: s.roleARN(r.Path, r.Name), MaxSessionDuration: time.Duration(r.MaxSessionDuration) * time.Second}, nil
}

func isNoSuch(err error) bool {
	ae, ok := apierr.As(err)
	return ok && ae.Code == "NoSuchEntity"
}

// ManagedPolicyDocument returns the default document of a managed policy
// named as a session policy. It implements sts.Roles.
func (s *Service) ManagedPolicyDocument(ctx context.Context, arn string) (string, error) {
	m, err := s.findPolicy(ctx, arn, notAttachable(arn))
	if err != nil {
		return "", err
	}
	return m.defaultDoc(), nil
}

// ValidateSessionPolicy checks an inline session policy. It implements
// sts.Roles.
func (s *Service) ValidateSessionPolicy(doc string) error {
	_, err := policy.Parse(doc, policy.Session)
	return err
}

// SessionPolicySize is the packed size of a session policy. It implements
// sts.Roles.
func (s *Service) SessionPolicySize(doc string) int { return policy.SizeWithoutWhitespace(doc) }

// RoleUsed records that a role was assumed (GetRole's RoleLastUsed), at
// most once a minute per role. It implements sts.Roles.
func (s *Service) RoleUsed(ctx context.Context, roleID, region string) error {
	r, err := s.roleByID(ctx, roleID)
	if err != nil || r == nil {
		return err
	}
	now := s.now().UTC()
	if r.LastUsed != nil && now.Sub(r.LastUsed.Date) < lastUseGranularity && r.LastUsed.Region == region {
		return nil
	}
	err = s.updateRole(ctx, r.Name, func(r *roleRecord) ([]store.Op, error) {
		r.LastUsed = &lastUse{Date: now.Truncate(time.Second), Region: region}
		return nil, nil
	})
	return err
}
