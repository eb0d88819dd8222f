package policy

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// cpolicy is a compiled policy: its statements plus an index from the
// (lower-case) service prefix of their actions to the statements that can
// apply, so evaluation skips statements that cannot name the action.
type cpolicy struct {
	stmts []cstmt
	// bySvc maps a service (entries sorted by name) to the positions, in
	// document order, of the statements whose Action patterns name it,
	// merged with other.
	bySvc []svcEntry
	// other lists the statements that must be considered for every action
	// (NotAction, "*", wildcards in the service).
	other []int32
	// all lists every statement, for actions the index cannot serve.
	all []int32
}

type svcEntry struct {
	svc   string
	stmts []int32
}

// candidates returns the positions of the statements that may apply to an
// action of service svc (lower case); indexed=false means the service
// could not be derived and every statement must be considered.
func (cp *cpolicy) candidates(svc string, indexed bool) []int32 {
	if !indexed {
		return cp.all
	}
	e := cp.bySvc
	if len(e) > 16 {
		i := sort.Search(len(e), func(i int) bool { return e[i].svc >= svc })
		if i < len(e) && e[i].svc == svc {
			return e[i].stmts
		}
		return cp.other
	}
	for i := range e {
		if k := e[i].svc; len(k) == len(svc) && (len(k) == 0 || k[0] == svc[0]) && k == svc {
			return e[i].stmts
		}
	}
	return cp.other
}

// cstmt is a compiled statement: patterns tokenised, condition values
// parsed, variables located, so evaluation does no parsing of the policy.
type cstmt struct {
	index     int
	sid       string
	deny      bool
	notAction bool
	actions   []actionPattern
	resMode   resMode
	resources []arnPattern
	prin      *cprincipal
	notPrin   bool
	conds     []ccond
}

type resMode uint8

const (
	resAny  resMode = iota // no Resource element (trust and resource policies)
	resList                // Resource
	resNot                 // NotResource
)

func compile(p *Policy) cpolicy {
	vars := p.version == Version2012
	out := make([]cstmt, len(p.statements))
	cp := cpolicy{stmts: out}
	bySvc := map[string][]int32{}
	for i := range p.statements {
		s := &p.statements[i]
		c := &out[i]
		c.index = i
		c.sid = s.Sid
		c.deny = s.Effect == EffectDeny
		acts := s.Action
		if s.NotAction != nil {
			acts, c.notAction = s.NotAction, true
		}
		c.actions = make([]actionPattern, len(acts))
		for j, a := range acts {
			c.actions[j] = compileAction(a)
		}
		res := s.Resource
		switch {
		case s.Resource != nil:
			c.resMode = resList
		case s.NotResource != nil:
			c.resMode, res = resNot, s.NotResource
		}
		c.resources = make([]arnPattern, len(res))
		for j, r := range res {
			c.resources[j] = compileARN(r, vars, true)
		}
		if s.Principal != nil {
			c.prin = compilePrincipal(s.Principal)
		} else if s.NotPrincipal != nil {
			c.prin, c.notPrin = compilePrincipal(s.NotPrincipal), true
		}
		for _, cond := range s.Conditions {
			info, ok := parseOperator(cond.Operator)
			if !ok {
				continue
			}
			c.conds = append(c.conds, compileCondition(cond, info, vars && variablesAllowed(info.base)))
		}
		if svcs, ok := literalServices(c, acts); ok {
			for _, svc := range svcs {
				bySvc[svc] = append(bySvc[svc], int32(i))
			}
		} else {
			cp.other = append(cp.other, int32(i))
		}
	}
	for svc, list := range bySvc {
		merged := append(slices.Clone(list), cp.other...)
		slices.Sort(merged)
		cp.bySvc = append(cp.bySvc, svcEntry{svc, merged})
	}
	cp.all = make([]int32, len(out))
	for i := range cp.all {
		cp.all[i] = int32(i)
	}
	sort.Slice(cp.bySvc, func(i, j int) bool { return cp.bySvc[i].svc < cp.bySvc[j].svc })
	return cp
}

// literalServices returns the distinct lower-case services a statement's
// Action patterns name, or ok=false when it must be considered for every
// action.
func literalServices(c *cstmt, acts []string) (svcs []string, ok bool) {
	if c.notAction {
		return nil, false
	}
	for _, a := range acts {
		i := strings.IndexByte(a, ':')
		if i < 0 {
			return nil, false
		}
		svc := a[:i]
		for k := 0; k < len(svc); k++ {
			if ch := svc[k]; ch == '*' || ch == '?' || ch >= utf8.RuneSelf {
				return nil, false
			}
		}
		svc = strings.ToLower(svc)
		if !slices.Contains(svcs, svc) {
			svcs = append(svcs, svc)
		}
	}
	return svcs, len(svcs) > 0
}
