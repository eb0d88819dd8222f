package policy

import "strings"

// Context supplies the request-context values that conditions test and
// policy variables read: global keys (aws:CurrentTime, aws:SourceIp,
// aws:username, aws:PrincipalTag/team …) and service keys (iam:PolicyARN,
// sts:ExternalId …). Every value is a string; a multivalued key (such as
// aws:TagKeys) has several. The evaluator reads the clock only through
// this interface (aws:CurrentTime, aws:EpochTime).
type Context interface {
	// Get returns the values of key and whether it is present. Key names
	// are case-insensitive: the evaluator always asks with the key in
	// lower case, so an implementation must store (or compare) keys in
	// lower case.
	Get(key string) ([]string, bool)
}

// MapContext is a Context backed by a map whose keys are lower case. Build
// it with NewMapContext or Set, which normalise the keys.
type MapContext map[string][]string

// NewMapContext returns a MapContext holding m's entries under lower-case
// keys. Where two keys differ only in case, the values are merged.
func NewMapContext(m map[string][]string) MapContext {
	c := make(MapContext, len(m))
	for k, v := range m {
		c.Add(k, v...)
	}
	return c
}

// Set replaces the values of key.
func (m MapContext) Set(key string, values ...string) {
	m[strings.ToLower(key)] = values
}

// Add appends values to key (creating it, even with no values).
func (m MapContext) Add(key string, values ...string) {
	k := strings.ToLower(key)
	m[k] = append(m[k], values...)
}

// Get implements Context.
func (m MapContext) Get(key string) ([]string, bool) {
	v, ok := m[key]
	return v, ok
}

// env is the per-evaluation state shared by condition and variable code.
type env struct {
	ctx     Context
	trace   bool
	missing []string // trace only: keys looked up and absent, as written
}

func (e *env) lookup(key string) ([]string, bool) {
	if e.ctx == nil {
		return nil, false
	}
	return e.ctx.Get(key)
}

func (e *env) noteMissing(name string) {
	if !e.trace {
		return
	}
	for _, m := range e.missing {
		if strings.EqualFold(m, name) {
			return
		}
	}
	e.missing = append(e.missing, name)
}
