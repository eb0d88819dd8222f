package iam

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/iam/managed"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// Quotas of managed policies.
const (
	maxPolicyVersions = 5
)

// policyRecord is a customer managed policy as stored, with its versions.
type policyRecord struct {
	Name        string          `json:"n"`
	ID          string          `json:"id"`
	Path        string          `json:"p"`
	Description string          `json:"d,omitempty"`
	Created     time.Time       `json:"c"`
	Updated     time.Time       `json:"up"`
	Default     string          `json:"dv"`
	Versions    []policyVersion `json:"v"`
	NextVersion int             `json:"nv"`
	Tags        []tag           `json:"t,omitempty"`
}

type policyVersion struct {
	ID      string    `json:"id"`
	Doc     string    `json:"doc"`
	Created time.Time `json:"c"`
}

// managedPolicy is a customer or AWS managed policy, as the API sees it.
type managedPolicy struct {
	arn string
	rec *policyRecord   // customer managed
	aws *managed.Policy // AWS managed
	rev int64
}

func (m *managedPolicy) id() string {
	if m.aws != nil {
		return m.aws.ID
	}
	return m.rec.ID
}

func (m *managedPolicy) name() string {
	if m.aws != nil {
		return m.aws.Name
	}
	return m.rec.Name
}

func (m *managedPolicy) defaultDoc() string {
	if m.aws != nil {
		return m.aws.Document
	}
	for _, v := range m.rec.Versions {
		if v.ID == m.rec.Default {
			return v.Doc
		}
	}
	return ""
}

func (s *Service) policyARN(path, name string) string {
	return "arn:aws:iam::" + s.account + ":policy" + path + name
}

// policyARNParts splits a managed policy ARN into account, path and name.
var policyARNParts = regexp.MustCompile(`^arn:aws:iam::(aws|\d{12}):policy(/(?:[\x{21}-\x{7E}]*/)?)([\w+=,.@-]+)$`)

// roleARNParts splits a role ARN into account, path and name.
var roleARNParts = regexp.MustCompile(`^arn:aws:iam::(\d{12}):role(/(?:[\x{21}-\x{7E}]*/)?)([\w+=,.@-]+)$`)

// findPolicy resolves a managed policy ARN. A malformed ARN is InvalidInput;
// a well-formed one that names nothing is NoSuchEntity with notFound's text.
func (s *Service) findPolicy(ctx context.Context, arn string, notFound func() error) (*managedPolicy, error) {
	m := policyARNParts.FindStringSubmatch(arn)
	if m == nil {
		return nil, apierr.InvalidInput("ARN %s is not valid.", arn)
	}
	if m[1] == "aws" {
		if p := s.catalogue.ByARN(arn); p != nil {
			return &managedPolicy{arn: arn, aws: p}, nil
		}
		return nil, notFound()
	}
	if m[1] != s.account {
		return nil, notFound()
	}
	var rec policyRecord
	rev, ok, err := s.getJSON(ctx, schema.Policy(s.account, m[3]), &rec)
	if err != nil {
		return nil, err
	}
	if !ok || rec.Path != m[2] || rec.Name != m[3] {
		return nil, notFound()
	}
	return &managedPolicy{arn: arn, rec: &rec, rev: rev}, nil
}

func notAttachable(arn string) func() error {
	return func() error { return apierr.NoSuchEntity("Policy %s does not exist or is not attachable.", arn) }
}

func policyNotFound(arn string) func() error {
	return func() error { return apierr.NoSuchEntity("Policy %s was not found.", arn) }
}

// Attachable tells whether a managed policy exists and can be attached.
func (s *Service) Attachable(ctx context.Context, arn string) (bool, error) {
	_, err := s.findPolicy(ctx, arn, notAttachable(arn))
	if err != nil {
		if ae, ok := apierr.As(err); ok && ae.Code == "NoSuchEntity" {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// countPrefix counts keys under a prefix.
func (s *Service) countPrefix(ctx context.Context, prefix string) (int32, error) {
	n, _, err := s.st.Count(ctx, prefix)
	return int32(n), err
}

// wirePolicy is the Policy shape; counts are read from the link keys.
func (s *Service) wirePolicy(ctx context.Context, m *managedPolicy, withTags bool) (iamwire.Policy, error) {
	att, err := s.countPrefix(ctx, schema.OwnedPrefix(s.account, "policy-entity", m.id()))
	if err != nil {
		return iamwire.Policy{}, err
	}
	pb, err := s.countPrefix(ctx, schema.OwnedPrefix(s.account, "policy-boundary", m.id()))
	if err != nil {
		return iamwire.Policy{}, err
	}
	out := iamwire.Policy{
		PolicyName: ptr(m.name()), PolicyId: ptr(m.id()), Arn: ptr(m.arn),
		AttachmentCount: ptr(att), PermissionsBoundaryUsageCount: ptr(pb), IsAttachable: ptr(true),
	}
	if m.aws != nil {
		out.Path, out.DefaultVersionId = ptr(m.aws.Path), ptr(m.aws.DefaultVersion)
		out.CreateDate, out.UpdateDate = ptr(m.aws.Created), ptr(m.aws.Updated)
		return out, nil
	}
	r := m.rec
	out.Path, out.DefaultVersionId = ptr(r.Path), ptr(r.Default)
	out.CreateDate, out.UpdateDate = ptr(r.Created), ptr(r.Updated)
	if r.Description != "" {
		out.Description = ptr(r.Description)
	}
	if withTags && len(r.Tags) > 0 {
		out.Tags = wireTags(r.Tags)
	}
	return out, nil
}

// CreatePolicy creates a customer managed policy (version v1, default).
func (s *Service) CreatePolicy(ctx context.Context, in *iamwire.CreatePolicyInput) (*iamwire.CreatePolicyOutput, error) {
	if err := s.checkManagedDocument(in.PolicyDocument); err != nil {
		return nil, err
	}
	tags, err := newPolicyTags(in.Tags)
	if err != nil {
		return nil, err
	}
	id, err := s.newUniqueID("ANPA")
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	rec := &policyRecord{
		Name: in.PolicyName, ID: id, Path: deref(in.Path, "/"), Description: deref(in.Description, ""),
		Created: now, Updated: now, Default: "v1", NextVersion: 2, Tags: tags,
		Versions: []policyVersion{{ID: "v1", Doc: in.PolicyDocument, Created: now}},
	}
	key := schema.Policy(s.account, rec.Name)
	if err := s.applyCreate(ctx, kindPolicy, []store.Cond{{Key: key}}, []store.Op{{Key: key, Value: mustJSON(rec)}}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, apierr.EntityAlreadyExists("A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
		}
		return nil, err
	}
	p, err := s.wirePolicy(ctx, &managedPolicy{arn: s.policyARN(rec.Path, rec.Name), rec: rec}, true)
	if err != nil {
		return nil, err
	}
	p.Description = nil // AWS answers CreatePolicy without it; GetPolicy has it
	return &iamwire.CreatePolicyOutput{Policy: &p}, nil
}

// GetPolicy describes a managed policy.
func (s *Service) GetPolicy(ctx context.Context, in *iamwire.GetPolicyInput) (*iamwire.GetPolicyOutput, error) {
	m, err := s.findPolicy(ctx, in.PolicyArn, policyNotFound(in.PolicyArn))
	if err != nil {
		return nil, err
	}
	p, err := s.wirePolicy(ctx, m, true)
	if err != nil {
		return nil, err
	}
	if p.Tags == nil {
		p.Tags = []iamwire.Tag{} // GetPolicy always has Tags, AWS managed policies too
	}
	return &iamwire.GetPolicyOutput{Policy: &p}, nil
}

// customer returns the customer managed record, refusing AWS managed ones
// for operations that change a policy.
func customer(m *managedPolicy) (*policyRecord, error) {
	if m.aws != nil {
		return nil, apierr.InvalidInput("Policy %s is an AWS managed policy and cannot be changed.", m.arn)
	}
	return m.rec, nil
}

// updatePolicy applies f to a customer managed policy under optimistic
// concurrency.
func (s *Service) updatePolicy(ctx context.Context, arn string, notFound func() error, f func(r *policyRecord) error) error {
	return s.retry(ctx, func() error {
		m, err := s.findPolicy(ctx, arn, notFound)
		if err != nil {
			return err
		}
		r, err := customer(m)
		if err != nil {
			return err
		}
		if err := f(r); err != nil {
			return err
		}
		key := schema.Policy(s.account, r.Name)
		_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: m.rev}}, []store.Op{{Key: key, Value: mustJSON(r)}})
		return err
	})
}

// DeletePolicy deletes a customer managed policy that is not in use and
// has only its default version.
func (s *Service) DeletePolicy(ctx context.Context, in *iamwire.DeletePolicyInput) (*iamwire.DeletePolicyOutput, error) {
	err := s.retry(ctx, func() error {
		m, err := s.findPolicy(ctx, in.PolicyArn, policyNotFound(in.PolicyArn))
		if err != nil {
			return err
		}
		r, err := customer(m)
		if err != nil {
			return err
		}
		for _, fam := range []string{"policy-entity", "policy-boundary"} {
			if has, err := s.hasAny(ctx, schema.OwnedPrefix(s.account, fam, r.ID)); err != nil {
				return err
			} else if has {
				return apierr.DeleteConflict("Cannot delete a policy attached to entities.")
			}
		}
		if len(r.Versions) > 1 {
			return apierr.DeleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		key := schema.Policy(s.account, r.Name)
		return s.applyRemoval(ctx, kindPolicy, []store.Cond{{Key: key, ModRevision: m.rev}}, []store.Op{{Key: key, Delete: true}})
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeletePolicyOutput{}, nil
}

// customerPolicies reads every customer managed policy of the account, in
// name order.
func (s *Service) customerPolicies(ctx context.Context) ([]*managedPolicy, error) {
	kvs, _, err := s.st.Range(ctx, schema.PolicyPrefix(s.account), "", 0)
	if err != nil {
		return nil, err
	}
	out := make([]*managedPolicy, 0, len(kvs))
	for _, kv := range kvs {
		var r policyRecord
		if err := decodeJSON(kv, &r); err != nil {
			return nil, err
		}
		out = append(out, &managedPolicy{arn: s.policyARN(r.Path, r.Name), rec: &r})
	}
	return out, nil
}

// ListPolicies lists AWS and/or customer managed policies.
func (s *Service) ListPolicies(ctx context.Context, in *iamwire.ListPoliciesInput) (*iamwire.ListPoliciesOutput, error) {
	if err := checkPolicyPathPrefix(in.PathPrefix); err != nil {
		return nil, err
	}
	scope := deref(in.Scope, "All")
	prefix := deref(in.PathPrefix, "/")
	onlyAttached := deref(in.OnlyAttached, false)
	usage := deref(in.PolicyUsageFilter, "")
	var all []*managedPolicy
	if scope == "All" || scope == "AWS" {
		for _, p := range s.catalogue.All() {
			all = append(all, &managedPolicy{arn: p.ARN, aws: p})
		}
	}
	if scope == "All" || scope == "Local" {
		local, err := s.customerPolicies(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, local...)
	}
	var out []iamwire.Policy
	for _, m := range all {
		p, err := s.wirePolicy(ctx, m, false)
		if err != nil {
			return nil, err
		}
		p.Description = nil // GetPolicy has it; ListPolicies does not
		if !strings.HasPrefix(*p.Path, prefix) {
			continue
		}
		if onlyAttached && *p.AttachmentCount == 0 && *p.PermissionsBoundaryUsageCount == 0 {
			continue
		}
		if usage == "PermissionsPolicy" && onlyAttached && *p.AttachmentCount == 0 {
			continue
		}
		if usage == "PermissionsBoundary" && onlyAttached && *p.PermissionsBoundaryUsageCount == 0 {
			continue
		}
		out = append(out, p)
	}
	items, truncated, marker, err := pageSlice(out, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListPoliciesOutput{Policies: items, IsTruncated: ptr(truncated), Marker: marker}, nil
}

func versionNotFound(arn, v string) func() error {
	return func() error {
		return apierr.NoSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, v)
	}
}

// CreatePolicyVersion adds a version (at most five).
func (s *Service) CreatePolicyVersion(ctx context.Context, in *iamwire.CreatePolicyVersionInput) (*iamwire.CreatePolicyVersionOutput, error) {
	if err := s.checkManagedDocument(in.PolicyDocument); err != nil {
		return nil, err
	}
	var created policyVersion
	err := s.updatePolicy(ctx, in.PolicyArn, policyNotFound(in.PolicyArn), func(r *policyRecord) error {
		if len(r.Versions) >= maxPolicyVersions {
			return apierr.LimitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
		}
		now := s.now().UTC().Truncate(time.Second)
		created = policyVersion{ID: "v" + strconv.Itoa(r.NextVersion), Doc: in.PolicyDocument, Created: now}
		r.NextVersion++
		r.Versions = append(r.Versions, created)
		if deref(in.SetAsDefault, false) {
			r.Default = created.ID
			r.Updated = now
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.CreatePolicyVersionOutput{PolicyVersion: &iamwire.PolicyVersion{
		VersionId: ptr(created.ID), IsDefaultVersion: ptr(deref(in.SetAsDefault, false)), CreateDate: ptr(created.Created),
	}}, nil
}

func (s *Service) versionsOf(m *managedPolicy) []iamwire.PolicyVersion {
	if m.aws != nil {
		return []iamwire.PolicyVersion{{Document: ptr(m.aws.Document), VersionId: ptr(m.aws.DefaultVersion), IsDefaultVersion: ptr(true), CreateDate: ptr(m.aws.Updated)}}
	}
	out := make([]iamwire.PolicyVersion, len(m.rec.Versions))
	for i, v := range m.rec.Versions {
		out[i] = iamwire.PolicyVersion{Document: ptr(v.Doc), VersionId: ptr(v.ID), IsDefaultVersion: ptr(v.ID == m.rec.Default), CreateDate: ptr(v.Created)}
	}
	return out
}

// GetPolicyVersion returns one version with its document.
func (s *Service) GetPolicyVersion(ctx context.Context, in *iamwire.GetPolicyVersionInput) (*iamwire.GetPolicyVersionOutput, error) {
	m, err := s.findPolicy(ctx, in.PolicyArn, versionNotFound(in.PolicyArn, in.VersionId))
	if err != nil {
		return nil, err
	}
	for _, v := range s.versionsOf(m) {
		if *v.VersionId == in.VersionId {
			return &iamwire.GetPolicyVersionOutput{PolicyVersion: &v}, nil
		}
	}
	return nil, versionNotFound(in.PolicyArn, in.VersionId)()
}

// ListPolicyVersions lists a policy's versions (without documents), newest
// first, as AWS does.
func (s *Service) ListPolicyVersions(ctx context.Context, in *iamwire.ListPolicyVersionsInput) (*iamwire.ListPolicyVersionsOutput, error) {
	m, err := s.findPolicy(ctx, in.PolicyArn, policyNotFound(in.PolicyArn))
	if err != nil {
		return nil, err
	}
	vs := s.versionsOf(m)
	out := make([]iamwire.PolicyVersion, 0, len(vs))
	for i := len(vs) - 1; i >= 0; i-- {
		v := vs[i]
		v.Document = nil
		out = append(out, v)
	}
	items, truncated, marker, err := pageSlice(out, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListPolicyVersionsOutput{Versions: items, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// SetDefaultPolicyVersion makes a version the one in force.
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, in *iamwire.SetDefaultPolicyVersionInput) (*iamwire.SetDefaultPolicyVersionOutput, error) {
	err := s.updatePolicy(ctx, in.PolicyArn, versionNotFound(in.PolicyArn, in.VersionId), func(r *policyRecord) error {
		for _, v := range r.Versions {
			if v.ID == in.VersionId {
				r.Default = v.ID
				r.Updated = s.now().UTC().Truncate(time.Second)
				return nil
			}
		}
		return versionNotFound(in.PolicyArn, in.VersionId)()
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.SetDefaultPolicyVersionOutput{}, nil
}

// DeletePolicyVersion deletes a version that is not the default.
func (s *Service) DeletePolicyVersion(ctx context.Context, in *iamwire.DeletePolicyVersionInput) (*iamwire.DeletePolicyVersionOutput, error) {
	err := s.updatePolicy(ctx, in.PolicyArn, policyNotFound(in.PolicyArn), func(r *policyRecord) error {
		for i, v := range r.Versions {
			if v.ID != in.VersionId {
				continue
			}
			if v.ID == r.Default {
				return apierr.DeleteConflict("Cannot delete the default version of a policy.")
			}
			r.Versions = append(r.Versions[:i], r.Versions[i+1:]...)
			return nil
		}
		return versionNotFound(in.PolicyArn, in.VersionId)()
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeletePolicyVersionOutput{}, nil
}

// TagPolicy, UntagPolicy and ListPolicyTags manage a customer policy's tags.
func (s *Service) TagPolicy(ctx context.Context, in *iamwire.TagPolicyInput) (*iamwire.TagPolicyOutput, error) {
	add, err := newPolicyTags(in.Tags)
	if err != nil {
		return nil, err
	}
	err = s.updatePolicy(ctx, in.PolicyArn, policyNotFound(in.PolicyArn), func(r *policyRecord) error {
		merged, err := mergeTagsBy(r.Tags, add, sameKey)
		r.Tags = merged
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.TagPolicyOutput{}, nil
}

// UntagPolicy removes tags from a customer managed policy.
func (s *Service) UntagPolicy(ctx context.Context, in *iamwire.UntagPolicyInput) (*iamwire.UntagPolicyOutput, error) {
	err := s.updatePolicy(ctx, in.PolicyArn, policyNotFound(in.PolicyArn), func(r *policyRecord) error {
		r.Tags = removeTagsBy(r.Tags, in.TagKeys, sameKey)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UntagPolicyOutput{}, nil
}

// ListPolicyTags lists a managed policy's tags.
func (s *Service) ListPolicyTags(ctx context.Context, in *iamwire.ListPolicyTagsInput) (*iamwire.ListPolicyTagsOutput, error) {
	m, err := s.findPolicy(ctx, in.PolicyArn, policyNotFound(in.PolicyArn))
	if err != nil {
		return nil, err
	}
	var ts []tag
	if m.rec != nil {
		ts = m.rec.Tags
	}
	items, truncated, marker, err := pageSlice(wireTags(ts), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListPolicyTagsOutput{Tags: items, IsTruncated: ptr(truncated), Marker: marker}, nil
}
