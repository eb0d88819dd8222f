package policy

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// A small, strict RFC 8259 JSON reader. The standard library's decoder
// cannot tell us the order and byte offsets of object members, nor keep
// number literals as written, and both matter here: statement positions are
// reported by the simulator and condition values keep their source text.

type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jvalue is one parsed JSON value. Object members keep their first
// position; a duplicate key replaces the earlier value (last one wins, as
// most JSON readers, including AWS's, behave).
type jvalue struct {
	kind  jkind
	str   string // string value, or a number's literal text
	b     bool
	elems []*jvalue // array elements
	keys  []string  // object member names, in order
	vals  []*jvalue // object member values, parallel to keys
	start int       // byte offset of the first character
	end   int       // byte offset just past the last character
}

// member returns the value of the object member named key.
func (v *jvalue) member(key string) (*jvalue, bool) {
	for i, k := range v.keys {
		if k == key {
			return v.vals[i], true
		}
	}
	return nil, false
}

var errJSON = errors.New("policy: invalid JSON")

// maxJSONDepth bounds nesting so hostile input cannot exhaust the stack.
const maxJSONDepth = 128

type jparser struct {
	s     string
	i     int
	depth int
}

// parseJSON parses one JSON value filling the whole of s (surrounding
// whitespace allowed).
func parseJSON(s string) (*jvalue, error) {
	p := jparser{s: s}
	p.skipWS()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.i != len(p.s) {
		return nil, errJSON
	}
	return v, nil
}

func (p *jparser) skipWS() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) value() (*jvalue, error) {
	if p.i >= len(p.s) {
		return nil, errJSON
	}
	start := p.i
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		str, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jvalue{kind: jString, str: str, start: start, end: p.i}, nil
	case c == 't':
		return p.literal("true", &jvalue{kind: jBool, b: true})
	case c == 'f':
		return p.literal("false", &jvalue{kind: jBool})
	case c == 'n':
		return p.literal("null", &jvalue{kind: jNull})
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, errJSON
}

func (p *jparser) literal(word string, v *jvalue) (*jvalue, error) {
	if len(p.s)-p.i < len(word) || p.s[p.i:p.i+len(word)] != word {
		return nil, errJSON
	}
	v.start = p.i
	p.i += len(word)
	v.end = p.i
	return v, nil
}

func (p *jparser) digits() int {
	n := 0
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

func (p *jparser) number() (*jvalue, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	if p.i >= len(p.s) {
		return nil, errJSON
	}
	if p.s[p.i] == '0' {
		p.i++
	} else if p.digits() == 0 {
		return nil, errJSON
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return nil, errJSON
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return nil, errJSON
		}
	}
	return &jvalue{kind: jNumber, str: p.s[start:p.i], start: start, end: p.i}, nil
}

func (p *jparser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return errJSON
	}
	return nil
}

func (p *jparser) object() (*jvalue, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	v := &jvalue{kind: jObject, start: p.i}
	p.i++ // '{'
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		v.end = p.i
		p.depth--
		return v, nil
	}
	for {
		p.skipWS()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, errJSON
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, errJSON
		}
		p.i++
		p.skipWS()
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		replaced := false
		for j, k := range v.keys {
			if k == key {
				v.vals[j] = val
				replaced = true
				break
			}
		}
		if !replaced {
			v.keys = append(v.keys, key)
			v.vals = append(v.vals, val)
		}
		p.skipWS()
		if p.i >= len(p.s) {
			return nil, errJSON
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			v.end = p.i
			p.depth--
			return v, nil
		default:
			return nil, errJSON
		}
	}
}

func (p *jparser) array() (*jvalue, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	v := &jvalue{kind: jArray, start: p.i}
	p.i++ // '['
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		v.end = p.i
		p.depth--
		return v, nil
	}
	for {
		p.skipWS()
		el, err := p.value()
		if err != nil {
			return nil, err
		}
		v.elems = append(v.elems, el)
		p.skipWS()
		if p.i >= len(p.s) {
			return nil, errJSON
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			v.end = p.i
			p.depth--
			return v, nil
		default:
			return nil, errJSON
		}
	}
}

// str reads a string token starting at the opening quote.
func (p *jparser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	// Fast path: no escapes.
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '"' {
			s := p.s[start:p.i]
			p.i++
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", errJSON
		}
		p.i++
	}
	if p.i >= len(p.s) {
		return "", errJSON
	}
	buf := []byte(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return string(buf), nil
		case c < 0x20:
			return "", errJSON
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		// escape
		p.i++
		if p.i >= len(p.s) {
			return "", errJSON
		}
		e := p.s[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", errJSON
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				save := p.i
				if p.i+1 < len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
					p.i += 2
					if lo, ok := p.hex4(); ok {
						if d := utf16.DecodeRune(r, lo); d != utf8.RuneError {
							r2 = d
						} else {
							p.i = save
						}
					} else {
						return "", errJSON
					}
				}
				r = r2
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", errJSON
		}
	}
	return "", errJSON
}

func (p *jparser) hex4() (rune, bool) {
	if len(p.s)-p.i < 4 {
		return 0, false
	}
	var r rune
	for k := 0; k < 4; k++ {
		c := p.s[p.i+k]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}
