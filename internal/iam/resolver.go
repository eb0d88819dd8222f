package iam

import (
	"context"
	"strings"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
)

// Resolve implements auth.Resolver for IAM users' long-term access keys
// (AKIA…). Inactive keys, and keys of deleted users, are refused with
// InvalidClientTokenId.
func (s *Service) Resolve(ctx context.Context, akid, token string) (*auth.Principal, string, error) {
	if token != "" || !strings.HasPrefix(akid, "AKIA") {
		return nil, "", nil
	}
	rev, err := s.st.Revision(ctx)
	if err != nil {
		return nil, "", err
	}
	if hit, ok := s.keys.get(rev, akid); ok {
		p := hit.principal
		return &p, hit.secret, nil
	}
	p, secret, err := s.resolve(ctx, akid)
	if err == nil && p != nil {
		s.keys.put(rev, akid, &resolvedKey{principal: *p, secret: secret})
	}
	return p, secret, err
}

// resolve reads an access key and its user from the store.
func (s *Service) resolve(ctx context.Context, akid string) (*auth.Principal, string, error) {
	o, err := s.ownerOf(ctx, akid)
	if err != nil || o == nil {
		return nil, "", err
	}
	invalid := apierr.InvalidClientTokenID("The security token included in the request is invalid.")
	u, err := s.keyUser(ctx, o)
	if err != nil {
		return nil, "", err
	}
	if u == nil {
		return nil, "", invalid
	}
	k, _, err := s.findKey(ctx, u, akid)
	if err != nil {
		if _, ok := apierr.As(err); ok {
			return nil, "", invalid
		}
		return nil, "", err
	}
	if k.Status != "Active" {
		return nil, "", invalid
	}
	secret, err := s.sealer.Open(k.Sealed, []byte(k.ID))
	if err != nil {
		return nil, "", err
	}
	if u.Name == "" { // one of root's stored keys
		return &auth.Principal{Kind: auth.Root, AccountID: s.account, ARN: "arn:aws:iam::" + s.account + ":root", UserID: s.account, AccessKeyID: akid}, string(secret), nil
	}
	tags := make(map[string]string, len(u.Tags))
	for _, t := range u.Tags {
		tags[t.Key] = t.Value
	}
	return &auth.Principal{
		Kind:        auth.User,
		AccountID:   s.account,
		ARN:         s.userARN(u.Path, u.Name),
		UserID:      u.ID,
		Name:        u.Name,
		AccessKeyID: akid,
		Tags:        tags,
	}, string(secret), nil
}

// Authenticated records the use of an IAM user's access key after its
// signature was verified (for GetAccessKeyLastUsed).
func (s *Service) Authenticated(ctx context.Context, p *auth.Principal, service, region string) error {
	if p == nil || p.SessionToken != "" || (p.Kind != auth.User && p.Kind != auth.Root) || p.AccessKeyID == s.rootKey {
		return nil
	}
	now := s.now()
	if s.keys.recentlyUsed(p.AccessKeyID, service, region, now) {
		return nil
	}
	u, err := s.keyUser(ctx, &keyOwner{Account: s.account, UserID: p.UserID})
	if err != nil || u == nil {
		return err
	}
	if err := s.recordUse(ctx, u, p.AccessKeyID, service, region); err != nil {
		return err
	}
	s.keys.used(p.AccessKeyID, service, region, now)
	return nil
}

// Exists tells whether a user (by unique id) still exists; sessions whose
// identity is gone stop working.
func (s *Service) Exists(ctx context.Context, uniqueID string) (bool, error) {
	if strings.HasPrefix(uniqueID, "AROA") {
		r, err := s.roleByID(ctx, uniqueID)
		return r != nil, err
	}
	u, err := s.userByID(ctx, uniqueID)
	return u != nil, err
}

// KeyAccount returns the account owning a long-term access key of an IAM
// user, or "".
func (s *Service) KeyAccount(ctx context.Context, akid string) (string, error) {
	o, err := s.ownerOf(ctx, akid)
	if err != nil || o == nil {
		return "", err
	}
	return o.Account, nil
}
