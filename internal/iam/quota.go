package iam

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
)

// Quotas are an account's adjustable IAM quotas. A zero field means AWS's
// default. AWS raises them on request; an operator raises them here, and
// GetAccountSummary reports what is in force.
type Quotas struct {
	Users                   int // UsersQuota, default 5,000
	Groups                  int // GroupsQuota, default 300
	Roles                   int // RolesQuota, default 1,000
	Policies                int // PoliciesQuota (customer managed), default 1,500
	InstanceProfiles        int // InstanceProfilesQuota, default 1,000
	AttachedPoliciesPerUser int // AttachedPoliciesPerUserQuota, default 10
	AttachedPoliciesPerRole int // AttachedPoliciesPerRoleQuota, default 10
}

// quotaField names one adjustable quota the way GetAccountSummary does.
type quotaField struct {
	name string
	def  int
	ptr  func(*Quotas) *int
}

func quotaFields() []quotaField {
	return []quotaField{
		{"UsersQuota", 5000, func(q *Quotas) *int { return &q.Users }},
		{"GroupsQuota", 300, func(q *Quotas) *int { return &q.Groups }},
		{"RolesQuota", 1000, func(q *Quotas) *int { return &q.Roles }},
		{"PoliciesQuota", 1500, func(q *Quotas) *int { return &q.Policies }},
		{"InstanceProfilesQuota", 1000, func(q *Quotas) *int { return &q.InstanceProfiles }},
		{"AttachedPoliciesPerUserQuota", maxAttachedPolicies, func(q *Quotas) *int { return &q.AttachedPoliciesPerUser }},
		{"AttachedPoliciesPerRoleQuota", maxAttachedPolicies, func(q *Quotas) *int { return &q.AttachedPoliciesPerRole }},
	}
}

// Set sets the quota that GetAccountSummary calls name (UsersQuota,
// RolesQuota, …) to n.
func (q *Quotas) Set(name string, n int) error {
	var names []string
	for _, f := range quotaFields() {
		if strings.EqualFold(f.name, name) {
			if n < 1 {
				return fmt.Errorf("quota %s must be at least 1, not %d", f.name, n)
			}
			*f.ptr(q) = n
			return nil
		}
		names = append(names, f.name)
	}
	sort.Strings(names)
	return fmt.Errorf("unknown quota %q (adjustable: %s)", name, strings.Join(names, ", "))
}

// withDefaults fills unset quotas with AWS's defaults.
func (q Quotas) withDefaults() Quotas {
	for _, f := range quotaFields() {
		if p := f.ptr(&q); *p == 0 {
			*p = f.def
		}
	}
	return q
}

// summary adds the quotas to a GetAccountSummary map.
func (q Quotas) summary(m map[string]int32) {
	for _, f := range quotaFields() {
		m[f.name] = int32(*f.ptr(&q))
	}
}

// entityKind is a kind of entity counted against an account quota.
type entityKind int

const (
	kindUser entityKind = iota
	kindGroup
	kindRole
	kindPolicy
	kindInstanceProfile
	kindVirtualMFA
	numKinds
)

// quotaOf says where a kind's entities are stored, what AWS calls its
// quota in LimitExceeded messages, and the quota in force.
func (s *Service) quotaOf(k entityKind) (prefix, name string, quota int) {
	switch k {
	case kindUser:
		return schema.UserPrefix(s.account), "UsersPerAccount", s.quotas.Users
	case kindGroup:
		return schema.GroupPrefix(s.account), "GroupsPerAccount", s.quotas.Groups
	case kindRole:
		return schema.RolePrefix(s.account), "RolesPerAccount", s.quotas.Roles
	case kindPolicy:
		return schema.PolicyPrefix(s.account), "PoliciesPerAccount", s.quotas.Policies
	case kindInstanceProfile:
		return schema.InstanceProfilePrefix(s.account), "InstanceProfilesPerAccount", s.quotas.InstanceProfiles
	default: // virtual MFA devices, assigned or not: as many as users
		return schema.VirtualMFAPrefix(s.account), "MFADevices", s.quotas.Users
	}
}

// entityCounts keeps, per kind, how many entities exist, so that a create
// can be refused at the quota without scanning the store. Each count is
// read from the store once (with the revision it was read at) and then
// moved by this service's own creates and deletes: every write of an
// account goes through its one Service, so the count stays exact.
// Creates in flight hold a reservation, so concurrent creates cannot
// overshoot the quota between the check and the write.
type entityCounts struct {
	c [numKinds]entityCount
}

type entityCount struct {
	mu       sync.Mutex
	loaded   bool
	rev      int64 // revision the count was read at
	n        int   // entities at the latest applied create or delete
	reserved int   // creates admitted and not yet applied or abandoned
}

// applyCreate applies a write that creates one entity of kind k, if the
// kind's quota leaves room for it; otherwise it answers AWS's
// LimitExceeded and writes nothing.
func (s *Service) applyCreate(ctx context.Context, k entityKind, conds []store.Cond, ops []store.Op) error {
	if err := s.reserve(ctx, k); err != nil {
		return err
	}
	rev, err := s.st.Apply(ctx, conds, ops)
	c := &s.counts.c[k]
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reserved--
	if err == nil && rev > c.rev {
		c.n++
	}
	return err
}

// reserve holds room for one entity of kind k until its write is applied
// or abandoned.
func (s *Service) reserve(ctx context.Context, k entityKind) error {
	prefix, name, quota := s.quotaOf(k)
	c := &s.counts.c[k]
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		n, rev, err := s.st.Count(ctx, prefix)
		if err != nil {
			return err
		}
		c.loaded, c.n, c.rev = true, n, rev
	}
	if c.n+c.reserved >= quota {
		return apierr.LimitExceeded("Cannot exceed quota for %s: %d", name, quota)
	}
	c.reserved++
	return nil
}

// applyRemoval applies a write that deletes one entity of kind k and
// counts it gone.
func (s *Service) applyRemoval(ctx context.Context, k entityKind, conds []store.Cond, ops []store.Op) error {
	rev, err := s.st.Apply(ctx, conds, ops)
	if err != nil {
		return err
	}
	c := &s.counts.c[k]
	c.mu.Lock()
	defer c.mu.Unlock()
	// A count read at or after rev already left the entity out.
	if c.loaded && rev > c.rev {
		c.n--
	}
	return nil
}
