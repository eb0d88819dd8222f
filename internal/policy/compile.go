package policy

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// cpolicy is a compiled policy: its statements plus an index from the
// (lower-case) service prefix of their actions, and then from the first
// letter of the action name, to the statements that can apply, so
// evaluation skips statements that cannot name the action.
//
// For an action of service svc whose name starts with the ASCII byte c,
// the candidates are those of svc's byFirst entry for lower(c), svc's
// unkeyed list and other: three disjoint lists, each in document order.
// Every statement is in at most one list per service, so the index grows
// with the number of patterns, not with services × letters.
type cpolicy struct {
	stmts []cstmt
	// bySvc holds the index entries of the services the statements'
	// Action patterns name.
	bySvc []svcEntry
	// svcTab is an open-addressing hash table over bySvc: a power-of-two
	// number of slots holding an index into bySvc plus one, 0 when empty,
	// probed linearly from svcHash(svc).
	svcTab []int32
	// other lists the statements that must be considered for every action
	// (NotAction, "*", "*:…").
	other []cand
	// all lists every statement, for actions the index cannot serve.
	all []cand
}

// cand is a statement that may apply to an action, with the Action
// patterns to test it with. In other and all these are the statement's
// own; in a svcEntry, only those of the entry's service (and letter), the
// ASCII literal ones compared with the action name alone (actionName*
// modes), the service being known to be the action's.
type cand struct {
	s    *cstmt
	acts []actionPattern
}

// svcEntry indexes the statements whose Action patterns name one service
// (and not only "*:…" ones).
type svcEntry struct {
	svc  string
	hash uint32 // svcHash(svc)
	head uint64 // svcHead(svc)
	// byFirst maps the lower-case first byte of an action name (entries
	// sorted by byte) to the statements whose patterns of the service
	// all start their name with a literal ASCII byte, one of them with
	// this one (with those patterns).
	byFirst []firstEntry
	// unkeyed lists the statements with a pattern of the service whose
	// name starts with a wildcard or a non-ASCII character (with all
	// their patterns of the service).
	unkeyed []cand
}

type firstEntry struct {
	c     byte
	cands []cand
}

// candidates returns the indexed candidates of the action of st (which
// must be indexed): the byFirst list and the unkeyed list of its service.
// cp.other comes on top.
func (cp *cpolicy) candidates(st *state) (byFirst, unkeyed []cand) {
	t := cp.svcTab
	if len(t) == 0 {
		return nil, nil
	}
	mask := uint32(len(t) - 1)
	for j := st.svcHash & mask; t[j] != 0; j = (j + 1) & mask {
		e := &cp.bySvc[t[j]-1]
		if e.head != st.svcHead || len(e.svc) != len(st.svc) || len(e.svc) > 8 && e.svc != st.svc {
			continue
		}
		for i := range e.byFirst {
			if f := &e.byFirst[i]; f.c == st.first {
				return f.cands, e.unkeyed
			}
		}
		return nil, e.unkeyed
	}
	return nil, nil
}

// svcHash is the FNV-1a hash of a service name, for svcTab.
func svcHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// svcHead packs the first eight bytes of a service name: with the length,
// it identifies names of up to eight bytes without comparing strings.
func svcHead(s string) uint64 {
	var h uint64
	for i := 0; i < len(s) && i < 8; i++ {
		h |= uint64(s[i]) << (8 * i)
	}
	return h
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
	lits := make([][]svcPattern, len(out))
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
		if pats, ok := literalServices(c, acts); ok {
			lits[i] = pats
		}
	}
	// The statements whose patterns all name literal services are
	// indexed; the others are candidates for every action.
	type svcBuild struct {
		unkeyed []cand
		byFirst []firstEntry
	}
	bySvc := map[string]*svcBuild{}
	var svcs []string
	cp.all = make([]cand, 0, len(out))
	for i := range out {
		s := &out[i]
		cp.all = append(cp.all, cand{s, s.actions})
		if lits[i] == nil {
			cp.other = append(cp.other, cand{s, s.actions})
			continue
		}
		// The patterns by service, then first letter: runs of one service
		// go to its unkeyed list (when one of them has no letter) or to
		// the lists of their letters.
		ps := lits[i]
		slices.SortStableFunc(ps, func(x, y svcPattern) int {
			return cmp.Or(strings.Compare(x.svc, y.svc), int(x.first)-int(y.first))
		})
		acts := make([]actionPattern, len(ps))
		for j := range ps {
			acts[j] = ps[j].pat
		}
		for j := 0; j < len(ps); {
			svc := ps[j].svc
			end, unkeyed := j, false
			for end < len(ps) && ps[end].svc == svc {
				unkeyed = unkeyed || !ps[end].keyed
				end++
			}
			b := bySvc[svc]
			if b == nil {
				b = &svcBuild{}
				bySvc[svc] = b
				svcs = append(svcs, svc)
			}
			if unkeyed {
				b.unkeyed = append(b.unkeyed, cand{s, acts[j:end]})
				j = end
				continue
			}
			for j < end {
				f, k := ps[j].first, j
				for k < end && ps[k].first == f {
					k++
				}
				n := slices.IndexFunc(b.byFirst, func(e firstEntry) bool { return e.c == f })
				if n < 0 {
					b.byFirst = append(b.byFirst, firstEntry{c: f})
					n = len(b.byFirst) - 1
				}
				b.byFirst[n].cands = append(b.byFirst[n].cands, cand{s, acts[j:k]})
				j = k
			}
		}
	}
	slices.Sort(svcs)
	// The lists and their patterns go into two arrays, in the order of
	// the index, for locality.
	var nc, np int
	for _, b := range bySvc {
		for _, f := range b.byFirst {
			nc += len(f.cands)
			for _, c := range f.cands {
				np += len(c.acts)
			}
		}
		nc += len(b.unkeyed)
		for _, c := range b.unkeyed {
			np += len(c.acts)
		}
	}
	cands := make([]cand, 0, nc)
	pats := make([]actionPattern, 0, np)
	pack := func(list []cand) []cand {
		start := len(cands)
		for _, c := range list {
			p0 := len(pats)
			pats = append(pats, c.acts...)
			cands = append(cands, cand{c.s, pats[p0:len(pats):len(pats)]})
		}
		return cands[start:len(cands):len(cands)]
	}
	for _, svc := range svcs {
		b := bySvc[svc]
		e := svcEntry{svc: svc, hash: svcHash(svc), head: svcHead(svc), byFirst: b.byFirst}
		slices.SortFunc(e.byFirst, func(x, y firstEntry) int { return int(x.c) - int(y.c) })
		for i := range e.byFirst {
			e.byFirst[i].cands = pack(e.byFirst[i].cands)
		}
		e.unkeyed = pack(b.unkeyed)
		cp.bySvc = append(cp.bySvc, e)
	}
	if n := len(cp.bySvc); n > 0 {
		size := 8
		for size < 2*n {
			size *= 2
		}
		cp.svcTab = make([]int32, size)
		mask := uint32(size - 1)
		for i := range cp.bySvc {
			j := cp.bySvc[i].hash & mask
			for cp.svcTab[j] != 0 {
				j = (j + 1) & mask
			}
			cp.svcTab[j] = int32(i + 1)
		}
	}
	return cp
}

// svcPattern is an Action pattern whose service is literal ASCII text.
type svcPattern struct {
	svc   string // lower case
	first byte   // keyed: the lower-case first byte of the action name
	keyed bool
	// pat is the pattern for the index: ASCII literal and prefix patterns
	// are compared with the action name alone, the service being known
	// equal.
	pat actionPattern
}

// literalServices returns the statement's Action patterns with their
// (lower-case) services and the first letters of their action names, or
// ok=false when the statement must be considered for every action.
//
// A pattern whose service is literal ASCII text can only match an action
// of that service (compared without regard to ASCII case). When the
// action name's first byte is ASCII and not a wildcard, the pattern can
// only match action names starting with the same byte, ignoring ASCII
// case: no other ASCII byte folds to it, and actions whose name starts
// with a non-ASCII character do not use the index (see state.indexed).
func literalServices(c *cstmt, acts []string) (pats []svcPattern, ok bool) {
	if c.notAction || len(acts) == 0 {
		return nil, false
	}
	pats = make([]svcPattern, len(acts))
	for j, a := range acts {
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
		pi := &pats[j]
		pi.svc = strings.ToLower(svc)
		if name := a[i+1:]; name != "" && name[0] != '*' && name[0] != '?' && name[0] < utf8.RuneSelf {
			pi.first, pi.keyed = lower(name[0]), true
		}
		pi.pat = c.actions[j]
		if pi.pat.ascii {
			switch pi.pat.mode {
			case actionExact:
				pi.pat.mode, pi.pat.lit = actionNameExact, pi.pat.lit[i+1:]
			case actionPrefix:
				pi.pat.mode, pi.pat.lit = actionNamePrefix, pi.pat.lit[i+1:]
			}
		}
	}
	return pats, true
}
