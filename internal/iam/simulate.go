package iam

import (
	"context"
	"strconv"
	"strings"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/policy"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// The policy simulator runs the same engine (policy.Evaluate) as
// enforcement, with tracing on, over the policies it is given or the
// principal's own.

// simulation is one simulator call, made uniform across both operations.
type simulation struct {
	set          *policy.PolicySet
	actions      []string
	resources    []string
	context      []iamwire.ContextEntry
	resourceDoc  *string
	owner        *string
	callerARN    *string
	defaultCallr *policy.Caller
	marker       *string
	maxItems     *int32
}

// parseInputs parses a list of policy documents for the simulator, naming
// them as AWS does (PolicyInputList.1, …).
func parseInputs(docs []string, name string, kind policy.Kind, typ string) ([]policy.NamedPolicy, error) {
	out := make([]policy.NamedPolicy, 0, len(docs))
	for i, d := range docs {
		p, err := policy.Parse(d, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, policy.NamedPolicy{ID: name + "." + strconv.Itoa(i+1), Type: typ, Policy: p})
	}
	return out, nil
}

// callerFromARN describes a CallerArn for Principal matching.
func (s *Service) callerFromARN(arn string) *policy.Caller {
	c := &policy.Caller{ARN: arn}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 {
		c.Account = parts[4]
		switch {
		case strings.HasPrefix(parts[5], "user/"):
			c.Type = policy.PrincipalUser
		case strings.HasPrefix(parts[5], "assumed-role/"):
			c.Type = policy.PrincipalAssumedRole
		case parts[5] == "root":
			c.Type = policy.PrincipalAccount
		}
	}
	return c
}

func contextOf(entries []iamwire.ContextEntry) policy.MapContext {
	c := policy.MapContext{}
	for _, e := range entries {
		if e.ContextKeyName != nil {
			c.Set(*e.ContextKeyName, e.ContextKeyValues...)
		}
	}
	return c
}

// run evaluates every action on every resource.
func (s *Service) runSimulation(sim *simulation) ([]iamwire.EvaluationResult, bool, *string, error) {
	resources := sim.resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	c := contextOf(sim.context)
	if sim.resourceDoc != nil {
		rp, err := policy.Parse(*sim.resourceDoc, policy.Resource)
		if err != nil {
			return nil, false, nil, err
		}
		sim.set.Resource = &policy.NamedPolicy{ID: "ResourcePolicy", Type: "resource", Policy: rp}
	}
	caller := sim.defaultCallr
	if sim.callerARN != nil {
		caller = s.callerFromARN(*sim.callerARN)
	}
	owner := s.account
	if sim.owner != nil {
		owner = strings.TrimSuffix(strings.TrimPrefix(*sim.owner, "arn:aws:iam::"), ":root")
	}
	var results []iamwire.EvaluationResult
	for _, action := range sim.actions {
		for _, resource := range resources {
			res := policy.Evaluate(&policy.Request{Action: action, Resource: resource, Context: c, Principal: caller, ResourceAccount: owner, Trace: true}, sim.set)
			er := iamwire.EvaluationResult{
				EvalActionName:       action,
				EvalResourceName:     ptr(resource),
				EvalDecision:         res.Decision.String(),
				MatchedStatements:    []iamwire.Statement{},
				MissingContextValues: append([]string{}, res.Missing...),
			}
			for _, m := range res.Matched {
				er.MatchedStatements = append(er.MatchedStatements, iamwire.Statement{
					SourcePolicyId:   ptr(m.PolicyID),
					SourcePolicyType: ptr(m.PolicyType),
					StartPosition:    &iamwire.Position{Line: ptr(int32(m.Start.Line)), Column: ptr(int32(m.Start.Column))},
					EndPosition:      &iamwire.Position{Line: ptr(int32(m.End.Line)), Column: ptr(int32(m.End.Column))},
				})
			}
			if sim.set.Boundary != nil {
				er.PermissionsBoundaryDecisionDetail = &iamwire.PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: ptr(res.AllowedByBoundary)}
			}
			if sim.set.Resource != nil {
				er.EvalDecisionDetails = map[string]string{"ResourcePolicy": res.Decision.String()}
			}
			results = append(results, er)
		}
	}
	return pageSlice(results, sim.marker, sim.maxItems)
}

// SimulateCustomPolicy evaluates the given policies.
func (s *Service) SimulateCustomPolicy(ctx context.Context, in *iamwire.SimulateCustomPolicyInput) (*iamwire.SimulateCustomPolicyOutput, error) {
	ids, err := parseInputs(in.PolicyInputList, "PolicyInputList", policy.Identity, "none")
	if err != nil {
		return nil, err
	}
	set := &policy.PolicySet{Identity: ids}
	if len(in.PermissionsBoundaryPolicyInputList) > 0 {
		b, err := parseInputs(in.PermissionsBoundaryPolicyInputList, "PermissionsBoundaryPolicyInputList", policy.Identity, "none")
		if err != nil {
			return nil, err
		}
		set.Boundary = &b[0]
	}
	results, truncated, marker, err := s.runSimulation(&simulation{
		set: set, actions: in.ActionNames, resources: in.ResourceArns, context: in.ContextEntries,
		resourceDoc: in.ResourcePolicy, owner: in.ResourceOwner, callerARN: in.CallerArn,
		defaultCallr: &policy.Caller{Type: policy.PrincipalUser, Account: s.account}, marker: in.Marker, maxItems: in.MaxItems,
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.SimulateCustomPolicyOutput{EvaluationResults: results, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// sourcePrincipal turns a PolicySourceArn (user, group or role) into the
// principal whose policies are simulated.
func (s *Service) sourcePrincipal(ctx context.Context, arn string) (*auth.Principal, *policy.PolicySet, error) {
	prefix := "arn:aws:iam::" + s.account + ":"
	rest, ok := strings.CutPrefix(arn, prefix)
	kind, path, _ := strings.Cut(rest, "/")
	if !ok || path == "" {
		return nil, nil, apierr.InvalidInput("Invalid Entity Arn: %s", arn)
	}
	name := path[strings.LastIndexByte(path, '/')+1:]
	switch kind {
	case "user":
		u, _, err := s.getUser(ctx, name)
		if err != nil {
			return nil, nil, err
		}
		p := &auth.Principal{Kind: auth.User, AccountID: s.account, ARN: s.userARN(u.Path, u.Name), UserID: u.ID, Name: u.Name}
		set, err := s.loadPolicySet(ctx, p)
		return p, set, err
	case "role":
		r, _, err := s.getRole(ctx, name)
		if err != nil {
			return nil, nil, err
		}
		p := &auth.Principal{Kind: auth.AssumedRole, AccountID: s.account, ARN: s.roleARN(r.Path, r.Name), UserID: r.ID + ":simulation", Name: r.Name, RoleARN: s.roleARN(r.Path, r.Name)}
		set, err := s.loadPolicySet(ctx, p)
		return p, set, err
	case "group":
		g, _, err := s.getGroup(ctx, name)
		if err != nil {
			return nil, nil, err
		}
		set := &policy.PolicySet{}
		err = s.addEntityPolicies(ctx, set, "group", g.ID)
		return &auth.Principal{Kind: auth.User, AccountID: s.account, ARN: s.groupARN(g.Path, g.Name)}, set, err
	}
	return nil, nil, apierr.InvalidInput("Invalid Entity Arn: %s", arn)
}

// SimulatePrincipalPolicy evaluates a user's, group's or role's policies,
// plus any given.
func (s *Service) SimulatePrincipalPolicy(ctx context.Context, in *iamwire.SimulatePrincipalPolicyInput) (*iamwire.SimulatePrincipalPolicyOutput, error) {
	p, set, err := s.sourcePrincipal(ctx, in.PolicySourceArn)
	if err != nil {
		return nil, err
	}
	extra, err := parseInputs(in.PolicyInputList, "PolicyInputList", policy.Identity, "none")
	if err != nil {
		return nil, err
	}
	set.Identity = append(set.Identity, extra...)
	if len(in.PermissionsBoundaryPolicyInputList) > 0 {
		b, err := parseInputs(in.PermissionsBoundaryPolicyInputList, "PermissionsBoundaryPolicyInputList", policy.Identity, "none")
		if err != nil {
			return nil, err
		}
		set.Boundary = &b[0]
	}
	results, truncated, marker, err := s.runSimulation(&simulation{
		set: set, actions: in.ActionNames, resources: in.ResourceArns, context: in.ContextEntries,
		resourceDoc: in.ResourcePolicy, owner: in.ResourceOwner, callerARN: in.CallerArn,
		defaultCallr: caller(p), marker: in.Marker, maxItems: in.MaxItems,
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.SimulatePrincipalPolicyOutput{EvaluationResults: results, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// GetContextKeysForCustomPolicy lists the context keys the policies use.
func (s *Service) GetContextKeysForCustomPolicy(ctx context.Context, in *iamwire.GetContextKeysForCustomPolicyInput) (*iamwire.GetContextKeysForCustomPolicyOutput, error) {
	ps, err := parseInputs(in.PolicyInputList, "PolicyInputList", policy.Identity, "")
	if err != nil {
		return nil, err
	}
	return &iamwire.GetContextKeysForCustomPolicyOutput{ContextKeyNames: contextKeys(ps)}, nil
}

// GetContextKeysForPrincipalPolicy lists the context keys of a principal's
// policies and any given.
func (s *Service) GetContextKeysForPrincipalPolicy(ctx context.Context, in *iamwire.GetContextKeysForPrincipalPolicyInput) (*iamwire.GetContextKeysForPrincipalPolicyOutput, error) {
	_, set, err := s.sourcePrincipal(ctx, in.PolicySourceArn)
	if err != nil {
		return nil, err
	}
	extra, err := parseInputs(in.PolicyInputList, "PolicyInputList", policy.Identity, "")
	if err != nil {
		return nil, err
	}
	return &iamwire.GetContextKeysForPrincipalPolicyOutput{ContextKeyNames: contextKeys(append(set.Identity, extra...))}, nil
}

func contextKeys(ps []policy.NamedPolicy) []string {
	pols := make([]*policy.Policy, len(ps))
	for i := range ps {
		pols[i] = ps[i].Policy
	}
	keys := policy.ContextKeys(pols...)
	if keys == nil {
		keys = []string{}
	}
	return keys
}
