package iam

import (
	"context"
	"strings"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/policy"
)

// checkManagedDocument validates a managed policy document: the identity
// policy grammar, version 2012-10-17, and the 6,144-character quota.
func (s *Service) checkManagedDocument(doc string) error {
	if _, err := policy.ParseManaged(doc); err != nil {
		return err
	}
	return policy.CheckManagedSize(doc)
}

// checkInlineDocument validates an inline policy document.
func (s *Service) checkInlineDocument(doc string) error {
	_, err := policy.Parse(doc, policy.Identity)
	return err
}

// checkTrustDocument validates a role trust policy. Like AWS, it refuses
// principals naming users or roles of this account that do not exist.
func (s *Service) checkTrustDocument(ctx context.Context, doc string) error {
	p, err := policy.Parse(doc, policy.Trust)
	if err != nil {
		return err
	}
	if err := policy.CheckTrustSize(doc, policy.TrustPolicySizeQuota); err != nil {
		return err
	}
	for _, arn := range p.AWSPrincipals() {
		ok, err := s.principalExists(ctx, arn)
		if err != nil {
			return err
		}
		if !ok {
			return policy.InvalidPrincipal("AWS", arn)
		}
	}
	return nil
}

// principalExists tells whether an AWS principal named in a trust policy
// exists: account ids and root ARNs always do (any account); user and role
// ARNs of this account must name an existing user or role.
func (s *Service) principalExists(ctx context.Context, arn string) (bool, error) {
	prefix := "arn:aws:iam::" + s.account + ":"
	if !strings.HasPrefix(arn, prefix) {
		return true, nil
	}
	rest := strings.TrimPrefix(arn, prefix)
	kind, path, ok := strings.Cut(rest, "/")
	if !ok {
		return true, nil
	}
	name := path[strings.LastIndexByte(path, '/')+1:]
	var err error
	switch kind {
	case "user":
		_, _, err = s.getUser(ctx, name)
	case "role":
		_, _, err = s.getRole(ctx, name)
	default:
		return true, nil
	}
	if err != nil {
		if _, ok := apierr.As(err); ok {
			return false, nil
		}
		return false, err
	}
	return true, nil
}
