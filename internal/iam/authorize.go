package iam

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/iamd/iamd/internal/api"
	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/policy"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// Authorizer decides every request of a non-root principal with the AWS
// policy evaluation logic before its handler runs. It implements
// api.Authorizer. Compiled policy sets are cached per principal and
// dropped whenever the store's revision moves, so a change to a policy,
// membership or boundary takes effect on the very next request.
type Authorizer struct {
	s *Service
}

// NewAuthorizer returns the authorizer for a service.
func NewAuthorizer(s *Service) *Authorizer {
	return &Authorizer{s: s}
}

// setCache keeps each principal's compiled policy set for as long as the
// store revision it was gathered at is current.
type setCache struct {
	mu   sync.Mutex
	rev  int64
	sets map[string]*policy.PolicySet
}

func newSetCache() *setCache { return &setCache{sets: map[string]*policy.PolicySet{}} }

// needsNoPermission tells the actions AWS allows to anyone who can sign a
// request.
func needsNoPermission(action string) bool {
	return action == "sts:GetCallerIdentity" || action == "sts:GetSessionToken"
}

// Authorize implements api.Authorizer.
func (a *Authorizer) Authorize(ctx context.Context, p *auth.Principal, op *api.Operation, in any) error {
	if p == nil || p.Kind == auth.Root || needsNoPermission(op.Action) || op.Action == "sts:AssumeRole" {
		// sts:AssumeRole is decided by its handler, with the trust policy
		// and the MFA and session context only it knows.
		return nil
	}
	if p.Kind == auth.User && (op.Action == "iam:ChangePassword" || op.Action == "iam:GetAccountPasswordPolicy") {
		// The account password policy's AllowUsersToChangePassword lets
		// every IAM user change their own password without a policy.
		ok, err := a.s.UsersMayChangePassword(ctx)
		if err != nil || ok {
			return err
		}
	}
	set, err := a.s.policySet(ctx, p)
	if err != nil {
		return err
	}
	req, _, err := a.s.requestContext(ctx, p, op, in)
	if err != nil {
		return err
	}
	res := policy.Evaluate(req, set)
	if res.Decision == policy.Allow {
		return nil
	}
	return accessDenied(p.ARN, op.Action, shownResource(op, in, req.Resource), res)
}

// accessDenied words a denial as AWS does.
func accessDenied(principal, action, resource string, res policy.Result) error {
	return apierr.AccessDenied("User: %s is not authorized to perform: %s on resource: %s %s", principal, action, resource, res.Reason(action))
}

// policySet returns the principal's compiled policies, cached until the
// store changes. The set is shared: callers must not modify it.
func (s *Service) policySet(ctx context.Context, p *auth.Principal) (*policy.PolicySet, error) {
	rev, err := s.st.Revision(ctx)
	if err != nil {
		return nil, err
	}
	key := p.UserID + "\x00" + p.SessionToken
	c := s.sets
	c.mu.Lock()
	if c.rev != rev || len(c.sets) >= maxCachedKeys {
		c.rev = rev
		clear(c.sets)
	}
	set, ok := c.sets[key]
	c.mu.Unlock()
	if ok {
		return set, nil
	}
	set, err = s.loadPolicySet(ctx, p)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.rev == rev {
		c.sets[key] = set
	}
	c.mu.Unlock()
	return set, nil
}

// loadPolicySet gathers a principal's identity policies (inline and
// attached; for users also their groups'), its permissions boundary, and
// for sessions their session policies.
func (s *Service) loadPolicySet(ctx context.Context, p *auth.Principal) (*policy.PolicySet, error) {
	set := &policy.PolicySet{}
	var kind, id, boundary string
	switch p.Kind {
	case auth.User:
		u, err := s.userByID(ctx, p.UserID)
		if err != nil {
			return nil, err
		}
		if u == nil {
			return set, nil // deleted meanwhile: nothing allows
		}
		kind, id, boundary = "user", u.ID, u.Boundary
		groups, err := s.groupsOf(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			if err := s.addEntityPolicies(ctx, set, "group", g.ID); err != nil {
				return nil, err
			}
		}
	case auth.AssumedRole:
		roleID, _, _ := strings.Cut(p.UserID, ":")
		r, err := s.roleByID(ctx, roleID)
		if err != nil {
			return nil, err
		}
		if r == nil {
			return set, nil
		}
		kind, id, boundary = "role", r.ID, r.Boundary
		for i, doc := range p.SessionPolicies {
			sp, err := s.compiled(doc, policy.Session)
			if err != nil {
				return nil, err
			}
			set.Session = append(set.Session, policy.NamedPolicy{ID: "session-policy-" + strconv.Itoa(i+1), Type: "none", Policy: sp})
		}
		if p.SessionPolicies != nil && len(set.Session) == 0 {
			set.Session = []policy.NamedPolicy{}
		}
	default:
		return set, nil
	}
	if err := s.addEntityPolicies(ctx, set, kind, id); err != nil {
		return nil, err
	}
	if boundary != "" {
		m, err := s.findPolicy(ctx, boundary, notAttachable(boundary))
		if err != nil {
			return nil, err
		}
		bp, err := s.compiled(m.defaultDoc(), policy.Identity)
		if err != nil {
			return nil, err
		}
		set.Boundary = &policy.NamedPolicy{ID: boundary, Type: managedType(boundary), Policy: bp}
	}
	return set, nil
}

// addEntityPolicies adds an entity's inline and attached policies.
func (s *Service) addEntityPolicies(ctx context.Context, set *policy.PolicySet, kind, id string) error {
	inline, err := s.inlineDocs(ctx, kind, id)
	if err != nil {
		return err
	}
	for _, nd := range inline {
		p, err := s.compiled(nd[1], policy.Identity)
		if err != nil {
			return err
		}
		set.Identity = append(set.Identity, policy.NamedPolicy{ID: nd[0], Type: kind, Policy: p})
	}
	kvs, _, err := s.st.Range(ctx, schema.OwnedPrefix(s.account, kind+"-attached", id), "", 0)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		arn := string(kv.Value)
		m, err := s.findPolicy(ctx, arn, notAttachable(arn))
		if err != nil {
			if _, ok := apierr.As(err); ok {
				continue // deleted policy: contributes nothing
			}
			return err
		}
		p, err := s.compiled(m.defaultDoc(), policy.Identity)
		if err != nil {
			return err
		}
		set.Identity = append(set.Identity, policy.NamedPolicy{ID: arn, Type: managedType(arn), Policy: p})
	}
	return nil
}

// requestContext builds the authorization request of an operation: its
// action, the resource it acts on and the condition keys AWS sets.
func (s *Service) requestContext(ctx context.Context, p *auth.Principal, op *api.Operation, in any) (*policy.Request, *reqContext, error) {
	c := &reqContext{p: p, info: api.InfoFrom(ctx), now: s.now().UTC()}
	if c.info != nil {
		c.now = c.info.Time.UTC()
	}
	if err := s.principalTags(ctx, p, c); err != nil {
		return nil, nil, err
	}
	if op == nil {
		return &policy.Request{Context: c}, c, nil
	}
	resource, err := s.resourceOf(ctx, p, op, in, c)
	if err != nil {
		return nil, nil, err
	}
	return &policy.Request{Action: op.Action, Resource: resource, Context: c, Principal: caller(p), ResourceAccount: s.account}, c, nil
}

// principalARN is aws:PrincipalArn: for role sessions, the role's ARN.
func principalARN(p *auth.Principal) string {
	if p.Kind == auth.AssumedRole && p.RoleARN != "" {
		return p.RoleARN
	}
	return p.ARN
}

// principalTags gives the context a role's tags (aws:PrincipalTag); an
// IAM user's come with its key (Principal.Tags), or are read here.
func (s *Service) principalTags(ctx context.Context, p *auth.Principal, c *reqContext) error {
	switch {
	case p.Kind == auth.User && p.Tags == nil:
		u, err := s.userByID(ctx, p.UserID)
		if err != nil || u == nil {
			return err
		}
		c.tags = u.Tags
	case p.Kind == auth.AssumedRole:
		roleID, _, _ := strings.Cut(p.UserID, ":")
		r, err := s.roleByID(ctx, roleID)
		if err != nil || r == nil {
			return err
		}
		c.tags = r.Tags
	}
	return nil
}

// field reads a string member of a generated input by name ("" if absent).
func field(in any, name string) (string, bool) {
	v := reflect.ValueOf(in)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return "", false
	}
	f := v.FieldByName(name)
	switch {
	case !f.IsValid():
		return "", false
	case f.Kind() == reflect.String:
		return f.String(), true
	case f.Kind() == reflect.Pointer && !f.IsNil() && f.Elem().Kind() == reflect.String:
		return f.Elem().String(), true
	}
	return "", false
}

// requestTags sets aws:RequestTag/<k> and aws:TagKeys from a Tags or
// TagKeys member.
func requestTags(in any, c *reqContext) {
	v := reflect.ValueOf(in).Elem()
	if f := v.FieldByName("Tags"); f.IsValid() {
		if tags, ok := f.Interface().([]iamwire.Tag); ok && tags != nil {
			keys := make([]string, len(tags))
			for i, t := range tags {
				c.set("aws:RequestTag/"+t.Key, t.Value)
				keys[i] = t.Key
			}
			c.set("aws:TagKeys", keys...)
		}
	}
	if f := v.FieldByName("TagKeys"); f.IsValid() {
		if keys, ok := f.Interface().([]string); ok && keys != nil {
			c.set("aws:TagKeys", keys...)
		}
	}
}

// resourceOf works out the ARN an operation acts on and sets the
// operation's own condition keys (iam:PolicyARN, iam:PermissionsBoundary,
// iam:ResourceTag/…).
func (s *Service) resourceOf(ctx context.Context, p *auth.Principal, op *api.Operation, in any, c *reqContext) (string, error) {
	requestTags(in, c)
	if b, ok := field(in, "PermissionsBoundary"); ok {
		c.set("iam:PermissionsBoundary", b)
	}
	arnPrefix := "arn:aws:iam::" + s.account + ":"
	if kind, ok := listedKind(op.Name); ok {
		// Listings act on the path they list: ListUsers with PathPrefix
		// /ops/ is an action on arn:aws:iam::<account>:user/ops/.
		prefix, _ := field(in, "PathPrefix")
		if prefix == "" {
			prefix = "/"
		}
		return arnPrefix + kind + prefix, nil
	}
	path, _ := field(in, "Path")
	if path == "" {
		path = "/"
	}
	if arn, ok := field(in, "PolicyArn"); ok {
		if strings.HasPrefix(op.Name, "Attach") || strings.HasPrefix(op.Name, "Detach") {
			c.set("iam:PolicyARN", arn)
		} else {
			return arn, nil
		}
	}
	if name, ok := field(in, "GroupName"); ok {
		g, err := viewNamed[groupRecord](ctx, s, schema.Group(s.account, name), func() error { return noSuchGroup(name) })
		if err == nil {
			path = g.Path
		} else if _, ok := apierr.As(err); !ok {
			return "", err
		}
		return arnPrefix + "group" + path + name, nil
	}
	if name, ok := field(in, "InstanceProfileName"); ok {
		return arnPrefix + "instance-profile" + path + name, nil
	}
	if name, ok := field(in, "RoleName"); ok {
		r, err := viewNamed[roleRecord](ctx, s, schema.Role(s.account, name), func() error { return noSuchRole(name) })
		if err == nil {
			path = r.Path
			for _, t := range r.Tags {
				c.set("iam:ResourceTag/"+t.Key, t.Value)
			}
		} else if _, ok := apierr.As(err); !ok {
			return "", err
		}
		return arnPrefix + "role" + path + name, nil
	}
	if name, ok := field(in, "PolicyName"); ok && op.Name == "CreatePolicy" {
		return arnPrefix + "policy" + path + name, nil
	}
	if name, ok := field(in, "VirtualMFADeviceName"); ok {
		return arnPrefix + "mfa" + path + name, nil
	}
	name, hasUser := field(in, "UserName")
	if !hasUser && reflect.ValueOf(in).Elem().FieldByName("UserName").IsValid() && p.Kind == auth.User {
		name, hasUser = p.Name, true // the operation acts on the caller
	}
	if !hasUser && op.Name == "ChangePassword" && p.Kind == auth.User {
		name, hasUser = p.Name, true
	}
	if hasUser {
		u, err := s.viewUser(ctx, name)
		if err == nil {
			path = u.Path
			for _, t := range u.Tags {
				c.set("iam:ResourceTag/"+t.Key, t.Value)
			}
		} else if _, ok := apierr.As(err); !ok {
			return "", err
		}
		return arnPrefix + "user" + path + name, nil
	}
	if serial, ok := field(in, "SerialNumber"); ok {
		return serial, nil
	}
	return "*", nil
}

// listedKind is the resource kind a listing operation acts on.
func listedKind(op string) (string, bool) {
	switch op {
	case "ListUsers":
		return "user", true
	case "ListGroups":
		return "group", true
	case "ListRoles":
		return "role", true
	case "ListInstanceProfiles":
		return "instance-profile", true
	}
	return "", false
}

// shownResource is the resource an AccessDenied message names: the
// request's, except for ListPolicies, which AWS words as "policy path /"
// (it has no resource-level permissions and is evaluated against "*").
func shownResource(op *api.Operation, in any, resource string) string {
	if op.Name == "ListPolicies" {
		prefix, _ := field(in, "PathPrefix")
		if prefix == "" {
			prefix = "/"
		}
		return "policy path " + prefix
	}
	return resource
}

// managedType is the simulator's SourcePolicyType of a managed policy.
func managedType(arn string) string {
	if strings.HasPrefix(arn, "arn:aws:iam::aws:") {
		return "aws-managed"
	}
	return "user-managed"
}
