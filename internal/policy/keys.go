package policy

import (
	"sort"
	"strings"
)

// ContextKeys returns the context keys the policies reference — condition
// keys and the keys of policy variables — as GetContextKeysForCustomPolicy
// and GetContextKeysForPrincipalPolicy list them: de-duplicated without
// regard to case (the first spelling wins), sorted case-insensitively.
func ContextKeys(policies ...*Policy) []string {
	var out []string
	seen := map[string]bool{}
	add := func(name string) {
		k := strings.ToLower(name)
		if !seen[k] {
			seen[k] = true
			out = append(out, name)
		}
	}
	addVars := func(vs []variable) {
		for _, v := range vs {
			add(v.name)
		}
	}
	for _, p := range policies {
		if p == nil {
			continue
		}
		for i := range p.compiled.stmts {
			s := &p.compiled.stmts[i]
			for j := range s.resources {
				addVars(s.resources[j].vars)
			}
			for j := range s.conds {
				c := &s.conds[j]
				add(c.name)
				for k := range c.vals {
					addVars(c.vals[k].tpl.vars)
					addVars(c.vals[k].arn.vars)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := strings.ToLower(out[i]), strings.ToLower(out[j])
		if a != b {
			return a < b
		}
		return out[i] < out[j]
	})
	return out
}
