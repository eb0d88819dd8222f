package iam

import (
	"context"
	"strings"

	"github.com/iamd/iamd/internal/policy"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// accountQuotas are the quotas GetAccountSummary reports: the adjustable
// ones in force and AWS's fixed ones.
func (s *Service) accountQuotas() map[string]int32 {
	m := map[string]int32{
		"ServerCertificatesQuota": 20, "GroupsPerUserQuota": maxGroupsPerUser,
		"AccessKeysPerUserQuota": maxAccessKeys, "SigningCertificatesPerUserQuota": 2,
		"AttachedPoliciesPerGroupQuota": maxAttachedPolicies, "VersionsPerPolicyQuota": maxPolicyVersions,
		"PolicySizeQuota": policy.ManagedPolicySizeQuota, "UserPolicySizeQuota": policy.UserInlineSizeQuota, "GroupPolicySizeQuota": policy.GroupInlineSizeQuota,
		"RolePolicySizeQuota": policy.RoleInlineSizeQuota, "AssumeRolePolicySizeQuota": policy.TrustPolicySizeQuota, "PolicyVersionsInUseQuota": 10000,
		"GlobalEndpointTokenVersion": 1,
	}
	s.quotas.summary(m)
	return m
}

// GetAccountSummary counts the account's entities and reports its quotas.
func (s *Service) GetAccountSummary(ctx context.Context, _ *iamwire.GetAccountSummaryInput) (*iamwire.GetAccountSummaryOutput, error) {
	m := s.accountQuotas()
	count := func(prefix string) (int32, error) { return s.countPrefix(ctx, prefix) }
	var err error
	if m["Users"], err = count(schema.UserPrefix(s.account)); err != nil {
		return nil, err
	}
	if m["Groups"], err = count(schema.GroupPrefix(s.account)); err != nil {
		return nil, err
	}
	if m["Roles"], err = count(schema.RolePrefix(s.account)); err != nil {
		return nil, err
	}
	if m["InstanceProfiles"], err = count(schema.InstanceProfilePrefix(s.account)); err != nil {
		return nil, err
	}
	local, err := s.customerPolicies(ctx)
	if err != nil {
		return nil, err
	}
	m["Policies"] = int32(len(local))
	versions := int32(0)
	for _, p := range local {
		versions += int32(len(p.rec.Versions))
	}
	m["PolicyVersionsInUse"] = versions
	if m["MFADevices"], err = count(schema.VirtualMFAPrefix(s.account)); err != nil {
		return nil, err
	}
	inUse := int32(0)
	userKVs, _, err := s.st.Range(ctx, acctFamily(s.account, "user-mfa"), "", 0)
	if err != nil {
		return nil, err
	}
	inUse = int32(len(userKVs))
	m["MFADevicesInUse"] = inUse
	// AccountAccessKeysPresent is 1 when the root user has an access key:
	// the one iamd was started with (listed by root's ListAccessKeys and
	// active in the credential report) or one root created itself.
	rootKeys := int32(0)
	if s.rootKey != "" {
		rootKeys = 1
	} else if rootKeys, err = count(schema.OwnedPrefix(s.account, "user-key", s.account)); err != nil {
		return nil, err
	}
	m["AccountAccessKeysPresent"] = min(rootKeys, 1)
	for _, k := range []string{"ServerCertificates", "Providers", "AccountMFAEnabled", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent", "AccountPasswordPresent"} {
		if _, ok := m[k]; !ok {
			m[k] = 0
		}
	}
	return &iamwire.GetAccountSummaryOutput{SummaryMap: m}, nil
}

// acctFamily is the prefix of one owned-key family across all owners.
func acctFamily(account, family string) string {
	return strings.TrimSuffix(schema.OwnedPrefix(account, family, ""), "/")
}

// GetAccountAuthorizationDetails returns users, groups, roles and policies
// with their relationships, filtered and paged.
func (s *Service) GetAccountAuthorizationDetails(ctx context.Context, in *iamwire.GetAccountAuthorizationDetailsInput) (*iamwire.GetAccountAuthorizationDetailsOutput, error) {
	want := map[string]bool{}
	for _, f := range in.Filter {
		want[f] = true
	}
	all := len(want) == 0
	out := &iamwire.GetAccountAuthorizationDetailsOutput{}
	type item struct {
		user   *iamwire.UserDetail
		group  *iamwire.GroupDetail
		role   *iamwire.RoleDetail
		policy *iamwire.ManagedPolicyDetail
	}
	var items []item
	attached := func(kind, id string) ([]iamwire.AttachedPolicy, error) {
		kvs, _, err := s.st.Range(ctx, schema.OwnedPrefix(s.account, kind+"-attached", id), "", 0)
		if err != nil {
			return nil, err
		}
		out := make([]iamwire.AttachedPolicy, 0, len(kvs))
		for _, kv := range kvs {
			arn := string(kv.Value)
			out = append(out, iamwire.AttachedPolicy{PolicyArn: ptr(arn), PolicyName: ptr(arn[strings.LastIndexByte(arn, '/')+1:])})
		}
		return out, nil
	}
	inline := func(kind, id string) ([]iamwire.PolicyDetail, error) {
		docs, err := s.inlineDocs(ctx, kind, id)
		if err != nil {
			return nil, err
		}
		out := make([]iamwire.PolicyDetail, len(docs))
		for i, d := range docs {
			out[i] = iamwire.PolicyDetail{PolicyName: ptr(d[0]), PolicyDocument: ptr(d[1])}
		}
		return out, nil
	}
	if all || want["User"] {
		kvs, _, err := s.st.Range(ctx, schema.UserPrefix(s.account), "", 0)
		if err != nil {
			return nil, err
		}
		for _, kv := range kvs {
			var u userRecord
			if err := decodeJSON(kv, &u); err != nil {
				return nil, err
			}
			d := &iamwire.UserDetail{Path: ptr(u.Path), UserName: ptr(u.Name), UserId: ptr(u.ID), Arn: ptr(s.userARN(u.Path, u.Name)), CreateDate: ptr(u.Created)}
			if d.AttachedManagedPolicies, err = attached("user", u.ID); err != nil {
				return nil, err
			}
			if d.UserPolicyList, err = inline("user", u.ID); err != nil {
				return nil, err
			}
			if len(d.UserPolicyList) == 0 {
				d.UserPolicyList = nil // AWS leaves UserPolicyList out when empty
			}
			gs, err := s.groupsOf(ctx, u.ID)
			if err != nil {
				return nil, err
			}
			d.GroupList = []string{}
			for _, g := range gs {
				d.GroupList = append(d.GroupList, g.Name)
			}
			d.Tags = []iamwire.Tag{}
			if len(u.Tags) > 0 {
				d.Tags = wireTags(u.Tags)
			}
			if u.Boundary != "" {
				d.PermissionsBoundary = &iamwire.AttachedPermissionsBoundary{PermissionsBoundaryType: ptr("Policy"), PermissionsBoundaryArn: ptr(u.Boundary)}
			}
			items = append(items, item{user: d})
		}
	}
	if all || want["Group"] {
		kvs, _, err := s.st.Range(ctx, schema.GroupPrefix(s.account), "", 0)
		if err != nil {
			return nil, err
		}
		for _, kv := range kvs {
			var g groupRecord
			if err := decodeJSON(kv, &g); err != nil {
				return nil, err
			}
			d := &iamwire.GroupDetail{Path: ptr(g.Path), GroupName: ptr(g.Name), GroupId: ptr(g.ID), Arn: ptr(s.groupARN(g.Path, g.Name)), CreateDate: ptr(g.Created)}
			if d.AttachedManagedPolicies, err = attached("group", g.ID); err != nil {
				return nil, err
			}
			if d.GroupPolicyList, err = inline("group", g.ID); err != nil {
				return nil, err
			}
			items = append(items, item{group: d})
		}
	}
	if all || want["Role"] {
		kvs, _, err := s.st.Range(ctx, schema.RolePrefix(s.account), "", 0)
		if err != nil {
			return nil, err
		}
		for _, kv := range kvs {
			var r roleRecord
			if err := decodeJSON(kv, &r); err != nil {
				return nil, err
			}
			d := &iamwire.RoleDetail{Path: ptr(r.Path), RoleName: ptr(r.Name), RoleId: ptr(r.ID), Arn: ptr(s.roleARN(r.Path, r.Name)), CreateDate: ptr(r.Created), AssumeRolePolicyDocument: ptr(r.Trust)}
			if d.AttachedManagedPolicies, err = attached("role", r.ID); err != nil {
				return nil, err
			}
			if d.RolePolicyList, err = inline("role", r.ID); err != nil {
				return nil, err
			}
			if d.InstanceProfileList, err = s.roleProfiles(ctx, r.ID); err != nil {
				return nil, err
			}
			d.Tags = []iamwire.Tag{}
			if len(r.Tags) > 0 {
				d.Tags = wireTags(r.Tags)
			}
			d.RoleLastUsed = s.wireRole(&r, true).RoleLastUsed
			if r.Boundary != "" {
				d.PermissionsBoundary = &iamwire.AttachedPermissionsBoundary{PermissionsBoundaryType: ptr("Policy"), PermissionsBoundaryArn: ptr(r.Boundary)}
			}
			items = append(items, item{role: d})
		}
	}
	if all || want["LocalManagedPolicy"] || want["AWSManagedPolicy"] {
		var pols []*managedPolicy
		if all || want["AWSManagedPolicy"] {
			// AWS lists AWS managed policies only when they are attached.
			for _, p := range s.catalogue.All() {
				if has, err := s.hasAny(ctx, schema.OwnedPrefix(s.account, "policy-entity", p.ID)); err != nil {
					return nil, err
				} else if has {
					pols = append(pols, &managedPolicy{arn: p.ARN, aws: p})
				}
			}
		}
		if all || want["LocalManagedPolicy"] {
			local, err := s.customerPolicies(ctx)
			if err != nil {
				return nil, err
			}
			pols = append(pols, local...)
		}
		for _, m := range pols {
			p, err := s.wirePolicy(ctx, m, false)
			if err != nil {
				return nil, err
			}
			items = append(items, item{policy: &iamwire.ManagedPolicyDetail{
				PolicyName: p.PolicyName, PolicyId: p.PolicyId, Arn: p.Arn, Path: p.Path, DefaultVersionId: p.DefaultVersionId,
				AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount,
				IsAttachable: p.IsAttachable, Description: p.Description, CreateDate: p.CreateDate, UpdateDate: p.UpdateDate,
				PolicyVersionList: s.versionsOf(m),
			}})
		}
	}
	page, truncated, marker, err := pageSlice(items, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out.UserDetailList, out.GroupDetailList, out.RoleDetailList, out.Policies = []iamwire.UserDetail{}, []iamwire.GroupDetail{}, []iamwire.RoleDetail{}, []iamwire.ManagedPolicyDetail{}
	for _, it := range page {
		switch {
		case it.user != nil:
			out.UserDetailList = append(out.UserDetailList, *it.user)
		case it.group != nil:
			out.GroupDetailList = append(out.GroupDetailList, *it.group)
		case it.role != nil:
			out.RoleDetailList = append(out.RoleDetailList, *it.role)
		case it.policy != nil:
			out.Policies = append(out.Policies, *it.policy)
		}
	}
	out.IsTruncated, out.Marker = ptr(truncated), marker
	return out, nil
}
