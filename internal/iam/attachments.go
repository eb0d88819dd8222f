package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// maxAttachedPolicies is AWS's quota of managed policies attached to one
// group, and its default for one user or role.
const maxAttachedPolicies = 10

// attachedQuota is the quota of managed policies attached to one entity of
// the kind, and its name in AWS's LimitExceeded message.
func (s *Service) attachedQuota(kind string) (string, int) {
	switch kind {
	case "group":
		return "PoliciesPerGroup", maxAttachedPolicies
	case "role":
		return "PoliciesPerRole", s.quotas.AttachedPoliciesPerRole
	}
	return "PoliciesPerUser", s.quotas.AttachedPoliciesPerUser
}

// attach links a managed policy to an entity: both index keys are written
// in one transaction, guarded by the entity's revision.
func (s *Service) attach(ctx context.Context, kind, name, arn string) error {
	return s.retry(ctx, func() error {
		e, err := s.entityOf(ctx, kind, name)
		if err != nil {
			return err
		}
		if kind == "role" && !policyARNParts.MatchString(arn) {
			// AttachRolePolicy answers a malformed ARN with ValidationError
			// (recorded 2026; it was InvalidInput in 2023 recordings, which
			// AttachUserPolicy and AttachGroupPolicy are only known by).
			return apierr.ValidationError("ARN %s is not valid.", arn)
		}
		m, err := s.findPolicy(ctx, arn, notAttachable(arn))
		if err != nil {
			return err
		}
		link := schema.Attached(s.account, kind, e.id, m.id())
		if has, err := s.hasAny(ctx, link); err != nil || has {
			return err // attaching twice is not an error
		}
		quotaName, quota := s.attachedQuota(kind)
		n, _, err := s.st.Count(ctx, schema.OwnedPrefix(s.account, kind+"-attached", e.id))
		if err != nil {
			return err
		}
		if n >= quota {
			return apierr.LimitExceeded("Cannot exceed quota for %s: %d", quotaName, quota)
		}
		conds := []store.Cond{{Key: e.key, ModRevision: e.rev}}
		if m.rec != nil {
			conds = append(conds, store.Cond{Key: schema.Policy(s.account, m.rec.Name), ModRevision: m.rev})
		}
		_, err = s.st.Apply(ctx, conds, []store.Op{
			{Key: e.key, Value: e.raw},
			{Key: link, Value: []byte(arn)},
			{Key: schema.PolicyEntity(s.account, m.id(), kind, e.id), Value: []byte(e.name)},
		})
		return err
	})
}

// detach removes a managed policy from an entity.
func (s *Service) detach(ctx context.Context, kind, name, arn string) error {
	e, err := s.entityOf(ctx, kind, name)
	if err != nil {
		return err
	}
	m, err := s.findPolicy(ctx, arn, policyNotFound(arn))
	if err != nil {
		return err
	}
	link := schema.Attached(s.account, kind, e.id, m.id())
	kv, err := s.st.Get(ctx, link)
	if errors.Is(err, store.ErrNotFound) {
		return apierr.NoSuchEntity("Policy %s was not found.", arn)
	}
	if err != nil {
		return err
	}
	_, err = s.st.Apply(ctx, []store.Cond{{Key: link, ModRevision: kv.ModRevision}}, []store.Op{
		{Key: link, Delete: true},
		{Key: schema.PolicyEntity(s.account, m.id(), kind, e.id), Delete: true},
	})
	if errors.Is(err, store.ErrConflict) {
		return nil // detached concurrently
	}
	return err
}

// attachedTo lists the managed policies attached to an entity.
func (s *Service) attachedTo(ctx context.Context, kind, name string, pathPrefix *string, marker *string, maxItems *int32) ([]iamwire.AttachedPolicy, bool, *string, error) {
	e, err := s.entityOf(ctx, kind, name)
	if err != nil {
		return nil, false, nil, err
	}
	prefix := deref(pathPrefix, "/")
	kvs, _, err := s.st.Range(ctx, schema.OwnedPrefix(s.account, kind+"-attached", e.id), "", 0)
	if err != nil {
		return nil, false, nil, err
	}
	var all []iamwire.AttachedPolicy
	for _, kv := range kvs {
		arn := string(kv.Value)
		m := policyARNParts.FindStringSubmatch(arn)
		if m == nil || !strings.HasPrefix(m[2], prefix) {
			continue
		}
		all = append(all, iamwire.AttachedPolicy{PolicyName: ptr(m[3]), PolicyArn: ptr(arn)})
	}
	return pageSlice(all, marker, maxItems)
}

// AttachUserPolicy attaches a managed policy to a user.
func (s *Service) AttachUserPolicy(ctx context.Context, in *iamwire.AttachUserPolicyInput) (*iamwire.AttachUserPolicyOutput, error) {
	return &iamwire.AttachUserPolicyOutput{}, s.attach(ctx, "user", in.UserName, in.PolicyArn)
}

// DetachUserPolicy detaches a managed policy from a user.
func (s *Service) DetachUserPolicy(ctx context.Context, in *iamwire.DetachUserPolicyInput) (*iamwire.DetachUserPolicyOutput, error) {
	return &iamwire.DetachUserPolicyOutput{}, s.detach(ctx, "user", in.UserName, in.PolicyArn)
}

// ListAttachedUserPolicies lists a user's managed policies.
func (s *Service) ListAttachedUserPolicies(ctx context.Context, in *iamwire.ListAttachedUserPoliciesInput) (*iamwire.ListAttachedUserPoliciesOutput, error) {
	items, truncated, marker, err := s.attachedTo(ctx, "user", in.UserName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListAttachedUserPoliciesOutput{AttachedPolicies: items, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// AttachGroupPolicy attaches a managed policy to a group.
func (s *Service) AttachGroupPolicy(ctx context.Context, in *iamwire.AttachGroupPolicyInput) (*iamwire.AttachGroupPolicyOutput, error) {
	return &iamwire.AttachGroupPolicyOutput{}, s.attach(ctx, "group", in.GroupName, in.PolicyArn)
}

// DetachGroupPolicy detaches a managed policy from a group.
func (s *Service) DetachGroupPolicy(ctx context.Context, in *iamwire.DetachGroupPolicyInput) (*iamwire.DetachGroupPolicyOutput, error) {
	return &iamwire.DetachGroupPolicyOutput{}, s.detach(ctx, "group", in.GroupName, in.PolicyArn)
}

// ListAttachedGroupPolicies lists a group's managed policies.
func (s *Service) ListAttachedGroupPolicies(ctx context.Context, in *iamwire.ListAttachedGroupPoliciesInput) (*iamwire.ListAttachedGroupPoliciesOutput, error) {
	items, truncated, marker, err := s.attachedTo(ctx, "group", in.GroupName, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListAttachedGroupPoliciesOutput{AttachedPolicies: items, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// ListEntitiesForPolicy lists the users, groups and roles a managed policy
// is attached to.
func (s *Service) ListEntitiesForPolicy(ctx context.Context, in *iamwire.ListEntitiesForPolicyInput) (*iamwire.ListEntitiesForPolicyOutput, error) {
	m, err := s.findPolicy(ctx, in.PolicyArn, notAttachable(in.PolicyArn))
	if err != nil {
		return nil, err
	}
	family := "policy-entity"
	if deref(in.PolicyUsageFilter, "") == "PermissionsBoundary" {
		family = "policy-boundary"
	}
	filter := deref(in.EntityFilter, "")
	prefix := deref(in.PathPrefix, "/")
	kvs, _, err := s.st.Range(ctx, schema.OwnedPrefix(s.account, family, m.id()), "", 0)
	if err != nil {
		return nil, err
	}
	out := &iamwire.ListEntitiesForPolicyOutput{PolicyGroups: []iamwire.PolicyGroup{}, PolicyUsers: []iamwire.PolicyUser{}, PolicyRoles: []iamwire.PolicyRole{}}
	for _, kv := range kvs {
		rest := strings.TrimPrefix(kv.Key, schema.OwnedPrefix(s.account, family, m.id()))
		kind, id, _ := strings.Cut(rest, "/")
		// LocalManagedPolicy and AWSManagedPolicy name no kind of entity:
		// AWS lists nothing for them.
		if filter != "" && !strings.EqualFold(filter, kind) {
			continue
		}
		switch kind {
		case "user":
			if u, err := s.userByID(ctx, id); err != nil {
				return nil, err
			} else if u != nil && strings.HasPrefix(u.Path, prefix) {
				out.PolicyUsers = append(out.PolicyUsers, iamwire.PolicyUser{UserName: ptr(u.Name), UserId: ptr(u.ID)})
			}
		case "group":
			if g, err := s.groupByID(ctx, id); err != nil {
				return nil, err
			} else if g != nil && strings.HasPrefix(g.Path, prefix) {
				out.PolicyGroups = append(out.PolicyGroups, iamwire.PolicyGroup{GroupName: ptr(g.Name), GroupId: ptr(g.ID)})
			}
		case "role":
			if r, err := s.roleByID(ctx, id); err != nil {
				return nil, err
			} else if r != nil && strings.HasPrefix(r.Path, prefix) {
				out.PolicyRoles = append(out.PolicyRoles, iamwire.PolicyRole{RoleName: ptr(r.Name), RoleId: ptr(r.ID)})
			}
		}
	}
	out.IsTruncated = ptr(false)
	return out, nil
}
