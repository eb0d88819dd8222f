package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// userRecord is a user as stored.
type userRecord struct {
	Name             string     `json:"n"`
	ID               string     `json:"id"`
	Path             string     `json:"p"`
	Created          time.Time  `json:"c"`
	Tags             []tag      `json:"t,omitempty"`
	Boundary         string     `json:"b,omitempty"`
	PasswordLastUsed *time.Time `json:"plu,omitempty"`
}

func (s *Service) userARN(path, name string) string {
	return "arn:aws:iam::" + s.account + ":user" + path + name
}

// wireUser is the full form GetUser and CreateUser return.
func (s *Service) wireUser(u *userRecord) *iamwire.User {
	out := &iamwire.User{
		Path:             u.Path,
		UserName:         u.Name,
		UserId:           u.ID,
		Arn:              s.userARN(u.Path, u.Name),
		CreateDate:       u.Created,
		PasswordLastUsed: u.PasswordLastUsed,
	}
	if u.Boundary != "" {
		out.PermissionsBoundary = &iamwire.AttachedPermissionsBoundary{
			PermissionsBoundaryType: ptr("Policy"),
			PermissionsBoundaryArn:  ptr(u.Boundary),
		}
	}
	if len(u.Tags) > 0 {
		out.Tags = wireTags(u.Tags)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func noSuchUser(name string) error {
	return apierr.NoSuchEntity("The user with name %s cannot be found.", name)
}

// getUser reads a user by name (any case).
func (s *Service) getUser(ctx context.Context, name string) (*userRecord, int64, error) {
	return getNamed[userRecord](ctx, s, schema.User(s.account, name), func() error { return noSuchUser(name) })
}

// viewUser reads a user for reading only.
func (s *Service) viewUser(ctx context.Context, name string) (*userRecord, error) {
	return viewNamed[userRecord](ctx, s, schema.User(s.account, name), func() error { return noSuchUser(name) })
}

// CreateUser creates a user.
func (s *Service) CreateUser(ctx context.Context, in *iamwire.CreateUserInput) (*iamwire.CreateUserOutput, error) {
	if err := checkPath(in.Path); err != nil {
		return nil, err
	}
	path := deref(in.Path, "/")
	tags, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	id, err := s.newUniqueID("AIDA")
	if err != nil {
		return nil, err
	}
	var boundaryOps []store.Op
	if in.PermissionsBoundary != nil {
		if boundaryOps, err = s.boundaryOps(ctx, "user", id, "", *in.PermissionsBoundary); err != nil {
			return nil, err
		}
	}
	u := &userRecord{
		Name:     in.UserName,
		ID:       id,
		Path:     path,
		Created:  s.now().UTC().Truncate(time.Second),
		Tags:     tags,
		Boundary: deref(in.PermissionsBoundary, ""),
	}
	err = s.applyCreate(ctx, kindUser,
		[]store.Cond{{Key: schema.User(s.account, u.Name)}, {Key: schema.UserID(s.account, id)}},
		append([]store.Op{
			{Key: schema.User(s.account, u.Name), Value: mustJSON(u)},
			{Key: schema.UserID(s.account, id), Value: []byte(schema.Lower(u.Name))},
		}, boundaryOps...))
	if err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, apierr.EntityAlreadyExists("User with name %s already exists.", in.UserName)
		}
		return nil, err
	}
	return &iamwire.CreateUserOutput{User: s.wireUser(u)}, nil
}

// GetUser describes a user; without UserName, the calling user.
func (s *Service) GetUser(ctx context.Context, in *iamwire.GetUserInput) (*iamwire.GetUserOutput, error) {
	name := deref(in.UserName, "")
	if name == "" {
		p := auth.PrincipalFrom(ctx)
		switch {
		case p == nil:
			return nil, apierr.ValidationError("Must specify userName when calling with non-User credentials")
		case p.Kind == auth.Root:
			created, err := s.accountCreated(ctx)
			if err != nil {
				return nil, err
			}
			return &iamwire.GetUserOutput{User: iamwire.User{
				UserId:     s.account,
				Arn:        "arn:aws:iam::" + s.account + ":root",
				CreateDate: created,
			}}, nil
		case p.Kind == auth.User:
			name = p.Name
		default:
			return nil, apierr.ValidationError("Must specify userName when calling with non-User credentials")
		}
	}
	u, err := s.viewUser(ctx, name)
	if err != nil {
		return nil, err
	}
	return &iamwire.GetUserOutput{User: *s.wireUser(u)}, nil
}

// accountCreated is when the account was set up (stored at first start).
func (s *Service) accountCreated(ctx context.Context) (time.Time, error) {
	kv, err := s.st.Get(ctx, schema.AccountCreated)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return time.Unix(0, 0).UTC(), nil
		}
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339, string(kv.Value))
}

// UpdateUser renames and/or moves a user. Links are keyed by the user's id,
// so memberships, keys and attachments follow the rename.
func (s *Service) UpdateUser(ctx context.Context, in *iamwire.UpdateUserInput) (*iamwire.UpdateUserOutput, error) {
	err := s.retry(ctx, func() error {
		u, rev, err := s.getUser(ctx, in.UserName)
		if err != nil {
			return err
		}
		newName := deref(in.NewUserName, u.Name)
		r := rename{
			oldKey: schema.User(s.account, u.Name), rev: rev,
			newKey: schema.User(s.account, newName), idKey: schema.UserID(s.account, u.ID), newName: newName,
			taken: func() error { return apierr.EntityAlreadyExists("User with name %s already exists.", newName) },
		}
		u.Name = newName
		u.Path = deref(in.NewPath, u.Path)
		return s.rewriteNamed(ctx, r, u)
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UpdateUserOutput{}, nil
}

// DeleteUser deletes a user that owns nothing.
func (s *Service) DeleteUser(ctx context.Context, in *iamwire.DeleteUserInput) (*iamwire.DeleteUserOutput, error) {
	err := s.retry(ctx, func() error {
		u, rev, err := s.getUser(ctx, in.UserName)
		if err != nil {
			return err
		}
		if err := s.checkOwned(ctx, schema.UserOwned(), u.ID); err != nil {
			return err
		}
		ops := []store.Op{
			{Key: schema.User(s.account, u.Name), Delete: true},
			{Key: schema.UserID(s.account, u.ID), Delete: true},
		}
		if u.Boundary != "" {
			bops, err := s.boundaryOps(ctx, "user", u.ID, u.Boundary, "")
			if err != nil {
				return err
			}
			ops = append(ops, bops...)
		}
		return s.applyRemoval(ctx, kindUser, []store.Cond{{Key: schema.User(s.account, u.Name), ModRevision: rev}}, ops)
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteUserOutput{}, nil
}

// ListUsers lists users in name order (case-insensitive), filtered by path
// prefix, a page at a time. List items leave out tags and the boundary, as
// AWS does.
func (s *Service) ListUsers(ctx context.Context, in *iamwire.ListUsersInput) (*iamwire.ListUsersOutput, error) {
	prefix := deref(in.PathPrefix, "/")
	users, page, err := scanPage(ctx, s.st, schema.UserPrefix(s.account), in.Marker, in.MaxItems, func(kv store.KV) (iamwire.User, bool, error) {
		u, err := decodeView[userRecord](s, kv)
		if err != nil || !strings.HasPrefix(u.Path, prefix) {
			return iamwire.User{}, false, err
		}
		return iamwire.User{
			Path:             u.Path,
			UserName:         u.Name,
			UserId:           u.ID,
			Arn:              s.userARN(u.Path, u.Name),
			CreateDate:       u.Created,
			PasswordLastUsed: u.PasswordLastUsed,
		}, true, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.ListUsersOutput{Users: users, IsTruncated: ptr(page.truncated), Marker: page.marker}, nil
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
