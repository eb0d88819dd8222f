package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Patterns are compiled once into token lists: literal text, '*' (any run,
// including none), '?' (exactly one character) and policy variables, whose
// resolved values are always matched literally.

type tokKind uint8

const (
	tokLit tokKind = iota
	tokStar
	tokOne
	tokVar
)

type token struct {
	kind tokKind
	lit  string // tokLit: the text
	idx  int    // tokVar: index into the owner's variables
}

// tokenize compiles s. With wild, '*' and '?' are wildcards; with vars,
// ${...} are policy variables (appended to *vs).
func tokenize(s string, wild, vars bool, vs *[]variable) []token {
	var toks []token
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, token{kind: tokLit, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if wild && c == '*' {
			flush()
			if len(toks) == 0 || toks[len(toks)-1].kind != tokStar {
				toks = append(toks, token{kind: tokStar})
			}
			i++
			continue
		}
		if wild && c == '?' {
			flush()
			toks = append(toks, token{kind: tokOne})
			i++
			continue
		}
		if vars && c == '$' && i+1 < len(s) && s[i+1] == '{' {
			if end := strings.IndexByte(s[i+2:], '}'); end >= 0 {
				body := s[i+2 : i+2+end]
				if special, ok := specialVariable(body); ok {
					lit.WriteByte(special)
					i += end + 3
					continue
				}
				if v, ok := parseVariable(body); ok {
					flush()
					toks = append(toks, token{kind: tokVar, idx: len(*vs)})
					*vs = append(*vs, v)
					i += end + 3
					continue
				}
			}
		}
		lit.WriteByte(c)
		i++
	}
	flush()
	return toks
}

// literalText reports whether toks is a single literal (or empty), and its
// text.
func literalText(toks []token) (string, bool) {
	switch {
	case len(toks) == 0:
		return "", true
	case len(toks) == 1 && toks[0].kind == tokLit:
		return toks[0].lit, true
	}
	return "", false
}

// globMatch matches s against toks, with res holding the resolved variable
// values. fold compares literals case-insensitively.
func globMatch(toks []token, res []string, s string, fold bool) bool {
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tokStar:
				starT, starS = ti, si
				ti++
				continue
			case tokOne:
				if si < len(s) {
					_, w := utf8.DecodeRuneInString(s[si:])
					si += w
					ti++
					continue
				}
			default:
				lit := t.lit
				if t.kind == tokVar {
					lit = res[t.idx]
				}
				if n, ok := matchPrefix(s[si:], lit, fold); ok {
					si += n
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last '*' swallow one more character…
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, w := utf8.DecodeRuneInString(s[starS:])
		starS += w
		// …or, when a literal follows it, skip to where its first byte
		// occurs.
		if next := starT + 1; next < len(toks) && toks[next].kind == tokLit {
			if j, ok := skipTo(s[starS:], toks[next].lit[0], fold); ok {
				if j < 0 {
					return false
				}
				starS += j
			}
		}
		ti, si = starT+1, starS
	}
}

// skipTo returns the index of the first byte of s that can start a match
// of a literal beginning with c (-1 if none), or ok=false when c gives no
// safe shortcut (non-ASCII, or an ASCII letter with non-ASCII case
// equivalents under Unicode folding: k, s).
func skipTo(s string, c byte, fold bool) (int, bool) {
	if c >= utf8.RuneSelf {
		return 0, false
	}
	if !fold {
		return strings.IndexByte(s, c), true
	}
	lc := lower(c)
	if lc == 'k' || lc == 's' {
		return 0, false
	}
	if lc < 'a' || lc > 'z' {
		return strings.IndexByte(s, c), true
	}
	uc := lc - ('a' - 'A')
	for i := 0; i < len(s); i++ {
		if s[i] == lc || s[i] == uc {
			return i, true
		}
	}
	return -1, true
}

// matchPrefix reports whether s starts with lit and how many bytes of s
// that takes.
func matchPrefix(s, lit string, fold bool) (int, bool) {
	if !fold {
		if strings.HasPrefix(s, lit) {
			return len(lit), true
		}
		return 0, false
	}
	i := 0
	for j := 0; j < len(lit); {
		if i >= len(s) {
			return 0, false
		}
		a, b := s[i], lit[j]
		if a < utf8.RuneSelf && b < utf8.RuneSelf {
			if a != b && lower(a) != lower(b) {
				return 0, false
			}
			i++
			j++
			continue
		}
		r1, w1 := utf8.DecodeRuneInString(s[i:])
		r2, w2 := utf8.DecodeRuneInString(lit[j:])
		if !foldEqual(r1, r2) {
			return 0, false
		}
		i += w1
		j += w2
	}
	return i, true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func foldEqual(r, t rune) bool {
	if r == t {
		return true
	}
	f := unicode.SimpleFold(r)
	for f != r && f != t {
		f = unicode.SimpleFold(f)
	}
	return f == t
}

// ---- actions ----------------------------------------------------------------

type actionMode uint8

const (
	actionAll actionMode = iota
	actionExact
	actionPrefix
	actionGlob
	// actionNameExact and actionNamePrefix are actionExact and
	// actionPrefix (ASCII) with lit holding only the action name, after
	// the colon: the patterns of the action index (see cand), whose
	// service is known to be the action's.
	actionNameExact
	actionNamePrefix
	// actionInfix is an actionGlob of the form pre*lit* with pre and lit
	// ASCII (pre may be empty, lit not): for an ASCII action, a
	// case-insensitive prefix test and substring search (see
	// matchInfixASCII); for any other, the token list.
	actionInfix
)

// actionPattern is a compiled Action/NotAction value. Actions match
// case-insensitively; '*' and '?' are wildcards; there are no variables.
type actionPattern struct {
	mode actionMode
	lit  string // lower case
	// ascii is set when lit is ASCII, enabling the byte-wise comparison.
	ascii bool
	toks  []token
	pre   string // actionInfix: the text before the first '*', lower case
}

func compileAction(a string) actionPattern {
	if a == "*" {
		return actionPattern{mode: actionAll}
	}
	toks := tokenize(a, true, false, nil)
	lit, ok := literalText(toks)
	mode := actionExact
	if !ok {
		if len(toks) == 2 && toks[0].kind == tokLit && toks[1].kind == tokStar {
			lit, mode = toks[0].lit, actionPrefix
		} else {
			return compileGlobAction(toks)
		}
	}
	p := actionPattern{mode: mode, lit: strings.ToLower(lit), ascii: true}
	for i := 0; i < len(p.lit); i++ {
		if p.lit[i] >= utf8.RuneSelf {
			p.ascii = false
		}
	}
	return p
}

// compileGlobAction recognises the actionInfix shape among wildcard
// patterns.
func compileGlobAction(toks []token) actionPattern {
	p := actionPattern{mode: actionGlob, toks: toks}
	t := toks
	var pre string
	if len(t) == 4 && t[0].kind == tokLit {
		pre, t = t[0].lit, t[1:]
	}
	if len(t) == 3 && t[0].kind == tokStar && t[1].kind == tokLit && t[2].kind == tokStar && isASCII(pre) && isASCII(t[1].lit) {
		p.mode, p.pre, p.lit = actionInfix, strings.ToLower(pre), strings.ToLower(t[1].lit)
	}
	return p
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// matchInfixASCII matches an actionInfix pattern against an ASCII action.
// ASCII characters fold only to ASCII characters (and ASCII letters to
// their other case alone), so for such an action the byte-wise comparison
// ignoring ASCII case is the pattern's Unicode case-insensitive match.
func (p *actionPattern) matchInfixASCII(action string) bool {
	if len(action) < len(p.pre)+len(p.lit) || !hasPrefixLower(action, p.pre) {
		return false
	}
	s, lit := action[len(p.pre):], p.lit
	c := lit[0]
	for i := 0; i+len(lit) <= len(s); i++ {
		if lower(s[i]) == c && hasPrefixLower(s[i:], lit) {
			return true
		}
	}
	return false
}

func (p *actionPattern) match(action string) bool {
	switch p.mode {
	case actionGlob, actionInfix:
		return globMatch(p.toks, nil, action, true)
	case actionAll:
		return true
	case actionExact:
		if p.ascii {
			return len(action) == len(p.lit) && hasPrefixLower(action, p.lit)
		}
		return strings.EqualFold(action, p.lit)
	case actionPrefix:
		if p.ascii {
			return len(action) >= len(p.lit) && hasPrefixLower(action, p.lit)
		}
		_, ok := matchPrefix(action, p.lit, true)
		return ok
	}
	// actionNameExact, actionNamePrefix
	i := strings.IndexByte(action, ':')
	if i < 0 {
		return false
	}
	return p.matchName(action[i+1:])
}

// matchName matches an actionName* pattern against the action name.
func (p *actionPattern) matchName(name string) bool {
	if p.mode == actionNameExact {
		return len(name) == len(p.lit) && hasPrefixLower(name, p.lit)
	}
	return len(name) >= len(p.lit) && hasPrefixLower(name, p.lit)
}

// hasPrefixLower reports whether s starts with lit, an ASCII lower-case
// string, ignoring ASCII case. The caller checks len(s) >= len(lit).
func hasPrefixLower(s, lit string) bool {
	for i := 0; i < len(lit); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lit[i] {
			return false
		}
	}
	return true
}

// ---- ARNs ---------------------------------------------------------------

// arnParts is a value split at its first five colons.
type arnParts struct {
	full  string
	n     int       // number of parts (1..6)
	parts [6]string // parts[n-1] is the rest of the value
	start [6]int    // byte offset of each part in full
}

func splitARN(s string) arnParts {
	var a arnParts
	a.split(s)
	return a
}

// split fills a from s (a must be zero).
func (a *arnParts) split(s string) {
	a.full = s
	off := 0
	for a.n < 5 {
		j := strings.IndexByte(s[off:], ':')
		if j < 0 {
			break
		}
		a.parts[a.n], a.start[a.n] = s[off:off+j], off
		a.n++
		off += j + 1
	}
	a.parts[a.n], a.start[a.n] = s[off:], off
	a.n++
}

// segKind classifies a compiled ARN segment for fast matching.
type segKind uint8

const (
	segGlob segKind = iota // general token list
	segLit                 // literal text
	segAll                 // "*"
)

type arnSeg struct {
	kind segKind
	lit  string  // segLit: the text; segGlob: the leading literal text
	toks []token // segGlob
	vars bool    // the segment holds variables
}

// arnPattern is a compiled ARN pattern (Resource/NotResource values and the
// Arn* condition operators). The pattern and the value are compared
// segment by segment (arn:partition:service:region:account:resource);
// wildcards do not cross the colons between the first five segments, and
// the resource part may itself contain colons and slashes. A pattern with
// fewer than six segments whose last one ends in '*' lets that '*' run
// over the remaining colons ("arn:aws:iam::*" matches every IAM ARN).
type arnPattern struct {
	all   bool
	segs  []arnSeg
	cross bool
	vars  []variable
	// foldPrefix compares the first five segments case-insensitively (the
	// Resource element); the resource part is always case-sensitive.
	foldPrefix bool
	// tail is the literal text the resource part (the sixth segment) of a
	// six-segment pattern starts with, "" if none: a value whose resource
	// part does not start with it cannot match (see cannotMatch).
	tail string
}

// cannotMatch is a quick rejection, cheap enough to run before
// matchParts: it reports that v has no resource part starting with the
// pattern's tail. False means nothing.
func (p *arnPattern) cannotMatch(v *arnParts) bool {
	return p.tail != "" && (v.n != 6 || len(v.parts[5]) < len(p.tail) || v.parts[5][0] != p.tail[0] || v.parts[5][:len(p.tail)] != p.tail)
}

func compileARN(s string, vars, foldPrefix bool) arnPattern {
	if s == "*" {
		return arnPattern{all: true}
	}
	p := arnPattern{foldPrefix: foldPrefix}
	toks := tokenize(s, true, vars, &p.vars)
	var segs [][]token
	var cur []token
	for _, t := range toks {
		if t.kind != tokLit || len(segs) == 5 {
			cur = append(cur, t)
			continue
		}
		lit := t.lit
		for len(segs) < 5 {
			i := strings.IndexByte(lit, ':')
			if i < 0 {
				break
			}
			if i > 0 {
				cur = append(cur, token{kind: tokLit, lit: lit[:i]})
			}
			segs = append(segs, cur)
			cur = nil
			lit = lit[i+1:]
		}
		if lit != "" {
			cur = append(cur, token{kind: tokLit, lit: lit})
		}
	}
	segs = append(segs, cur)
	if n := len(segs); n < 6 && len(cur) > 0 && cur[len(cur)-1].kind == tokStar {
		p.cross = true
	}
	p.segs = make([]arnSeg, len(segs))
	for i, toks := range segs {
		sg := &p.segs[i]
		switch lit, ok := literalText(toks); {
		case ok:
			sg.kind, sg.lit = segLit, lit
		case len(toks) == 1 && toks[0].kind == tokStar:
			sg.kind = segAll
		default:
			sg.kind, sg.toks = segGlob, toks
			if toks[0].kind == tokLit {
				sg.lit = toks[0].lit
			}
			for _, t := range toks {
				if t.kind == tokVar {
					sg.vars = true
				}
			}
		}
	}
	if len(p.segs) == 6 && p.segs[5].kind != segAll {
		p.tail = p.segs[5].lit
	}
	return p
}

// match reports whether value matches. It returns false when a variable
// the pattern uses cannot be resolved.
func (p *arnPattern) match(value string, e *env) bool {
	if p.all {
		return true
	}
	v := splitARN(value)
	return p.matchParts(&v, e)
}

func (p *arnPattern) matchParts(v *arnParts, e *env) bool {
	if p.all {
		return true
	}
	n := len(p.segs)
	switch {
	case n == 6 || !p.cross:
		if v.n != n {
			return false
		}
	case v.n < n:
		return false
	}
	// The last segment (usually the resource part) is the most selective:
	// try it first, then the prefix segments.
	last := v.parts[n-1]
	if p.cross {
		last = v.full[v.start[n-1]:]
	}
	if !p.matchSeg(n-1, last, e) {
		return false
	}
	for i := 0; i < n-1; i++ {
		if !p.matchSeg(i, v.parts[i], e) {
			return false
		}
	}
	return true
}

func (p *arnPattern) matchSeg(i int, s string, e *env) bool {
	sg := &p.segs[i]
	fold := p.foldPrefix && i < 5
	switch sg.kind {
	case segAll:
		return true
	case segLit:
		if fold {
			return strings.EqualFold(s, sg.lit)
		}
		return s == sg.lit
	}
	if sg.lit != "" {
		if _, ok := matchPrefix(s, sg.lit, fold); !ok {
			return false
		}
	}
	var buf [8]string
	var res []string
	if sg.vars {
		var ok bool
		if res, ok = e.resolve(p.vars, buf[:0]); !ok {
			return false
		}
	}
	return globMatch(sg.toks, res, s, fold)
}
