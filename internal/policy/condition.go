package policy

import (
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// baseOp is a condition operator without set prefix and IfExists suffix,
// reduced to its positive form (negation is a flag).
type baseOp uint8

const (
	opStringEquals baseOp = iota + 1
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnLike // ArnEquals and ArnLike are the same test
	opNull
)

func (o baseOp) isDate() bool { return o >= opDateEquals && o <= opDateGreaterThanEquals }

type opSpec struct {
	base    baseOp
	negated bool
}

// operators is the operator table (immutable).
var operators = map[string]opSpec{
	"StringEquals":              {opStringEquals, false},
	"StringNotEquals":           {opStringEquals, true},
	"StringEqualsIgnoreCase":    {opStringEqualsIgnoreCase, false},
	"StringNotEqualsIgnoreCase": {opStringEqualsIgnoreCase, true},
	"StringLike":                {opStringLike, false},
	"StringNotLike":             {opStringLike, true},
	"NumericEquals":             {opNumericEquals, false},
	"NumericNotEquals":          {opNumericEquals, true},
	"NumericLessThan":           {opNumericLessThan, false},
	"NumericLessThanEquals":     {opNumericLessThanEquals, false},
	"NumericGreaterThan":        {opNumericGreaterThan, false},
	"NumericGreaterThanEquals":  {opNumericGreaterThanEquals, false},
	"DateEquals":                {opDateEquals, false},
	"DateNotEquals":             {opDateEquals, true},
	"DateLessThan":              {opDateLessThan, false},
	"DateLessThanEquals":        {opDateLessThanEquals, false},
	"DateGreaterThan":           {opDateGreaterThan, false},
	"DateGreaterThanEquals":     {opDateGreaterThanEquals, false},
	"Bool":                      {opBool, false},
	"BinaryEquals":              {opBinaryEquals, false},
	"IpAddress":                 {opIPAddress, false},
	"NotIpAddress":              {opIPAddress, true},
	"ArnEquals":                 {opArnLike, false},
	"ArnLike":                   {opArnLike, false},
	"ArnNotEquals":              {opArnLike, true},
	"ArnNotLike":                {opArnLike, true},
	"Null":                      {opNull, false},
}

type setOp uint8

const (
	setNone setOp = iota
	setForAll
	setForAny
)

// opInfo is a fully decoded operator name.
type opInfo struct {
	opSpec
	set      setOp
	ifExists bool
}

// parseOperator decodes "[ForAllValues:|ForAnyValue:]<Operator>[IfExists]".
func parseOperator(name string) (opInfo, bool) {
	var info opInfo
	rest := name
	if r, ok := strings.CutPrefix(rest, "ForAllValues:"); ok {
		rest, info.set = r, setForAll
	} else if r, ok := strings.CutPrefix(rest, "ForAnyValue:"); ok {
		rest, info.set = r, setForAny
	}
	if r, ok := strings.CutSuffix(rest, "IfExists"); ok {
		rest, info.ifExists = r, true
	}
	spec, ok := operators[rest]
	if !ok {
		return opInfo{}, false
	}
	info.opSpec = spec
	return info, true
}

// ccond is one compiled condition: operator, key and policy values.
type ccond struct {
	opInfo
	key  string // lower case, for lookups
	name string // as written, for Missing
	vals []cval
}

// cval is one compiled policy value; which field is used depends on the
// operator. ok is false for a value that can never match (unparseable).
type cval struct {
	ok   bool
	tpl  template   // String*
	arn  arnPattern // Arn*
	num  float64    // Numeric*
	at   instant    // Date*
	b    bool       // Bool, Null
	pfx  netip.Prefix
	text string // BinaryEquals: the base64 text
	bin  []byte // BinaryEquals: decoded
}

func compileCondition(c Condition, info opInfo, vars bool) ccond {
	cc := ccond{opInfo: info, key: strings.ToLower(c.Key), name: c.Key, vals: make([]cval, len(c.Values))}
	for i, s := range c.Values {
		v := &cc.vals[i]
		v.ok = true
		switch b := info.base; {
		case b == opStringEquals || b == opStringEqualsIgnoreCase:
			v.tpl = compileTemplate(s, false, vars)
		case b == opStringLike:
			v.tpl = compileTemplate(s, true, vars)
		case b == opArnLike:
			v.arn = compileARN(s, vars, false)
		case b >= opNumericEquals && b <= opNumericGreaterThanEquals:
			f, err := strconv.ParseFloat(s, 64)
			v.num, v.ok = f, err == nil && !math.IsNaN(f)
		case b.isDate():
			v.at, v.ok = parsePolicyDate(s)
		case b == opBool || b == opNull:
			switch strings.ToLower(s) {
			case "true":
				v.b = true
			case "false":
			default:
				v.ok = false
			}
		case b == opBinaryEquals:
			v.text = s
			v.bin, _ = base64.StdEncoding.Strict().DecodeString(s)
		case b == opIPAddress:
			v.pfx, v.ok = parseCIDR(s)
		}
	}
	return cc
}

// parseCIDR parses "a.b.c.d/n", "v6/n" or a bare address (a /32 or /128).
func parseCIDR(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() {
			bits := p.Bits() - 96
			if bits < 0 {
				return netip.Prefix{}, false
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), bits)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval applies the condition to the request context.
func (c *ccond) eval(e *env) bool {
	vals, present := e.lookup(c.key)
	if present && len(vals) == 0 {
		present = false
	}
	if c.base == opNull {
		// "true": the key must be absent; "false": present.
		for i := range c.vals {
			if c.vals[i].ok && c.vals[i].b == !present {
				return true
			}
		}
		return false
	}
	if !present {
		e.noteMissing(c.name)
		switch {
		case c.ifExists:
			return true
		case c.set == setForAll:
			return true
		case c.set == setForAny:
			return false
		}
		return c.negated
	}
	switch c.set {
	case setForAll:
		for _, rv := range vals {
			if !c.test(rv, e) {
				return false
			}
		}
		return true
	case setForAny:
		for _, rv := range vals {
			if c.test(rv, e) {
				return true
			}
		}
		return false
	}
	// A plain operator applied to a multivalued key never matches.
	if len(vals) != 1 {
		return false
	}
	return c.test(vals[0], e)
}

// test applies the operator to one request value: for a positive operator,
// whether it matches any policy value; for a negated one, whether it
// matches none of them.
func (c *ccond) test(rv string, e *env) bool {
	return c.matchAny(rv, e) != c.negated
}

func (c *ccond) matchAny(rv string, e *env) bool {
	switch b := c.base; {
	case b == opStringEquals || b == opStringLike:
		for i := range c.vals {
			if c.vals[i].tpl.match(rv, false, e) {
				return true
			}
		}
	case b == opStringEqualsIgnoreCase:
		for i := range c.vals {
			if c.vals[i].tpl.match(rv, true, e) {
				return true
			}
		}
	case b == opArnLike:
		for i := range c.vals {
			if c.vals[i].arn.match(rv, e) {
				return true
			}
		}
	case b >= opNumericEquals && b <= opNumericGreaterThanEquals:
		x, err := strconv.ParseFloat(rv, 64)
		if err != nil || math.IsNaN(x) {
			return false
		}
		for i := range c.vals {
			v := &c.vals[i]
			if v.ok && compareOK(b-opNumericEquals, cmpFloat(x, v.num)) {
				return true
			}
		}
	case b.isDate():
		t, ok := parseRequestDate(rv)
		if !ok {
			return false
		}
		for i := range c.vals {
			v := &c.vals[i]
			if v.ok && compareOK(b-opDateEquals, t.cmp(v.at)) {
				return true
			}
		}
	case b == opBool:
		var x bool
		switch {
		case strings.EqualFold(rv, "true"):
			x = true
		case strings.EqualFold(rv, "false"):
		default:
			return false
		}
		for i := range c.vals {
			if c.vals[i].ok && c.vals[i].b == x {
				return true
			}
		}
	case b == opBinaryEquals:
		for i := range c.vals {
			if c.vals[i].text == rv {
				return true
			}
		}
		got, err := base64.StdEncoding.Strict().DecodeString(rv)
		if err != nil {
			return false
		}
		for i := range c.vals {
			if c.vals[i].bin != nil && string(c.vals[i].bin) == string(got) {
				return true
			}
		}
	case b == opIPAddress:
		a, err := netip.ParseAddr(rv)
		if err != nil {
			return false
		}
		a = a.Unmap().WithZone("")
		for i := range c.vals {
			if c.vals[i].ok && c.vals[i].pfx.Contains(a) {
				return true
			}
		}
	}
	return false
}

// compareOK interprets a comparison result for the relation at offset rel
// in the Equals, LessThan, LessThanEquals, GreaterThan, GreaterThanEquals
// order shared by the Numeric and Date families.
func compareOK(rel baseOp, cmp int) bool {
	switch rel {
	case 0:
		return cmp == 0
	case 1:
		return cmp < 0
	case 2:
		return cmp <= 0
	case 3:
		return cmp > 0
	case 4:
		return cmp >= 0
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// variablesAllowed reports whether the operator's values may hold policy
// variables.
func variablesAllowed(b baseOp) bool {
	return b == opStringEquals || b == opStringEqualsIgnoreCase || b == opStringLike || b == opArnLike
}
