package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// maxRolesPerInstanceProfile is AWS's fixed quota.
const maxRolesPerInstanceProfile = 1

// profileRecord is an instance profile as stored; roles by id.
type profileRecord struct {
	Name    string    `json:"n"`
	ID      string    `json:"id"`
	Path    string    `json:"p"`
	Created time.Time `json:"c"`
	RoleIDs []string  `json:"r,omitempty"`
	Tags    []tag     `json:"t,omitempty"`
}

func noSuchProfile(name string) error {
	return apierr.NoSuchEntity("Instance Profile %s cannot be found.", name)
}

func (s *Service) getProfile(ctx context.Context, name string) (*profileRecord, int64, error) {
	return getNamed[profileRecord](ctx, s, schema.InstanceProfile(s.account, name), func() error { return noSuchProfile(name) })
}

func (s *Service) wireProfile(ctx context.Context, p *profileRecord, withTags bool) (iamwire.InstanceProfile, error) {
	out := iamwire.InstanceProfile{
		Path: p.Path, InstanceProfileName: p.Name, InstanceProfileId: p.ID,
		Arn:        "arn:aws:iam::" + s.account + ":instance-profile" + p.Path + p.Name,
		CreateDate: p.Created, Roles: []iamwire.Role{},
	}
	for _, id := range p.RoleIDs {
		r, err := s.roleByID(ctx, id)
		if err != nil {
			return out, err
		}
		if r != nil {
			out.Roles = append(out.Roles, s.basicRole(r))
		}
	}
	if withTags && len(p.Tags) > 0 {
		out.Tags = wireTags(p.Tags)
	}
	return out, nil
}

// updateProfile applies f to a stored instance profile.
func (s *Service) updateProfile(ctx context.Context, name string, f func(p *profileRecord) ([]store.Cond, []store.Op, error)) error {
	return s.retry(ctx, func() error {
		p, rev, err := s.getProfile(ctx, name)
		if err != nil {
			return err
		}
		conds, ops, err := f(p)
		if err != nil {
			return err
		}
		key := schema.InstanceProfile(s.account, p.Name)
		_, err = s.st.Apply(ctx, append(conds, store.Cond{Key: key, ModRevision: rev}), append(ops, store.Op{Key: key, Value: mustJSON(p)}))
		return err
	})
}

// CreateInstanceProfile creates an instance profile.
func (s *Service) CreateInstanceProfile(ctx context.Context, in *iamwire.CreateInstanceProfileInput) (*iamwire.CreateInstanceProfileOutput, error) {
	tags, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	id, err := s.newUniqueID("AIPA")
	if err != nil {
		return nil, err
	}
	p := &profileRecord{Name: in.InstanceProfileName, ID: id, Path: deref(in.Path, "/"), Created: s.now().UTC().Truncate(time.Second), Tags: tags}
	key := schema.InstanceProfile(s.account, p.Name)
	if err := s.applyCreate(ctx, kindInstanceProfile, []store.Cond{{Key: key}}, []store.Op{{Key: key, Value: mustJSON(p)}}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, apierr.EntityAlreadyExists("Instance Profile %s already exists.", in.InstanceProfileName)
		}
		return nil, err
	}
	out, err := s.wireProfile(ctx, p, true)
	return &iamwire.CreateInstanceProfileOutput{InstanceProfile: out}, err
}

// GetInstanceProfile describes an instance profile and its role.
func (s *Service) GetInstanceProfile(ctx context.Context, in *iamwire.GetInstanceProfileInput) (*iamwire.GetInstanceProfileOutput, error) {
	p, _, err := s.getProfile(ctx, in.InstanceProfileName)
	if err != nil {
		return nil, err
	}
	out, err := s.wireProfile(ctx, p, true)
	if out.Tags == nil {
		out.Tags = []iamwire.Tag{} // GetInstanceProfile always has Tags
	}
	return &iamwire.GetInstanceProfileOutput{InstanceProfile: out}, err
}

// DeleteInstanceProfile deletes an instance profile without roles.
func (s *Service) DeleteInstanceProfile(ctx context.Context, in *iamwire.DeleteInstanceProfileInput) (*iamwire.DeleteInstanceProfileOutput, error) {
	err := s.retry(ctx, func() error {
		p, rev, err := s.getProfile(ctx, in.InstanceProfileName)
		if err != nil {
			return err
		}
		if len(p.RoleIDs) > 0 {
			return apierr.DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
		}
		key := schema.InstanceProfile(s.account, p.Name)
		return s.applyRemoval(ctx, kindInstanceProfile, []store.Cond{{Key: key, ModRevision: rev}}, []store.Op{{Key: key, Delete: true}})
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteInstanceProfileOutput{}, nil
}

// ListInstanceProfiles lists instance profiles by path prefix.
func (s *Service) ListInstanceProfiles(ctx context.Context, in *iamwire.ListInstanceProfilesInput) (*iamwire.ListInstanceProfilesOutput, error) {
	prefix := deref(in.PathPrefix, "/")
	items, page, err := scanPage(ctx, s.st, schema.InstanceProfilePrefix(s.account), in.Marker, in.MaxItems, func(kv store.KV) (iamwire.InstanceProfile, bool, error) {
		var p profileRecord
		if err := decodeJSON(kv, &p); err != nil || !strings.HasPrefix(p.Path, prefix) {
			return iamwire.InstanceProfile{}, false, err
		}
		out, err := s.wireProfile(ctx, &p, false)
		return out, err == nil, err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.ListInstanceProfilesOutput{InstanceProfiles: items, IsTruncated: ptr(page.truncated), Marker: page.marker}, nil
}

// AddRoleToInstanceProfile puts a role in an instance profile (one at most).
func (s *Service) AddRoleToInstanceProfile(ctx context.Context, in *iamwire.AddRoleToInstanceProfileInput) (*iamwire.AddRoleToInstanceProfileOutput, error) {
	err := s.updateProfile(ctx, in.InstanceProfileName, func(p *profileRecord) ([]store.Cond, []store.Op, error) {
		r, rrev, err := s.getRole(ctx, in.RoleName)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range p.RoleIDs {
			if id == r.ID {
				return nil, nil, apierr.EntityAlreadyExists("Role %s is already associated with instance profile %s.", r.Name, p.Name)
			}
		}
		if len(p.RoleIDs) >= maxRolesPerInstanceProfile {
			return nil, nil, apierr.LimitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d", maxRolesPerInstanceProfile)
		}
		p.RoleIDs = append(p.RoleIDs, r.ID)
		return []store.Cond{{Key: schema.Role(s.account, r.Name), ModRevision: rrev}},
			[]store.Op{{Key: schema.RoleInstanceProfile(s.account, r.ID, p.Name), Value: []byte(p.Name)}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.AddRoleToInstanceProfileOutput{}, nil
}

// RemoveRoleFromInstanceProfile takes a role out of an instance profile.
func (s *Service) RemoveRoleFromInstanceProfile(ctx context.Context, in *iamwire.RemoveRoleFromInstanceProfileInput) (*iamwire.RemoveRoleFromInstanceProfileOutput, error) {
	err := s.updateProfile(ctx, in.InstanceProfileName, func(p *profileRecord) ([]store.Cond, []store.Op, error) {
		r, _, err := s.getRole(ctx, in.RoleName)
		if err != nil {
			return nil, nil, err
		}
		for i, id := range p.RoleIDs {
			if id == r.ID {
				p.RoleIDs = append(p.RoleIDs[:i], p.RoleIDs[i+1:]...)
				return nil, []store.Op{{Key: schema.RoleInstanceProfile(s.account, r.ID, p.Name), Delete: true}}, nil
			}
		}
		return nil, nil, apierr.NoSuchEntity("Role %s in Instance Profile %s cannot be found.", r.Name, p.Name)
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.RemoveRoleFromInstanceProfileOutput{}, nil
}

// ListInstanceProfilesForRole lists the instance profiles holding a role.
func (s *Service) ListInstanceProfilesForRole(ctx context.Context, in *iamwire.ListInstanceProfilesForRoleInput) (*iamwire.ListInstanceProfilesForRoleOutput, error) {
	r, _, err := s.getRole(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	all, err := s.roleProfiles(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	items, truncated, marker, err := pageSlice(all, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListInstanceProfilesForRoleOutput{InstanceProfiles: items, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// TagInstanceProfile adds or overwrites tags on an instance profile.
func (s *Service) TagInstanceProfile(ctx context.Context, in *iamwire.TagInstanceProfileInput) (*iamwire.TagInstanceProfileOutput, error) {
	add, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	err = s.updateProfile(ctx, in.InstanceProfileName, func(p *profileRecord) ([]store.Cond, []store.Op, error) {
		merged, err := mergeTags(p.Tags, add)
		p.Tags = merged
		return nil, nil, err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.TagInstanceProfileOutput{}, nil
}

// UntagInstanceProfile removes tags from an instance profile.
func (s *Service) UntagInstanceProfile(ctx context.Context, in *iamwire.UntagInstanceProfileInput) (*iamwire.UntagInstanceProfileOutput, error) {
	err := s.updateProfile(ctx, in.InstanceProfileName, func(p *profileRecord) ([]store.Cond, []store.Op, error) {
		p.Tags = removeTags(p.Tags, in.TagKeys)
		return nil, nil, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UntagInstanceProfileOutput{}, nil
}

// ListInstanceProfileTags lists an instance profile's tags.
func (s *Service) ListInstanceProfileTags(ctx context.Context, in *iamwire.ListInstanceProfileTagsInput) (*iamwire.ListInstanceProfileTagsOutput, error) {
	p, _, err := s.getProfile(ctx, in.InstanceProfileName)
	if err != nil {
		return nil, err
	}
	tags, truncated, marker, err := pageSlice(wireTags(p.Tags), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListInstanceProfileTagsOutput{Tags: tags, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// roleProfiles are the instance profiles a role is in, with their roles.
func (s *Service) roleProfiles(ctx context.Context, roleID string) ([]iamwire.InstanceProfile, error) {
	kvs, _, err := s.st.Range(ctx, schema.OwnedPrefix(s.account, "role-instance-profile", roleID), "", 0)
	if err != nil {
		return nil, err
	}
	all := []iamwire.InstanceProfile{}
	for _, kv := range kvs {
		p, _, err := s.getProfile(ctx, string(kv.Value))
		if err != nil {
			if _, ok := apierr.As(err); ok {
				continue // deleted meanwhile
			}
			return nil, err
		}
		wp, err := s.wireProfile(ctx, p, false)
		if err != nil {
			return nil, err
		}
		all = append(all, wp)
	}
	return all, nil
}
