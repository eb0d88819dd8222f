package policy

import "strings"

// Policy variables (${aws:username}, ${aws:PrincipalTag/team, 'none'},
// ${*}, ${?}, ${$}) are recognised only in documents whose Version is
// 2012-10-17, and only in Resource/NotResource values and in the values of
// String* and Arn* conditions; anywhere else the text is literal. A
// variable resolves to the request-context value of its key when the key
// has exactly one value, else to its default; otherwise it is unresolved
// and the pattern holding it matches nothing.

// variable is one ${key} or ${key, 'default'} reference.
type variable struct {
	key    string // context key, lower case
	name   string // context key as written
	def    string
	hasDef bool
}

// specialVariable handles ${*}, ${?} and ${$}, which stand for the literal
// characters.
func specialVariable(body string) (byte, bool) {
	if len(body) == 1 && (body[0] == '*' || body[0] == '?' || body[0] == '$') {
		return body[0], true
	}
	return 0, false
}

// parseVariable parses the text between "${" and "}".
func parseVariable(body string) (variable, bool) {
	key, def, hasDef := strings.Cut(body, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " \t\r\n'${") {
		return variable{}, false
	}
	v := variable{key: strings.ToLower(key), name: key}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return variable{}, false
		}
		v.def, v.hasDef = def[1:len(def)-1], true
	}
	return v, true
}

// resolve appends the value of every variable to out. ok is false when one
// of them has no value and no default.
func (e *env) resolve(vars []variable, out []string) (res []string, ok bool) {
	ok = true
	for i := range vars {
		v := &vars[i]
		vals, found := e.lookup(v.key)
		switch {
		case found && len(vals) == 1:
			out = append(out, vals[0])
		case v.hasDef:
			out = append(out, v.def)
		default:
			out = append(out, "")
			ok = false
			e.noteMissing(v.name)
			if !e.trace {
				return out, false
			}
		}
	}
	return out, ok
}

// template is a compiled string value that may contain variables, for the
// String* operators (no wildcards for Equals, wildcards for Like).
type template struct {
	lit  string // the value when it holds no variables and no wildcards
	toks []token
	vars []variable
	// plain is set when toks is a single literal (fast path).
	plain bool
}

func compileTemplate(s string, wild, vars bool) template {
	var t template
	t.toks = tokenize(s, wild, vars, &t.vars)
	if lit, ok := literalText(t.toks); ok {
		t.lit, t.plain = lit, true
	}
	return t
}

// match compares value with the template: exactly (wild=false patterns) or
// with wildcards; fold selects Unicode case-insensitive comparison.
func (t *template) match(value string, fold bool, e *env) bool {
	if t.plain {
		if fold {
			return strings.EqualFold(value, t.lit)
		}
		return value == t.lit
	}
	var buf [8]string
	res := buf[:0]
	if len(t.vars) > 0 {
		var ok bool
		if res, ok = e.resolve(t.vars, buf[:0]); !ok {
			return false
		}
	}
	return globMatch(t.toks, res, value, fold)
}
