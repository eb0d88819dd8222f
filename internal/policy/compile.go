package policy

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

func compile(p *Policy) []cstmt {
	vars := p.version == Version2012
	out := make([]cstmt, len(p.statements))
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
	}
	return out
}
