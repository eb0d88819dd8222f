package iam

import (
	"context"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// boundaryOps validates a new permissions boundary (it must name an
// existing managed policy) and returns the store ops that move the
// entity's boundary usage link from oldARN to newARN ("" for none).
func (s *Service) boundaryOps(ctx context.Context, kind, entityID, oldARN, newARN string) ([]store.Op, error) {
	var ops []store.Op
	if oldARN != "" {
		// The old policy may be gone already; its link is removed anyway.
		if m, err := s.findPolicy(ctx, oldARN, notAttachable(oldARN)); err == nil {
			ops = append(ops, store.Op{Key: schema.PolicyBoundary(s.account, m.id(), kind, entityID), Delete: true})
		}
	}
	if newARN != "" {
		notFound := notAttachable(newARN)
		if kind == "role" {
			// Recorded for CreateRole and PutRolePermissionsBoundary; the
			// user operations' wording is not on record.
			notFound = func() error {
				return apierr.NoSuchEntity("Scope ARN: %s does not exist or is not attachable.", newARN)
			}
		}
		m, err := s.findPolicy(ctx, newARN, notFound)
		if err != nil {
			return nil, err
		}
		ops = append(ops, store.Op{Key: schema.PolicyBoundary(s.account, m.id(), kind, entityID), Value: []byte(newARN)})
	}
	return ops, nil
}

// PutUserPermissionsBoundary sets a user's permissions boundary.
func (s *Service) PutUserPermissionsBoundary(ctx context.Context, in *iamwire.PutUserPermissionsBoundaryInput) (*iamwire.PutUserPermissionsBoundaryOutput, error) {
	err := s.updateUserOps(ctx, in.UserName, func(u *userRecord) ([]store.Op, error) {
		ops, err := s.boundaryOps(ctx, "user", u.ID, u.Boundary, in.PermissionsBoundary)
		u.Boundary = in.PermissionsBoundary
		return ops, err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.PutUserPermissionsBoundaryOutput{}, nil
}

// DeleteUserPermissionsBoundary removes a user's permissions boundary.
func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, in *iamwire.DeleteUserPermissionsBoundaryInput) (*iamwire.DeleteUserPermissionsBoundaryOutput, error) {
	err := s.updateUserOps(ctx, in.UserName, func(u *userRecord) ([]store.Op, error) {
		ops, err := s.boundaryOps(ctx, "user", u.ID, u.Boundary, "")
		u.Boundary = ""
		return ops, err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteUserPermissionsBoundaryOutput{}, nil
}
