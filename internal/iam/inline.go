package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/policy"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// inlineQuota is AWS's aggregate size of an entity's inline policies
// (characters, white space not counted).
func inlineQuota(kind string) int {
	switch kind {
	case "group":
		return policy.GroupInlineSizeQuota
	case "role":
		return policy.RoleInlineSizeQuota
	}
	return policy.UserInlineSizeQuota
}

// putInline creates or replaces an inline policy, keeping the entity's
// aggregate inline size within AWS's quota.
func (s *Service) putInline(ctx context.Context, kind, entityName, policyName, doc string) error {
	if err := s.checkInlineDocument(doc); err != nil {
		return err
	}
	return s.retry(ctx, func() error {
		e, err := s.entityOf(ctx, kind, entityName)
		if err != nil {
			return err
		}
		kvs, _, err := s.st.Range(ctx, schema.OwnedPrefix(s.account, kind+"-policy", e.id), "", 0)
		if err != nil {
			return err
		}
		key := schema.Inline(s.account, kind, e.id, policyName)
		total := policy.SizeWithoutWhitespace(doc)
		for _, kv := range kvs {
			if kv.Key != key {
				total += policy.SizeWithoutWhitespace(string(kv.Value))
			}
		}
		if total > inlineQuota(kind) {
			return policy.InlineSizeExceeded(kind, e.name, inlineQuota(kind))
		}
		_, err = s.st.Apply(ctx, []store.Cond{{Key: e.key, ModRevision: e.rev}}, []store.Op{
			{Key: e.key, Value: e.raw},
			{Key: key, Value: []byte(doc)},
		})
		return err
	})
}

func noSuchInline(kind, entity, name string) error {
	return apierr.NoSuchEntity("The %s policy with name %s cannot be found.", kind, name)
}

func (s *Service) getInline(ctx context.Context, kind, entityName, policyName string) (*entity, string, error) {
	e, err := s.entityOf(ctx, kind, entityName)
	if err != nil {
		return nil, "", err
	}
	kv, err := s.st.Get(ctx, schema.Inline(s.account, kind, e.id, policyName))
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", noSuchInline(kind, e.name, policyName)
	}
	if err != nil {
		return nil, "", err
	}
	return e, string(kv.Value), nil
}

func (s *Service) deleteInline(ctx context.Context, kind, entityName, policyName string) error {
	e, _, err := s.getInline(ctx, kind, entityName, policyName)
	if err != nil {
		return err
	}
	_, err = s.st.Apply(ctx, nil, []store.Op{{Key: schema.Inline(s.account, kind, e.id, policyName), Delete: true}})
	return err
}

func (s *Service) listInline(ctx context.Context, kind, entityName string, marker *string, maxItems *int32) ([]string, bool, *string, error) {
	e, err := s.entityOf(ctx, kind, entityName)
	if err != nil {
		return nil, false, nil, err
	}
	prefix := schema.OwnedPrefix(s.account, kind+"-policy", e.id)
	kvs, _, err := s.st.Range(ctx, prefix, "", 0)
	if err != nil {
		return nil, false, nil, err
	}
	names := make([]string, len(kvs))
	for i, kv := range kvs {
		names[i] = strings.TrimPrefix(kv.Key, prefix)
	}
	return pageSlice(names, marker, maxItems)
}

// inlineDocs returns every inline policy of an entity by id (for
// authorization and account views): name → document.
func (s *Service) inlineDocs(ctx context.Context, kind, entityID string) ([][2]string, error) {
	prefix := schema.OwnedPrefix(s.account, kind+"-policy", entityID)
	kvs, _, err := s.st.Range(ctx, prefix, "", 0)
	if err != nil {
		return nil, err
	}
	out := make([][2]string, len(kvs))
	for i, kv := range kvs {
		out[i] = [2]string{strings.TrimPrefix(kv.Key, prefix), string(kv.Value)}
	}
	return out, nil
}

// PutUserPolicy creates or replaces a user's inline policy.
func (s *Service) PutUserPolicy(ctx context.Context, in *iamwire.PutUserPolicyInput) (*iamwire.PutUserPolicyOutput, error) {
	return &iamwire.PutUserPolicyOutput{}, s.putInline(ctx, "user", in.UserName, in.PolicyName, in.PolicyDocument)
}

// GetUserPolicy returns a user's inline policy.
func (s *Service) GetUserPolicy(ctx context.Context, in *iamwire.GetUserPolicyInput) (*iamwire.GetUserPolicyOutput, error) {
	e, doc, err := s.getInline(ctx, "user", in.UserName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &iamwire.GetUserPolicyOutput{UserName: e.name, PolicyName: in.PolicyName, PolicyDocument: doc}, nil
}

// DeleteUserPolicy deletes a user's inline policy.
func (s *Service) DeleteUserPolicy(ctx context.Context, in *iamwire.DeleteUserPolicyInput) (*iamwire.DeleteUserPolicyOutput, error) {
	return &iamwire.DeleteUserPolicyOutput{}, s.deleteInline(ctx, "user", in.UserName, in.PolicyName)
}

// ListUserPolicies lists a user's inline policy names.
func (s *Service) ListUserPolicies(ctx context.Context, in *iamwire.ListUserPoliciesInput) (*iamwire.ListUserPoliciesOutput, error) {
	names, truncated, marker, err := s.listInline(ctx, "user", in.UserName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListUserPoliciesOutput{PolicyNames: names, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// PutGroupPolicy creates or replaces a group's inline policy.
func (s *Service) PutGroupPolicy(ctx context.Context, in *iamwire.PutGroupPolicyInput) (*iamwire.PutGroupPolicyOutput, error) {
	return &iamwire.PutGroupPolicyOutput{}, s.putInline(ctx, "group", in.GroupName, in.PolicyName, in.PolicyDocument)
}

// GetGroupPolicy returns a group's inline policy.
func (s *Service) GetGroupPolicy(ctx context.Context, in *iamwire.GetGroupPolicyInput) (*iamwire.GetGroupPolicyOutput, error) {
	e, doc, err := s.getInline(ctx, "group", in.GroupName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &iamwire.GetGroupPolicyOutput{GroupName: e.name, PolicyName: in.PolicyName, PolicyDocument: doc}, nil
}

// DeleteGroupPolicy deletes a group's inline policy.
func (s *Service) DeleteGroupPolicy(ctx context.Context, in *iamwire.DeleteGroupPolicyInput) (*iamwire.DeleteGroupPolicyOutput, error) {
	return &iamwire.DeleteGroupPolicyOutput{}, s.deleteInline(ctx, "group", in.GroupName, in.PolicyName)
}

// ListGroupPolicies lists a group's inline policy names.
func (s *Service) ListGroupPolicies(ctx context.Context, in *iamwire.ListGroupPoliciesInput) (*iamwire.ListGroupPoliciesOutput, error) {
	names, truncated, marker, err := s.listInline(ctx, "group", in.GroupName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListGroupPoliciesOutput{PolicyNames: names, IsTruncated: ptr(truncated), Marker: marker}, nil
}
