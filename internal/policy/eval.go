package policy

import (
	"strings"
	"unicode/utf8"
)

// Decision is the outcome of an evaluation.
type Decision int

// Decisions. The zero value is ImplicitDeny, the safe default.
const (
	// ImplicitDeny: nothing allowed the request (or something required did
	// not).
	ImplicitDeny Decision = iota
	// Allow: the request is allowed.
	Allow
	// ExplicitDeny: a Deny statement applied.
	ExplicitDeny
)

// String returns the simulator's EvalDecision value: "allowed",
// "explicitDeny" or "implicitDeny".
func (d Decision) String() string {
	switch d {
	case Allow:
		return "allowed"
	case ExplicitDeny:
		return "explicitDeny"
	}
	return "implicitDeny"
}

// Source is the role a policy plays in an evaluation.
type Source uint8

// Policy sources.
const (
	SourceNone Source = iota
	SourceIdentity
	SourceBoundary
	SourceSession
	SourceResource
)

// String names the source as AWS's AccessDenied messages do:
// "identity-based policy", "permissions boundary", "session policy",
// "resource-based policy".
func (s Source) String() string {
	switch s {
	case SourceIdentity:
		return "identity-based policy"
	case SourceBoundary:
		return "permissions boundary"
	case SourceSession:
		return "session policy"
	case SourceResource:
		return "resource-based policy"
	}
	return ""
}

func (s Source) article() string {
	if s == SourceIdentity {
		return "an "
	}
	return "a "
}

// NamedPolicy is a compiled policy with the identity it is reported under.
type NamedPolicy struct {
	// ID identifies the policy in Match.PolicyID: a managed policy ARN, an
	// inline policy name, "PolicyInputList.1", …
	ID string
	// Type is passed through to Match.PolicyType (the simulator's
	// SourcePolicyType: user, group, role, aws-managed, user-managed,
	// resource, none).
	Type string
	// Policy is the compiled document.
	Policy *Policy
}

// Match identifies a statement that applied to a request.
type Match struct {
	PolicyID       string   // NamedPolicy.ID
	PolicyType     string   // NamedPolicy.Type
	Source         Source   // the role of the policy in the evaluation
	StatementIndex int      // 0-based index in the policy's Statement list
	Sid            string   // the statement's Sid, "" if none
	Effect         string   // "Allow" or "Deny"
	Start, End     Position // the statement's first and last character
}

// Request is what is being decided.
type Request struct {
	// Action is "service:Action", e.g. "iam:CreateUser"; matched
	// case-insensitively.
	Action string
	// Resource is the target ARN, or "*" for actions without one.
	Resource string
	// Context holds the condition keys (aws:CurrentTime, aws:SourceIp,
	// aws:username, …). May be nil.
	Context Context
	// Principal is the caller, for the Principal element of the
	// resource-based policy. Nil is treated as anonymous.
	Principal *Caller
	// ResourceAccount is the account owning the resource. When set and
	// different from Principal.Account the request is cross-account: the
	// identity side and the resource-based policy must both allow.
	ResourceAccount string
	// Trace collects every applicable statement in Result.Matched and the
	// context keys that were needed but absent in Result.Missing (for the
	// simulator). Without it Evaluate does not allocate and stops at the
	// first explicit deny.
	Trace bool
}

// PolicySet is every policy that applies to one request.
type PolicySet struct {
	// Identity holds the principal's identity-based policies: a user's
	// inline and attached policies plus those of all its groups, or a
	// role's.
	Identity []NamedPolicy
	// Boundary is the permissions boundary, nil if none. When set it must
	// also allow (identity ∩ boundary), and an explicit deny in it denies.
	Boundary *NamedPolicy
	// Session holds the session policies. Nil means the caller is not a
	// session with session policies (long-term credentials, or a role
	// session created without any): no limit. A non-nil slice, even
	// empty, must allow: a GetFederationToken session created without a
	// session policy passes an empty non-nil slice and gets no
	// permissions.
	Session []NamedPolicy
	// Resource is the resource-based policy (for IAM: a role's trust
	// policy), nil if none. In the same account its Allow can grant on its
	// own, depending on how its Principal names the caller (see Evaluate).
	Resource *NamedPolicy
	// ResourceRequired says the resource-based policy must allow
	// regardless of the identity side, as role trust policies require for
	// sts:AssumeRole*.
	ResourceRequired bool
}

// Result is the outcome of Evaluate.
type Result struct {
	// Decision is the outcome.
	Decision Decision
	// DeniedBy says which kind of policy denied (explicitly or for lack of
	// an allow) when Decision is not Allow; see Reason.
	DeniedBy Source
	// AllowedByBoundary reports whether the permissions boundary allowed
	// the request (false when there is none).
	AllowedByBoundary bool
	// Matched lists the statements that applied (Trace only), in order:
	// identity, boundary, session, resource-based.
	Matched []Match
	// Missing lists the context keys, as written in the policies, that
	// applicable statements referenced but the context lacked (Trace
	// only).
	Missing []string
}

// Reason completes an AccessDenied message after "User: … is not
// authorized to perform: <action> on resource: <arn> ": "with an explicit
// deny in an identity-based policy" or "because no identity-based policy
// allows the <action> action". It returns "" when allowed.
func (r Result) Reason(action string) string {
	src := r.DeniedBy
	if src == SourceNone {
		src = SourceIdentity
	}
	switch r.Decision {
	case ExplicitDeny:
		return "with an explicit deny in " + src.article() + src.String()
	case ImplicitDeny:
		return "because no " + src.String() + " allows the " + action + " action"
	}
	return ""
}

// state is the per-request evaluation state.
type state struct {
	req      *Request
	env      env
	boundary bool // the principal has a permissions boundary
	matched  []Match
	split    bool     // resource has been split into parts
	resource arnParts // req.Resource split at its first five colons
	// svc is the lower-case service prefix of the action; indexed is
	// false when the index cannot serve the action (no colon, a service
	// that is not ASCII, a name that is empty or starts with a non-ASCII
	// character).
	svc     string
	svcHash uint32 // svcHash(svc)
	svcHead uint64 // svcHead(svc)
	indexed bool
	// name is the action name, after the colon.
	name string
	// asciiAction is set when the action is ASCII (see actionInfix).
	asciiAction bool
	// first is the lower-case first byte of name.
	first byte
}

func (st *state) initService() {
	a := st.req.Action
	st.asciiAction = isASCII(a)
	i := strings.IndexByte(a, ':')
	if i < 0 {
		return
	}
	svc := a[:i]
	st.name = a[i+1:]
	if st.name == "" || st.name[0] >= utf8.RuneSelf {
		return
	}
	st.first = lower(st.name[0])
	upper := false
	for k := 0; k < len(svc); k++ {
		c := svc[k]
		if c >= utf8.RuneSelf {
			return
		}
		upper = upper || (c >= 'A' && c <= 'Z')
	}
	if upper {
		svc = strings.ToLower(svc) // rare: allocates
	}
	st.svc, st.svcHash, st.svcHead, st.indexed = svc, svcHash(svc), svcHead(svc), true
}

func (st *state) resourceParts() *arnParts {
	if !st.split {
		st.resource.split(st.req.Resource)
		st.split = true
	}
	return &st.resource
}

// groupResult is the outcome of one group of policies.
type groupResult struct {
	allow, deny bool
	grant       grant
}

// Evaluate decides req against set, following AWS's single-account order:
//
//  1. An explicit Deny in any policy denies.
//  2. Identity side: an identity-based policy must allow, and so must the
//     permissions boundary (if any) and the session policies (if any).
//  3. A resource-based policy's Allow (same account) grants when its
//     Principal names the caller itself (user, role session, federated
//     user, service, web identity, or "*"); when it names the role of a
//     role session (or the parent user of a federated user) the boundary
//     and session policies must still allow; when it names only the
//     account, the identity side must allow.
//  4. With ResourceRequired the resource-based policy must allow in any
//     case; cross-account (Request.ResourceAccount differs from the
//     caller's account) both sides must allow.
//
// The root user is not special-cased: callers skip evaluation for it.
func Evaluate(req *Request, set *PolicySet) Result {
	if set == nil {
		return Result{Decision: ImplicitDeny, DeniedBy: SourceIdentity}
	}
	st := state{req: req, env: env{ctx: req.Context, trace: req.Trace}, boundary: set.Boundary != nil}
	st.initService()
	var res Result

	var id, bd, ss, rs groupResult
	for i := range set.Identity {
		evalNamed(&st, &set.Identity[i], SourceIdentity, &id)
		if id.deny && !req.Trace {
			return Result{Decision: ExplicitDeny, DeniedBy: SourceIdentity}
		}
	}
	if set.Boundary != nil {
		evalNamed(&st, set.Boundary, SourceBoundary, &bd)
		if bd.deny && !req.Trace {
			return Result{Decision: ExplicitDeny, DeniedBy: SourceBoundary}
		}
	}
	for i := range set.Session {
		evalNamed(&st, &set.Session[i], SourceSession, &ss)
		if ss.deny && !req.Trace {
			return Result{Decision: ExplicitDeny, DeniedBy: SourceSession}
		}
	}
	if set.Resource != nil {
		evalNamed(&st, set.Resource, SourceResource, &rs)
		if rs.deny && !req.Trace {
			return Result{Decision: ExplicitDeny, DeniedBy: SourceResource}
		}
	}
	res.Matched = st.matched
	res.Missing = st.env.missing
	res.AllowedByBoundary = set.Boundary != nil && bd.allow && !bd.deny

	switch {
	case id.deny:
		res.Decision, res.DeniedBy = ExplicitDeny, SourceIdentity
		return res
	case bd.deny:
		res.Decision, res.DeniedBy = ExplicitDeny, SourceBoundary
		return res
	case ss.deny:
		res.Decision, res.DeniedBy = ExplicitDeny, SourceSession
		return res
	case rs.deny:
		res.Decision, res.DeniedBy = ExplicitDeny, SourceResource
		return res
	}

	boundaryOK := set.Boundary == nil || bd.allow
	sessionOK := set.Session == nil || ss.allow
	identitySide := id.allow && boundaryOK && sessionOK
	resourceGrants := false
	if rs.allow {
		switch rs.grant {
		case grantFull:
			resourceGrants = true
		case grantLimited:
			resourceGrants = boundaryOK && sessionOK
		}
	}
	p := req.Principal
	cross := req.ResourceAccount != "" && p != nil && p.Account != "" && p.Account != req.ResourceAccount

	var allowed bool
	switch {
	case cross:
		allowed = identitySide && rs.allow
	case set.ResourceRequired:
		allowed = rs.allow && (identitySide || resourceGrants)
	default:
		allowed = identitySide || resourceGrants
	}
	if allowed {
		res.Decision = Allow
		return res
	}
	res.Decision = ImplicitDeny
	switch {
	case (set.ResourceRequired || cross) && !rs.allow:
		res.DeniedBy = SourceResource
	case !cross && rs.allow && rs.grant == grantLimited && !boundaryOK:
		res.DeniedBy = SourceBoundary
	case !cross && rs.allow && rs.grant == grantLimited && !sessionOK:
		res.DeniedBy = SourceSession
	case !id.allow:
		res.DeniedBy = SourceIdentity
	case !boundaryOK:
		res.DeniedBy = SourceBoundary
	case !sessionOK:
		res.DeniedBy = SourceSession
	default:
		res.DeniedBy = SourceResource
	}
	return res
}

// EvaluatePolicy evaluates one policy on its own (the simulator's
// per-policy view): whether an Allow and whether a Deny statement applies,
// and every statement that applied. Principal elements are matched against
// req.Principal.
func EvaluatePolicy(p *Policy, req *Request) (allow, deny bool, matched []Match) {
	st := state{req: req, env: env{ctx: req.Context, trace: true}}
	st.initService()
	var g groupResult
	evalNamed(&st, &NamedPolicy{Policy: p}, SourceNone, &g)
	return g.allow, g.deny, st.matched
}

// evalNamed evaluates one policy into the group result g.
func evalNamed(st *state, np *NamedPolicy, src Source, g *groupResult) {
	p := np.Policy
	if p == nil {
		return
	}
	cp := &p.compiled
	if !st.indexed {
		scan(st, np, src, g, cp.all)
		return
	}
	first, unkeyed := cp.candidates(st)
	other := cp.other
	// With Trace the statements are visited in document order (for
	// Matched and Missing): the lists are merged when more than one has
	// candidates. Without Trace the outcome does not depend on the order:
	// one list after the other.
	if st.env.trace && nonEmpty(first, unkeyed, other) > 1 {
		merge(st, np, src, g, [3][]cand{first, unkeyed, other})
		return
	}
	if len(first) > 0 && scan(st, np, src, g, first) {
		return
	}
	if len(unkeyed) > 0 && scan(st, np, src, g, unkeyed) {
		return
	}
	if len(other) > 0 {
		scan(st, np, src, g, other)
	}
}

func nonEmpty(lists ...[]cand) int {
	n := 0
	for _, l := range lists {
		if len(l) > 0 {
			n++
		}
	}
	return n
}

// scan evaluates the candidates of list into g. It returns true when an
// explicit deny ended the evaluation (without Trace).
func scan(st *state, np *NamedPolicy, src Source, g *groupResult, list []cand) bool {
	trace := st.env.trace
	for i := range list {
		c := &list[i]
		s := c.s
		if !trace && !s.deny && g.allow && (src != SourceResource || g.grant == grantFull) {
			continue // another Allow changes nothing; only Deny can
		}
		ok, gr := s.applies(st, c.acts)
		if !ok {
			continue
		}
		if trace {
			st.match(np, src, s)
		}
		if s.deny {
			g.deny = true
			if !trace {
				return true
			}
		} else {
			g.allow = true
			if gr > g.grant {
				g.grant = gr
			}
		}
	}
	return false
}

// merge evaluates, with Trace, the candidates of several lists in
// document order (for Matched and Missing).
func merge(st *state, np *NamedPolicy, src Source, g *groupResult, lists [3][]cand) {
	for {
		k := -1
		for j := range lists {
			if len(lists[j]) > 0 && (k < 0 || lists[j][0].s.index < lists[k][0].s.index) {
				k = j
			}
		}
		if k < 0 {
			return
		}
		c := &lists[k][0]
		lists[k] = lists[k][1:]
		s := c.s
		ok, gr := s.applies(st, c.acts)
		if !ok {
			continue
		}
		st.match(np, src, s)
		if s.deny {
			g.deny = true
		} else {
			g.allow = true
			if gr > g.grant {
				g.grant = gr
			}
		}
	}
}

// match records, with Trace, that statement s of np applied.
func (st *state) match(np *NamedPolicy, src Source, s *cstmt) {
	ps := &np.Policy.statements[s.index]
	st.matched = append(st.matched, Match{
		PolicyID: np.ID, PolicyType: np.Type, Source: src,
		StatementIndex: s.index, Sid: s.sid, Effect: ps.Effect.String(),
		Start: ps.Start, End: ps.End,
	})
}

// applies reports whether the statement applies to the request and, for
// an Allow in a resource-based policy, how its Principal names the caller.
// acts are the Action (or NotAction) patterns to test: the statement's
// own, or those the index found (see cand).
func (s *cstmt) applies(st *state, acts []actionPattern) (bool, grant) {
	req := st.req
	m := false
	action := req.Action
	for i := range acts {
		a := &acts[i]
		// The common ASCII exact/prefix cases inline; the rest in match.
		switch {
		case a.mode == actionNamePrefix:
			m = len(st.name) >= len(a.lit) && hasPrefixLower(st.name, a.lit)
		case a.mode == actionNameExact:
			m = len(st.name) == len(a.lit) && hasPrefixLower(st.name, a.lit)
		case a.mode == actionExact && a.ascii:
			m = len(action) == len(a.lit) && hasPrefixLower(action, a.lit)
		case a.mode == actionPrefix && a.ascii:
			m = len(action) >= len(a.lit) && hasPrefixLower(action, a.lit)
		case a.mode == actionInfix && st.asciiAction:
			m = a.matchInfixASCII(action)
		default:
			m = a.match(action)
		}
		if m {
			break
		}
	}
	if m == s.notAction {
		return false, grantNone
	}
	switch s.resMode {
	case resList:
		m = false
		v := st.resourceParts()
		for i := range s.resources {
			r := &s.resources[i]
			if !r.cannotMatch(v) && r.matchParts(v, &st.env) {
				m = true
				break
			}
		}
		if !m {
			return false, grantNone
		}
	case resNot:
		v := st.resourceParts()
		for i := range s.resources {
			r := &s.resources[i]
			if !r.cannotMatch(v) && r.matchParts(v, &st.env) {
				return false, grantNone
			}
		}
	}
	g := grantAccount
	if s.prin != nil {
		g = s.prin.match(req.Principal)
		if s.notPrin {
			// NotPrincipal with Deny denies every principal that has a
			// permissions boundary, whatever it lists.
			if g != grantNone && !(s.deny && st.boundary) {
				return false, grantNone
			}
			g = grantAccount
		} else if g == grantNone {
			return false, grantNone
		}
	}
	ok := true
	for i := range s.conds {
		if !s.conds[i].eval(&st.env) {
			ok = false
			if !st.env.trace {
				break
			}
		}
	}
	return ok, g
}
