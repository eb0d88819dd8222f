package policy

import (
	"testing"
)

// condCase tests one condition block: op {"K:Key": vals} against a context
// where the key has ctx values (nil = absent).
type condCase struct {
	op   string
	vals string   // JSON value(s) in the policy
	ctx  []string // nil: key absent; []string{}: present, no values
	want bool
}

func evalCond(t *testing.T, version, op, vals string, ctx []string, extra map[string][]string) bool {
	t.Helper()
	doc := `{"Version":"` + version + `","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"` + op + `":{"K:Key":` + vals + `}}}}`
	p, err := Parse(doc, Identity)
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	m := NewMapContext(extra)
	if ctx != nil {
		m.Set("k:KEY", ctx...) // key names are case-insensitive
	}
	r := Evaluate(&Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: m},
		&PolicySet{Identity: []NamedPolicy{{Policy: p}}})
	return r.Decision == Allow
}

func runCondCases(t *testing.T, cases []condCase) {
	t.Helper()
	for _, tc := range cases {
		if got := evalCond(t, Version2012, tc.op, tc.vals, tc.ctx, nil); got != tc.want {
			t.Errorf("%s %s vs %q: got %v want %v", tc.op, tc.vals, tc.ctx, got, tc.want)
		}
	}
}

func ss(v ...string) []string { return v }

func TestStringOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"StringEquals", `"abc"`, ss("abc"), true},
		{"StringEquals", `"abc"`, ss("ABC"), false},
		{"StringEquals", `["x","abc"]`, ss("abc"), true}, // values ORed
		{"StringEquals", `"a*"`, ss("abc"), false},       // no wildcards
		{"StringEquals", `"a*"`, ss("a*"), true},
		{"StringEquals", `"abc"`, nil, false}, // missing key
		{"StringEquals", `1`, ss("1"), true},  // JSON number
		{"StringEquals", `true`, ss("true"), true},
		{"StringEquals", `[]`, ss("x"), false},
		{"StringNotEquals", `"abc"`, ss("abc"), false},
		{"StringNotEquals", `"abc"`, ss("abd"), true},
		{"StringNotEquals", `["a","b"]`, ss("b"), false}, // NOR
		{"StringNotEquals", `["a","b"]`, ss("c"), true},
		{"StringNotEquals", `"abc"`, nil, true}, // negated + missing → true
		{"StringEqualsIgnoreCase", `"AbC"`, ss("aBc"), true},
		{"StringEqualsIgnoreCase", `"straße"`, ss("STRASSE"), false},
		{"StringEqualsIgnoreCase", `"ÉCOLE"`, ss("école"), true},
		{"StringEqualsIgnoreCase", `"abc"`, nil, false},
		{"StringNotEqualsIgnoreCase", `"AbC"`, ss("abc"), false},
		{"StringNotEqualsIgnoreCase", `"AbC"`, ss("abd"), true},
		{"StringNotEqualsIgnoreCase", `"AbC"`, nil, true},
		{"StringLike", `"a*c"`, ss("abbbc"), true},
		{"StringLike", `"a*c"`, ss("ac"), true},
		{"StringLike", `"a?c"`, ss("abc"), true},
		{"StringLike", `"a?c"`, ss("ac"), false},
		{"StringLike", `"a?c"`, ss("aéc"), true}, // ? is one character
		{"StringLike", `"a*"`, ss("A"), false},   // case-sensitive
		{"StringLike", `"*"`, ss(""), true},
		{"StringLike", `"*b*c*"`, ss("xxbyyczz"), true},
		{"StringLike", `"*b*c"`, ss("xxbyyczz"), false},
		{"StringLike", `"a*"`, nil, false},
		{"StringNotLike", `["a*","b*"]`, ss("bz"), false},
		{"StringNotLike", `["a*","b*"]`, ss("cz"), true},
		{"StringNotLike", `"a*"`, nil, true},
	})
}

func TestNumericOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"NumericEquals", `"10"`, ss("10.0"), true},
		{"NumericEquals", `10`, ss("10"), true},
		{"NumericEquals", `"10"`, ss("11"), false},
		{"NumericEquals", `"10"`, ss("ten"), false},
		{"NumericEquals", `"10"`, nil, false},
		{"NumericNotEquals", `"10"`, ss("11"), true},
		{"NumericNotEquals", `["10","11"]`, ss("11"), false},
		{"NumericNotEquals", `"10"`, nil, true},
		{"NumericLessThan", `"10"`, ss("9.5"), true},
		{"NumericLessThan", `"10"`, ss("10"), false},
		{"NumericLessThan", `"-1.5"`, ss("-2"), true},
		{"NumericLessThanEquals", `"10"`, ss("10"), true},
		{"NumericLessThanEquals", `"10"`, ss("10.01"), false},
		{"NumericGreaterThan", `"10"`, ss("10.01"), true},
		{"NumericGreaterThan", `"10"`, ss("10"), false},
		{"NumericGreaterThanEquals", `"10"`, ss("10"), true},
		{"NumericGreaterThanEquals", `"10"`, ss("9"), false},
		{"NumericGreaterThanEquals", `"10"`, nil, false},
		{"NumericLessThan", `"NaN"`, ss("1"), false},
		{"NumericLessThan", `"10"`, ss("NaN"), false},
	})
}

func TestDateOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"DateEquals", `"2020-01-01T00:00:00Z"`, ss("2020-01-01T00:00:00Z"), true},
		{"DateEquals", `"2020-01-01T00:00:00Z"`, ss("1577836800"), true}, // epoch vs ISO
		{"DateEquals", `"1577836800"`, ss("2020-01-01T01:00:00+01:00"), true},
		{"DateEquals", `"2020-01-01"`, ss("2020-01-01T00:00:00Z"), true},
		{"DateEquals", `"2020"`, ss("2020"), true}, // bare digits: epoch seconds
		{"DateEquals", `"2020-01-01T00:00:00Z"`, ss("2020-01-01T00:00:01Z"), false},
		{"DateNotEquals", `"2020-01-01T00:00:00Z"`, ss("2020-01-01T00:00:01Z"), true},
		{"DateNotEquals", `"2020-01-01T00:00:00Z"`, nil, true},
		{"DateLessThan", `"2020-01-01T00:00:00Z"`, ss("2019-12-31T23:59:59Z"), true},
		{"DateLessThan", `"2020-01-01T00:00:00Z"`, ss("2020-01-01T00:00:00Z"), false},
		{"DateLessThan", `"2020-01-01T00:00:00.5Z"`, ss("2020-01-01T00:00:00.25Z"), true},
		{"DateLessThan", `"2020-01-01T00:00:00Z"`, ss("1577836799.9"), true}, // fractional epoch in request
		{"DateLessThanEquals", `"2020-01-01T00:00:00Z"`, ss("2020-01-01T00:00:00Z"), true},
		{"DateGreaterThan", `"2020-01-01T00:00:00Z"`, ss("2020-06-01T00:00:00-05:00"), true},
		{"DateGreaterThan", `"2020-01-01T00:00:00Z"`, ss("not a date"), false},
		{"DateGreaterThanEquals", `"2020-01-01T00:00:00Z"`, ss("2020-01-01T00:00:00Z"), true},
		{"DateGreaterThanEquals", `"2020-01-01T00:00:00Z"`, nil, false},
		{"DateGreaterThan", `"9223372036854775807"`, ss("2020-01-01T00:00:00Z"), false},
		{"DateLessThan", `"2020-03-01"`, ss("2020-02-29T23:59:59Z"), true}, // leap day
	})
}

func TestBoolBinaryIPOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"Bool", `"true"`, ss("true"), true},
		{"Bool", `true`, ss("TRUE"), true},
		{"Bool", `"true"`, ss("false"), false},
		{"Bool", `"false"`, ss("false"), true},
		{"Bool", `"true"`, ss("yes"), false},
		{"Bool", `"true"`, nil, false},
		{"BoolIfExists", `"true"`, nil, true},
		{"BoolIfExists", `"true"`, ss("false"), false},
		{"BinaryEquals", `"QmluYXJ5VmFsdWU="`, ss("QmluYXJ5VmFsdWU="), true},
		{"BinaryEquals", `"QmluYXJ5VmFsdWU="`, ss("QmluYXJ5VmFsdWV="), false},
		{"BinaryEquals", `"QmluYXJ5VmFsdWU="`, nil, false},
		{"IpAddress", `"203.0.113.0/24"`, ss("203.0.113.7"), true},
		{"IpAddress", `"203.0.113.0/24"`, ss("203.0.114.7"), false},
		{"IpAddress", `"203.0.113.7"`, ss("203.0.113.7"), true}, // bare address = /32
		{"IpAddress", `"203.0.113.7"`, ss("203.0.113.8"), false},
		{"IpAddress", `["10.0.0.0/8","2001:db8::/32"]`, ss("2001:db8:1::5"), true},
		{"IpAddress", `"2001:db8::/32"`, ss("2001:db9::5"), false},
		{"IpAddress", `"203.0.113.0/24"`, ss("::ffff:203.0.113.9"), true}, // v4-mapped
		{"IpAddress", `"203.0.113.0/24"`, ss("bogus"), false},
		{"IpAddress", `"bogus"`, ss("203.0.113.1"), false},
		{"IpAddress", `"203.0.113.0/24"`, nil, false},
		{"NotIpAddress", `"203.0.113.0/24"`, ss("198.51.100.1"), true},
		{"NotIpAddress", `"203.0.113.0/24"`, ss("203.0.113.1"), false},
		{"NotIpAddress", `"203.0.113.0/24"`, nil, true},
	})
}

func TestArnOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"ArnEquals", `"arn:aws:iam::123456789012:role/r"`, ss("arn:aws:iam::123456789012:role/r"), true},
		{"ArnEquals", `"arn:aws:iam::*:role/*"`, ss("arn:aws:iam::123456789012:role/r"), true}, // same as ArnLike
		{"ArnLike", `"arn:aws:iam::123456789012:role/R"`, ss("arn:aws:iam::123456789012:role/r"), false},
		{"ArnLike", `"arn:aws:someservice:*:111122223333:finance/*"`, ss("arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"), false},
		{"StringLike", `"arn:aws:someservice:*:111122223333:finance/*"`, ss("arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"), true},
		{"ArnLike", `"arn:aws:someservice:*:111122223333:finance/*"`, ss("arn:aws:someservice:us-east-2:111122223333:finance/a:b/c"), true},
		{"ArnLike", `"arn:aws:s3:::b?"`, ss("arn:aws:s3:::b1"), true},
		{"ArnLike", `"arn:aws:s3:::b?"`, ss("arn:aws:s3:::b12"), false},
		{"ArnLike", `"arn:aws:s3:::b"`, ss("not-an-arn"), false},
		{"ArnLike", `"arn:*:iam::*:role/*"`, nil, false},
		{"ArnNotEquals", `"arn:aws:iam::123456789012:role/r"`, ss("arn:aws:iam::123456789012:role/x"), true},
		{"ArnNotLike", `["arn:aws:iam::*:role/a*","arn:aws:iam::*:role/b*"]`, ss("arn:aws:iam::1:role/bb"), false},
		{"ArnNotLike", `"arn:aws:iam::*:role/a*"`, nil, true},
	})
}

func TestNullIfExistsAndSetOperators(t *testing.T) {
	runCondCases(t, []condCase{
		{"Null", `"true"`, nil, true},
		{"Null", `"true"`, ss("x"), false},
		{"Null", `"false"`, ss("x"), true},
		{"Null", `"false"`, nil, false},
		{"Null", `"true"`, ss(), true}, // present without values counts as absent
		{"Null", `true`, nil, true},
		{"Null", `"bogus"`, nil, false},

		{"StringEqualsIfExists", `"a"`, nil, true},
		{"StringEqualsIfExists", `"a"`, ss("a"), true},
		{"StringEqualsIfExists", `"a"`, ss("b"), false},
		{"StringNotEqualsIfExists", `"a"`, nil, true},
		{"StringNotEqualsIfExists", `"a"`, ss("a"), false},
		{"NumericLessThanIfExists", `"5"`, nil, true},
		{"NumericLessThanIfExists", `"5"`, ss("7"), false},
		{"DateLessThanIfExists", `"2020-01-01"`, nil, true},
		{"IpAddressIfExists", `"10.0.0.0/8"`, nil, true},
		{"ArnLikeIfExists", `"arn:aws:iam::*:role/*"`, nil, true},

		// Plain operators on a multivalued key never match.
		{"StringEquals", `["a","b"]`, ss("a", "b"), false},
		{"StringNotEquals", `"z"`, ss("a", "b"), false},

		{"ForAllValues:StringEquals", `["a","b"]`, ss("a", "b"), true},
		{"ForAllValues:StringEquals", `["a","b"]`, ss("a"), true},
		{"ForAllValues:StringEquals", `["a","b"]`, ss("a", "c"), false},
		{"ForAllValues:StringEquals", `["a","b"]`, nil, true},  // absent → true
		{"ForAllValues:StringEquals", `["a","b"]`, ss(), true}, // empty → true
		{"ForAllValues:StringNotEquals", `["a","b"]`, ss("c", "d"), true},
		{"ForAllValues:StringNotEquals", `["a","b"]`, ss("c", "a"), false},
		{"ForAllValues:StringLike", `["a*"]`, ss("ab", "ac"), true},
		{"ForAllValues:StringLike", `["a*"]`, ss("ab", "bc"), false},
		{"ForAnyValue:StringEquals", `["a","b"]`, ss("x", "b"), true},
		{"ForAnyValue:StringEquals", `["a","b"]`, ss("x", "y"), false},
		{"ForAnyValue:StringEquals", `["a","b"]`, nil, false}, // absent → false
		{"ForAnyValue:StringEquals", `["a","b"]`, ss(), false},
		{"ForAnyValue:StringNotEquals", `["a","b"]`, ss("a", "z"), true},
		{"ForAnyValue:StringNotEquals", `["a","b"]`, ss("a", "b"), false},
		{"ForAnyValue:StringEqualsIfExists", `["a"]`, nil, true},
		{"ForAllValues:NumericLessThan", `"10"`, ss("1", "2"), true},
		{"ForAnyValue:IpAddress", `"10.0.0.0/8"`, ss("1.1.1.1", "10.1.1.1"), true},
		{"ForAllValues:StringEquals", `"a"`, ss("a"), true}, // single-valued key as a 1-element set
	})
}

func TestConditionBlockLogic(t *testing.T) {
	doc := stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{
		"StringEquals":{"aws:PrincipalTag/team":["red","blue"],"aws:RequestedRegion":"us-east-1"},
		"Bool":{"aws:SecureTransport":"true"}}}`)
	p, err := Parse(doc, Identity)
	if err != nil {
		t.Fatal(err)
	}
	base := map[string][]string{"aws:principaltag/TEAM": {"blue"}, "aws:requestedregion": {"us-east-1"}, "AWS:SecureTransport": {"true"}}
	try := func(mod func(m MapContext)) Decision {
		m := NewMapContext(base)
		if mod != nil {
			mod(m)
		}
		return Evaluate(&Request{Action: "s3:GetObject", Resource: "*", Context: m}, &PolicySet{Identity: []NamedPolicy{{Policy: p}}}).Decision
	}
	if d := try(nil); d != Allow {
		t.Fatalf("all conditions true: %v", d)
	}
	if d := try(func(m MapContext) { m.Set("aws:PrincipalTag/team", "green") }); d != ImplicitDeny {
		t.Fatalf("one value of a key fails: %v", d)
	}
	if d := try(func(m MapContext) { m.Set("aws:RequestedRegion", "eu-west-1") }); d != ImplicitDeny {
		t.Fatalf("second key of same operator fails (AND): %v", d)
	}
	if d := try(func(m MapContext) { m.Set("aws:SecureTransport", "false") }); d != ImplicitDeny {
		t.Fatalf("second operator fails (AND): %v", d)
	}
	if d := try(func(m MapContext) { delete(m, "aws:securetransport") }); d != ImplicitDeny {
		t.Fatalf("missing key: %v", d)
	}
}

func TestDenyWithNegatedIfExists(t *testing.T) {
	// "If you are using a Deny with a negated operator like
	// StringNotEqualsIfExists, the request is still denied even if the tag
	// is missing."
	p := mustParse(t, stmt(`[{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:ResourceTag/env":"dev"}}}]`), Identity)
	set := &PolicySet{Identity: []NamedPolicy{{Policy: p}}}
	for _, tc := range []struct {
		ctx  map[string][]string
		want Decision
	}{
		{nil, ExplicitDeny},
		{map[string][]string{"aws:resourcetag/env": {"prod"}}, ExplicitDeny},
		{map[string][]string{"aws:resourcetag/env": {"dev"}}, Allow},
	} {
		if d := Evaluate(&Request{Action: "s3:x", Resource: "*", Context: NewMapContext(tc.ctx)}, set).Decision; d != tc.want {
			t.Errorf("%v: %v want %v", tc.ctx, d, tc.want)
		}
	}
}

func TestConditionVariables(t *testing.T) {
	extra := map[string][]string{"aws:username": {"bob"}, "aws:principaltag/team": {"red"}, "aws:tagkeys": {"a", "b"}, "aws:userid": {"AIDAX*"}}
	cases := []struct {
		version, op, vals string
		ctx               []string
		want              bool
	}{
		{Version2012, "StringEquals", `"home/${aws:username}"`, ss("home/bob"), true},
		{Version2012, "StringEquals", `"home/${aws:username}"`, ss("home/${aws:username}"), false},
		{Version2008, "StringEquals", `"home/${aws:username}"`, ss("home/${aws:username}"), true}, // literal before 2012
		{Version2012, "StringEquals", `"${aws:PrincipalTag/TEAM}"`, ss("red"), true},              // variable key case-insensitive
		{Version2012, "StringEquals", `"${aws:PrincipalTag/dept, 'none'}"`, ss("none"), true},     // default
		{Version2012, "StringEquals", `"${aws:PrincipalTag/team, 'none'}"`, ss("red"), true},
		{Version2012, "StringEquals", `"${aws:nokey}"`, ss(""), false},    // unresolved: no equal value
		{Version2012, "StringNotEquals", `"${aws:nokey}"`, ss("x"), true}, // …and negated ops are true
		{Version2012, "StringNotLike", `"${aws:nokey}*"`, ss("x"), true},
		{Version2012, "StringEquals", `"${aws:TagKeys}"`, ss("a"), false}, // multivalued key: unresolved
		{Version2012, "StringEquals", `"a${*}b${?}c${$}"`, ss("a*b?c$"), true},
		{Version2012, "StringLike", `"a${*}b"`, ss("axb"), false}, // ${*} is a literal *
		{Version2012, "StringLike", `"a${*}b"`, ss("a*b"), true},
		{Version2012, "StringLike", `"test${aws:userid}"`, ss("testAIDAXYZ"), false}, // value wildcards are literal
		{Version2012, "StringLike", `"test${aws:userid}"`, ss("testAIDAX*"), true},
		{Version2012, "StringLike", `"*/${aws:username}/*"`, ss("x/bob/y"), true},
		{Version2012, "StringEqualsIgnoreCase", `"HOME/${aws:username}"`, ss("home/BOB"), true},
		{Version2012, "ArnLike", `"arn:aws:iam::*:user/${aws:username}"`, ss("arn:aws:iam::1:user/bob"), true},
		{Version2012, "ArnLike", `"arn:aws:iam::*:user/${aws:username}"`, ss("arn:aws:iam::1:user/alice"), false},
		{Version2012, "NumericEquals", `"${aws:username}"`, ss("1"), false}, // no variables in Numeric
		{Version2012, "StringEquals", `"${unterminated"`, ss("${unterminated"), true},
		{Version2012, "StringEquals", `"${aws:x, nodefaultquotes}"`, ss("${aws:x, nodefaultquotes}"), true},
	}
	for _, tc := range cases {
		if got := evalCond(t, tc.version, tc.op, tc.vals, tc.ctx, extra); got != tc.want {
			t.Errorf("%s %s %s vs %q: got %v want %v", tc.version, tc.op, tc.vals, tc.ctx, got, tc.want)
		}
	}
}

func TestParseDates(t *testing.T) {
	good := map[string]int64{
		"2020-01-01T00:00:00Z":           1577836800,
		"2020-01-01t00:00:00z":           1577836800,
		"2020-01-01T01:00:00+01:00":      1577836800,
		"2019-12-31T19:00:00-05:00":      1577836800,
		"2019-12-31T19:00:00-0500":       1577836800,
		"2020-01-01T00:00":               1577836800,
		"2020-01-01T00":                  1577836800,
		"2020-01-01":                     1577836800,
		"2020-01":                        1577836800,
		"1577836800":                     1577836800,
		"1970-01-01T00:00:00.999999999Z": 0,
		"1969-12-31T23:59:59Z":           -1,
		"1600-03-01":                     -11670912000,
		"-0001-01-01":                    -62198755200, // negative years: see validate_test.go, valid-37
		"-5":                             -62324985600,
	}
	for s, want := range good {
		got, ok := parsePolicyDate(s)
		if !ok || got.sec != want {
			t.Errorf("%s → %d %v want %d", s, got.sec, ok, want)
		}
	}
	for _, s := range []string{"2020-13-01", "2020-00-01", "2020-01-32", "2020-01-01T24:00", "2020-01-01T00:60", "2020-01-01T00:00:61", "x", "1.5", "-", "--5", "2020-01-01T00:00:00+25:00", "2020-01-01T", "2020-01-01-01", "2020-01-01T00:00:00.", "18446744073709551616"} {
		if _, ok := parsePolicyDate(s); ok {
			t.Errorf("accepted %q", s)
		}
	}
}
