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

// defaultMaxSessionDuration is a role's MaxSessionDuration unless set.
const defaultMaxSessionDuration = 3600

// roleRecord is a role as stored.
type roleRecord struct {
	Name               string    `json:"n"`
	ID                 string    `json:"id"`
	Path               string    `json:"p"`
	Created            time.Time `json:"c"`
	Trust              string    `json:"tr"`
	Description        string    `json:"d,omitempty"`
	MaxSessionDuration int32     `json:"msd"`
	Boundary           string    `json:"b,omitempty"`
	Tags               []tag     `json:"t,omitempty"`
	LastUsed           *lastUse  `json:"lu,omitempty"`
	// ServiceLinked names the AWS service of a service-linked role.
	ServiceLinked string `json:"sl,omitempty"`
}

func (s *Service) roleARN(path, name string) string {
	return "arn:aws:iam::" + s.account + ":role" + path + name
}

// basicRole is the Role shape AWS embeds in instance profiles (and in
// GetAccountAuthorizationDetails' InstanceProfileList): no description,
// maximum session duration, boundary, tags or last use.
func (s *Service) basicRole(r *roleRecord) iamwire.Role {
	return iamwire.Role{
		Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: s.roleARN(r.Path, r.Name), CreateDate: r.Created,
		AssumeRolePolicyDocument: ptr(r.Trust),
	}
}

// wireRole is the Role shape; list items (full=false) leave out the
// boundary, tags and last use.
func (s *Service) wireRole(r *roleRecord, full bool) iamwire.Role {
	out := iamwire.Role{
		Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: s.roleARN(r.Path, r.Name), CreateDate: r.Created,
		AssumeRolePolicyDocument: ptr(r.Trust), MaxSessionDuration: ptr(r.MaxSessionDuration),
	}
	if r.Description != "" {
		out.Description = ptr(r.Description)
	}
	if !full {
		return out
	}
	if r.Boundary != "" {
		out.PermissionsBoundary = &iamwire.AttachedPermissionsBoundary{PermissionsBoundaryType: ptr("Policy"), PermissionsBoundaryArn: ptr(r.Boundary)}
	}
	if len(r.Tags) > 0 {
		out.Tags = wireTags(r.Tags)
	}
	out.RoleLastUsed = &iamwire.RoleLastUsed{}
	if r.LastUsed != nil {
		out.RoleLastUsed = &iamwire.RoleLastUsed{LastUsedDate: ptr(r.LastUsed.Date), Region: ptr(r.LastUsed.Region)}
	}
	return out
}

func noSuchRole(name string) error {
	return apierr.NoSuchEntity("The role with name %s cannot be found.", name)
}

func (s *Service) getRole(ctx context.Context, name string) (*roleRecord, int64, error) {
	return getNamed[roleRecord](ctx, s, schema.Role(s.account, name), func() error { return noSuchRole(name) })
}

// roleByID reads a role by its unique id (nil if gone).
func (s *Service) roleByID(ctx context.Context, id string) (*roleRecord, error) {
	return byID[roleRecord](ctx, s, schema.RoleID(s.account, id), func(lower string) string { return schema.Role(s.account, lower) })
}

// updateRole applies f to a stored role under optimistic concurrency.
func (s *Service) updateRole(ctx context.Context, name string, f func(r *roleRecord) ([]store.Op, error)) error {
	return s.retry(ctx, func() error {
		r, rev, err := s.getRole(ctx, name)
		if err != nil {
			return err
		}
		extra, err := f(r)
		if err != nil {
			return err
		}
		key := schema.Role(s.account, r.Name)
		_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: rev}}, append([]store.Op{{Key: key, Value: mustJSON(r)}}, extra...))
		return err
	})
}

// CreateRole creates a role with a trust policy.
func (s *Service) CreateRole(ctx context.Context, in *iamwire.CreateRoleInput) (*iamwire.CreateRoleOutput, error) {
	if err := checkPath(in.Path); err != nil {
		return nil, err
	}
	if err := s.checkTrustDocument(ctx, in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	r, err := s.createRole(ctx, in, "")
	if err != nil {
		return nil, err
	}
	// AWS answers CreateRole without the description and maximum session
	// duration it stored; GetRole shows them.
	role := s.basicRole(r)
	if r.Boundary != "" {
		role.PermissionsBoundary = &iamwire.AttachedPermissionsBoundary{PermissionsBoundaryType: ptr("Policy"), PermissionsBoundaryArn: ptr(r.Boundary)}
	}
	if len(r.Tags) > 0 {
		role.Tags = wireTags(r.Tags)
	}
	return &iamwire.CreateRoleOutput{Role: role}, nil
}

func (s *Service) createRole(ctx context.Context, in *iamwire.CreateRoleInput, serviceLinked string) (*roleRecord, error) {
	tags, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	var boundaryOps []store.Op
	id, err := s.newUniqueID("AROA")
	if err != nil {
		return nil, err
	}
	if in.PermissionsBoundary != nil {
		if boundaryOps, err = s.boundaryOps(ctx, "role", id, "", *in.PermissionsBoundary); err != nil {
			return nil, err
		}
	}
	r := &roleRecord{
		Name: in.RoleName, ID: id, Path: deref(in.Path, "/"), Created: s.now().UTC().Truncate(time.Second),
		Trust: in.AssumeRolePolicyDocument, Description: deref(in.Description, ""),
		MaxSessionDuration: deref(in.MaxSessionDuration, defaultMaxSessionDuration),
		Boundary:           deref(in.PermissionsBoundary, ""), Tags: tags, ServiceLinked: serviceLinked,
	}
	key := schema.Role(s.account, r.Name)
	ops := append([]store.Op{{Key: key, Value: mustJSON(r)}, {Key: schema.RoleID(s.account, id), Value: []byte(schema.Lower(r.Name))}}, boundaryOps...)
	if err := s.applyCreate(ctx, kindRole, []store.Cond{{Key: key}, {Key: schema.RoleID(s.account, id)}}, ops); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, apierr.EntityAlreadyExists("Role with name %s already exists.", in.RoleName)
		}
		return nil, err
	}
	return r, nil
}

// GetRole describes a role, with when it was last assumed.
func (s *Service) GetRole(ctx context.Context, in *iamwire.GetRoleInput) (*iamwire.GetRoleOutput, error) {
	r, _, err := s.getRole(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	return &iamwire.GetRoleOutput{Role: s.wireRole(r, true)}, nil
}

// ListRoles lists roles; items leave out the boundary, tags and last use,
// as AWS does.
func (s *Service) ListRoles(ctx context.Context, in *iamwire.ListRolesInput) (*iamwire.ListRolesOutput, error) {
	prefix := deref(in.PathPrefix, "/")
	roles, page, err := scanPage(ctx, s.st, schema.RolePrefix(s.account), in.Marker, in.MaxItems, func(kv store.KV) (iamwire.Role, bool, error) {
		r, err := decodeView[roleRecord](s, kv)
		if err != nil || !strings.HasPrefix(r.Path, prefix) {
			return iamwire.Role{}, false, err
		}
		return s.wireRole(r, false), true, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.ListRolesOutput{Roles: roles, IsTruncated: ptr(page.truncated), Marker: page.marker}, nil
}

func unmodifiable(r *roleRecord) error {
	if r.ServiceLinked != "" {
		return apierr.New("UnmodifiableEntity", 400, "Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", r.Name)
	}
	return nil
}

// UpdateRole changes a role's description and maximum session duration.
func (s *Service) UpdateRole(ctx context.Context, in *iamwire.UpdateRoleInput) (*iamwire.UpdateRoleOutput, error) {
	err := s.updateRole(ctx, in.RoleName, func(r *roleRecord) ([]store.Op, error) {
		if err := unmodifiable(r); err != nil {
			return nil, err
		}
		if in.Description != nil {
			r.Description = *in.Description
		}
		if in.MaxSessionDuration != nil {
			r.MaxSessionDuration = *in.MaxSessionDuration
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UpdateRoleOutput{}, nil
}

// UpdateRoleDescription changes a role's description and returns the role.
func (s *Service) UpdateRoleDescription(ctx context.Context, in *iamwire.UpdateRoleDescriptionInput) (*iamwire.UpdateRoleDescriptionOutput, error) {
	var out *roleRecord
	err := s.updateRole(ctx, in.RoleName, func(r *roleRecord) ([]store.Op, error) {
		if err := unmodifiable(r); err != nil {
			return nil, err
		}
		r.Description = in.Description
		out = r
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	// AWS answers without the maximum session duration and last use.
	role := s.wireRole(out, true)
	role.MaxSessionDuration, role.RoleLastUsed = nil, nil
	return &iamwire.UpdateRoleDescriptionOutput{Role: &role}, nil
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, in *iamwire.UpdateAssumeRolePolicyInput) (*iamwire.UpdateAssumeRolePolicyOutput, error) {
	if err := s.checkTrustDocument(ctx, in.PolicyDocument); err != nil {
		return nil, err
	}
	err := s.updateRole(ctx, in.RoleName, func(r *roleRecord) ([]store.Op, error) {
		if err := unmodifiable(r); err != nil {
			return nil, err
		}
		r.Trust = in.PolicyDocument
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UpdateAssumeRolePolicyOutput{}, nil
}

// DeleteRole deletes a role that owns nothing; its sessions stop working.
func (s *Service) DeleteRole(ctx context.Context, in *iamwire.DeleteRoleInput) (*iamwire.DeleteRoleOutput, error) {
	err := s.retry(ctx, func() error {
		r, rev, err := s.getRole(ctx, in.RoleName)
		if err != nil {
			return err
		}
		if err := unmodifiable(r); err != nil {
			return err
		}
		return s.deleteRoleRecord(ctx, r, rev)
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteRoleOutput{}, nil
}

func (s *Service) deleteRoleRecord(ctx context.Context, r *roleRecord, rev int64) error {
	if err := s.checkOwned(ctx, schema.RoleOwned(), r.ID); err != nil {
		return err
	}
	ops := []store.Op{{Key: schema.Role(s.account, r.Name), Delete: true}, {Key: schema.RoleID(s.account, r.ID), Delete: true}}
	if r.Boundary != "" {
		bops, err := s.boundaryOps(ctx, "role", r.ID, r.Boundary, "")
		if err != nil {
			return err
		}
		ops = append(ops, bops...)
	}
	return s.applyRemoval(ctx, kindRole, []store.Cond{{Key: schema.Role(s.account, r.Name), ModRevision: rev}}, ops)
}

// TagRole adds or overwrites tags on a role.
func (s *Service) TagRole(ctx context.Context, in *iamwire.TagRoleInput) (*iamwire.TagRoleOutput, error) {
	add, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	err = s.updateRole(ctx, in.RoleName, func(r *roleRecord) ([]store.Op, error) {
		merged, err := mergeTags(r.Tags, add)
		r.Tags = merged
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.TagRoleOutput{}, nil
}

// UntagRole removes tags from a role.
func (s *Service) UntagRole(ctx context.Context, in *iamwire.UntagRoleInput) (*iamwire.UntagRoleOutput, error) {
	err := s.updateRole(ctx, in.RoleName, func(r *roleRecord) ([]store.Op, error) {
		r.Tags = removeTags(r.Tags, in.TagKeys)
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UntagRoleOutput{}, nil
}

// ListRoleTags lists a role's tags.
func (s *Service) ListRoleTags(ctx context.Context, in *iamwire.ListRoleTagsInput) (*iamwire.ListRoleTagsOutput, error) {
	r, _, err := s.getRole(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	tags, truncated, marker, err := pageSlice(wireTags(r.Tags), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListRoleTagsOutput{Tags: tags, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// PutRolePermissionsBoundary sets a role's permissions boundary.
func (s *Service) PutRolePermissionsBoundary(ctx context.Context, in *iamwire.PutRolePermissionsBoundaryInput) (*iamwire.PutRolePermissionsBoundaryOutput, error) {
	err := s.updateRole(ctx, in.RoleName, func(r *roleRecord) ([]store.Op, error) {
		if err := unmodifiable(r); err != nil {
			return nil, err
		}
		ops, err := s.boundaryOps(ctx, "role", r.ID, r.Boundary, in.PermissionsBoundary)
		r.Boundary = in.PermissionsBoundary
		return ops, err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.PutRolePermissionsBoundaryOutput{}, nil
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary.
func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, in *iamwire.DeleteRolePermissionsBoundaryInput) (*iamwire.DeleteRolePermissionsBoundaryOutput, error) {
	err := s.updateRole(ctx, in.RoleName, func(r *roleRecord) ([]store.Op, error) {
		if err := unmodifiable(r); err != nil {
			return nil, err
		}
		ops, err := s.boundaryOps(ctx, "role", r.ID, r.Boundary, "")
		r.Boundary = ""
		return ops, err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteRolePermissionsBoundaryOutput{}, nil
}

// PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies:
// inline policies of roles, through the same code as users and groups.
func (s *Service) PutRolePolicy(ctx context.Context, in *iamwire.PutRolePolicyInput) (*iamwire.PutRolePolicyOutput, error) {
	return &iamwire.PutRolePolicyOutput{}, s.putInline(ctx, "role", in.RoleName, in.PolicyName, in.PolicyDocument)
}

// GetRolePolicy returns a role's inline policy.
func (s *Service) GetRolePolicy(ctx context.Context, in *iamwire.GetRolePolicyInput) (*iamwire.GetRolePolicyOutput, error) {
	e, doc, err := s.getInline(ctx, "role", in.RoleName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &iamwire.GetRolePolicyOutput{RoleName: e.name, PolicyName: in.PolicyName, PolicyDocument: doc}, nil
}

// DeleteRolePolicy deletes a role's inline policy.
func (s *Service) DeleteRolePolicy(ctx context.Context, in *iamwire.DeleteRolePolicyInput) (*iamwire.DeleteRolePolicyOutput, error) {
	return &iamwire.DeleteRolePolicyOutput{}, s.deleteInline(ctx, "role", in.RoleName, in.PolicyName)
}

// ListRolePolicies lists a role's inline policy names.
func (s *Service) ListRolePolicies(ctx context.Context, in *iamwire.ListRolePoliciesInput) (*iamwire.ListRolePoliciesOutput, error) {
	names, truncated, marker, err := s.listInline(ctx, "role", in.RoleName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListRolePoliciesOutput{PolicyNames: names, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// AttachRolePolicy attaches a managed policy to a role.
func (s *Service) AttachRolePolicy(ctx context.Context, in *iamwire.AttachRolePolicyInput) (*iamwire.AttachRolePolicyOutput, error) {
	return &iamwire.AttachRolePolicyOutput{}, s.attach(ctx, "role", in.RoleName, in.PolicyArn)
}

// DetachRolePolicy detaches a managed policy from a role.
func (s *Service) DetachRolePolicy(ctx context.Context, in *iamwire.DetachRolePolicyInput) (*iamwire.DetachRolePolicyOutput, error) {
	return &iamwire.DetachRolePolicyOutput{}, s.detach(ctx, "role", in.RoleName, in.PolicyArn)
}

// ListAttachedRolePolicies lists a role's managed policies.
func (s *Service) ListAttachedRolePolicies(ctx context.Context, in *iamwire.ListAttachedRolePoliciesInput) (*iamwire.ListAttachedRolePoliciesOutput, error) {
	items, truncated, marker, err := s.attachedTo(ctx, "role", in.RoleName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListAttachedRolePoliciesOutput{AttachedPolicies: items, IsTruncated: ptr(truncated), Marker: marker}, nil
}
