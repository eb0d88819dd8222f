package wire

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxListLen bounds how many members of one list the decoder will read.
const maxListLen = 1000

// StringShape holds the constraints of a model string shape.
type StringShape struct {
	Min, Max   int  // lengths in characters; Max 0 = none
	HasMin     bool // Min is set (0 is a valid minimum)
	Pattern    *regexp.Regexp
	PatternSrc string // the model's pattern, as AWS prints it
	Enum       []string
	Sensitive  bool
}

// IntShape holds the constraints of a model integer shape.
type IntShape struct {
	Min, Max       int64
	HasMin, HasMax bool
}

// ListShape holds the constraints of a model list shape.
type ListShape struct {
	Min, Max int
	HasMin   bool
	// MemberNotNull adds "Member must not be null" to the member
	// constraints a list summary names (see Style.SummarizeListMembers).
	MemberNotNull bool
}

// Style is how one service words its violations. IAM and STS answer from
// the same validation layer but differ in what they echo.
type Style struct {
	// OmitValues leaves the offending value out of every violation, as IAM
	// does ("Value at 'maxPasswordAge' failed to satisfy constraint: ...",
	// "Value at 'userName' failed to satisfy constraint: Member must not be
	// null"); otherwise the value is quoted, as STS does ("Value 'x' at
	// 'roleSessionName' ...", "Value null at ...").
	OmitValues bool
	// SummarizeListMembers reports the members of a list of strings that
	// break their shape once, on the list, naming every constraint of the
	// member shape, as IAM does: "Value at 'tagKeys' failed to satisfy
	// constraint: Member must satisfy constraint: [Member must have length
	// less than or equal to 128, ...]". Otherwise each member is reported
	// on its own path ("tagKeys.1.member").
	SummarizeListMembers bool
}

// violation is one constraint failure and the member path it is keyed by.
type violation struct {
	key, msg string
}

// Decoder reads one request's form parameters and records every constraint
// violation in AWS's ValidationError wording.
type Decoder struct {
	vals     map[string]string
	prefixes map[string]struct{}
	errs     []violation
	style    Style
}

// NewDecoder builds a decoder over the request's parameters (first value of
// each key wins).
func NewDecoder(form url.Values) *Decoder {
	d := &Decoder{vals: make(map[string]string, len(form))}
	for k, v := range form {
		if len(v) > 0 {
			d.vals[k] = v[0]
		}
		// Record every list-member prefix ("A.member.3") so list lengths
		// can be found without scanning all keys per list.
		rest := k
		off := 0
		for {
			i := strings.Index(rest, ".member.")
			if i < 0 {
				break
			}
			j := i + len(".member.")
			n := j
			for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
				n++
			}
			if n > j {
				if d.prefixes == nil {
					d.prefixes = make(map[string]struct{})
				}
				d.prefixes[k[:off+n]] = struct{}{}
			}
			off += j
			rest = rest[j:]
		}
	}
	return d
}

// SetStyle sets how violations are worded (generated decoders set their
// service's style before decoding).
func (d *Decoder) SetStyle(s Style) { d.style = s }

// Errors returns the violations found so far, in the order AWS lists them.
//
// AWS collects violations in a Java HashMap keyed by member path and lists
// them in its iteration order: by bucket (the String hash code, spread as
// HashMap does, modulo a table of 16 that doubles past three quarters
// full), then by insertion. Recorded answers bear this out, e.g.
// UpdateAccountPasswordPolicy lists minimumPasswordLength,
// passwordReusePrevention, maxPasswordAge (buckets 2, 6, 14) and
// CreateOpenIDConnectProvider clientIDList, thumbprintList, url (1, 13,
// 14), neither the model's nor the request's order. Violations of one
// member stay together in the order they were found.
func (d *Decoder) Errors() []string {
	if len(d.errs) == 0 {
		return nil
	}
	var keys []string
	seen := make(map[string]bool, len(d.errs))
	for _, e := range d.errs {
		if !seen[e.key] {
			seen[e.key] = true
			keys = append(keys, e.key)
		}
	}
	table := 16
	for len(keys) > table*3/4 {
		table *= 2
	}
	sort.SliceStable(keys, func(i, j int) bool {
		return javaBucket(keys[i], table) < javaBucket(keys[j], table)
	})
	out := make([]string, 0, len(d.errs))
	for _, k := range keys {
		for _, e := range d.errs {
			if e.key == k {
				out = append(out, e.msg)
			}
		}
	}
	return out
}

// javaBucket is the bucket java.util.HashMap puts key in, in a table of
// the given size (a power of two).
func javaBucket(key string, table int) int {
	var h uint32
	for _, r := range key {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			h = 31*h + uint32(r1)
			h = 31*h + uint32(r2)
			continue
		}
		h = 31*h + uint32(r)
	}
	h ^= h >> 16
	return int(h & uint32(table-1))
}

// Has reports whether the parameter is present.
func (d *Decoder) Has(key string) bool {
	_, ok := d.vals[key]
	return ok
}

func (d *Decoder) fail(path, value string, quoted bool, constraint string) {
	var b strings.Builder
	b.WriteString("Value ")
	switch {
	case d.style.OmitValues:
	case quoted:
		b.WriteByte('\'')
		b.WriteString(value)
		b.WriteString("' ")
	case value != "":
		b.WriteString(value)
		b.WriteByte(' ')
	}
	b.WriteString("at '")
	b.WriteString(path)
	b.WriteString("' failed to satisfy constraint: ")
	b.WriteString(constraint)
	d.errs = append(d.errs, violation{key: path, msg: b.String()})
}

func (d *Decoder) missing(path string) {
	d.fail(path, "null", false, "Member must not be null")
}

func (d *Decoder) checkString(path, v string, s *StringShape) {
	if s == nil {
		return
	}
	shown := v
	quoted := true
	if s.Sensitive {
		shown, quoted = "", false
	}
	for _, c := range stringViolations(v, s) {
		d.fail(path, shown, quoted, c)
	}
}

// stringViolations returns the constraints of s that v breaks, in the
// order they are checked.
func stringViolations(v string, s *StringShape) []string {
	var out []string
	n := utf8.RuneCountInString(v)
	if s.HasMin && n < s.Min {
		out = append(out, "Member must have length greater than or equal to "+strconv.Itoa(s.Min))
	}
	if s.Max > 0 && n > s.Max {
		out = append(out, "Member must have length less than or equal to "+strconv.Itoa(s.Max))
	}
	if s.Pattern != nil && !s.Pattern.MatchString(v) {
		out = append(out, "Member must satisfy regular expression pattern: "+s.PatternSrc)
	}
	if len(s.Enum) > 0 {
		ok := false
		for _, e := range s.Enum {
			if e == v {
				ok = true
				break
			}
		}
		if !ok {
			out = append(out, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]")
		}
	}
	return out
}

// memberConstraints names every constraint of a list's member shape, in
// the order AWS's list summaries give them: maximum length, minimum
// length, pattern, enum, not null.
func memberConstraints(s *StringShape, notNull bool) []string {
	var out []string
	if s != nil {
		if s.Max > 0 {
			out = append(out, "Member must have length less than or equal to "+strconv.Itoa(s.Max))
		}
		if s.HasMin {
			out = append(out, "Member must have length greater than or equal to "+strconv.Itoa(s.Min))
		}
		if s.Pattern != nil {
			out = append(out, "Member must satisfy regular expression pattern: "+s.PatternSrc)
		}
		if len(s.Enum) > 0 {
			out = append(out, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]")
		}
	}
	if notNull {
		out = append(out, "Member must not be null")
	}
	return out
}

// String reads a required string member.
func (d *Decoder) String(key, path string, s *StringShape) string {
	v, ok := d.vals[key]
	if !ok {
		d.missing(path)
		return ""
	}
	d.checkString(path, v, s)
	return v
}

// OptString reads an optional string member.
func (d *Decoder) OptString(key, path string, s *StringShape) *string {
	v, ok := d.vals[key]
	if !ok {
		return nil
	}
	d.checkString(path, v, s)
	return &v
}

func (d *Decoder) parseInt(key, path string, s *IntShape) (int32, bool) {
	v, ok := d.vals[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
	if err != nil {
		d.fail(path, v, true, "Member must be a valid integer")
		return 0, true
	}
	if s != nil {
		if s.HasMin && n < s.Min {
			d.fail(path, strconv.FormatInt(n, 10), true, "Member must have value greater than or equal to "+strconv.FormatInt(s.Min, 10))
		}
		if s.HasMax && n > s.Max {
			d.fail(path, strconv.FormatInt(n, 10), true, "Member must have value less than or equal to "+strconv.FormatInt(s.Max, 10))
		}
	}
	return int32(n), true
}

// Int reads a required integer member.
func (d *Decoder) Int(key, path string, s *IntShape) int32 {
	n, ok := d.parseInt(key, path, s)
	if !ok {
		d.missing(path)
	}
	return n
}

// OptInt reads an optional integer member.
func (d *Decoder) OptInt(key, path string, s *IntShape) *int32 {
	n, ok := d.parseInt(key, path, s)
	if !ok {
		return nil
	}
	return &n
}

func (d *Decoder) parseBool(key, path string) (bool, bool) {
	v, ok := d.vals[key]
	if !ok {
		return false, false
	}
	switch strings.ToLower(v) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	d.fail(path, v, true, "Member must be a boolean")
	return false, true
}

// Bool reads a required boolean member.
func (d *Decoder) Bool(key, path string) bool {
	b, ok := d.parseBool(key, path)
	if !ok {
		d.missing(path)
	}
	return b
}

// OptBool reads an optional boolean member.
func (d *Decoder) OptBool(key, path string) *bool {
	b, ok := d.parseBool(key, path)
	if !ok {
		return nil
	}
	return &b
}

// ListLen returns how many members the list has (contiguous from 1) and
// whether it was sent at all ("Name=" is an empty list). Length
// constraints are checked here.
func (d *Decoder) ListLen(key, path string, required bool, s *ListShape) (int, bool) {
	n := 0
	for n < maxListLen {
		if _, ok := d.prefixes[key+".member."+strconv.Itoa(n+1)]; !ok {
			break
		}
		n++
	}
	present := n > 0 || d.Has(key)
	if !present {
		if required {
			d.missing(path)
		}
		return 0, false
	}
	if s != nil {
		if s.HasMin && n < s.Min {
			d.fail(path, "", false, "Member must have length greater than or equal to "+strconv.Itoa(s.Min))
		}
		if s.Max > 0 && n > s.Max {
			d.fail(path, "", false, "Member must have length less than or equal to "+strconv.Itoa(s.Max))
		}
	}
	return n, true
}

// StringList reads a list of strings.
func (d *Decoder) StringList(key, path string, required bool, ls *ListShape, s *StringShape) []string {
	n, ok := d.ListLen(key, path, required, ls)
	if !ok {
		return nil
	}
	summarize := d.style.SummarizeListMembers
	broken := false
	out := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		k := MemberKey(key, i)
		v, present := d.vals[k]
		switch {
		case summarize:
			if !present || (s != nil && len(stringViolations(v, s)) > 0) {
				broken = true
			}
		default:
			if !present {
				d.missing(MemberPath(path, i))
			}
			d.checkString(MemberPath(path, i), v, s)
		}
		out = append(out, v)
	}
	if broken {
		notNull := ls != nil && ls.MemberNotNull
		d.fail(path, "", false, "Member must satisfy constraint: ["+strings.Join(memberConstraints(s, notNull), ", ")+"]")
	}
	return out
}

// MemberKey is the form key of list member i (1-based).
func MemberKey(key string, i int) string { return key + ".member." + strconv.Itoa(i) }

// MemberPath is the validation path of list member i, as AWS prints it.
func MemberPath(path string, i int) string { return path + "." + strconv.Itoa(i) + ".member" }

// Blob reads a base64 member (unused by IAM/STS inputs, kept for
// completeness of the generated code).
func (d *Decoder) Blob(key, path string) []byte {
	v, ok := d.vals[key]
	if !ok {
		return nil
	}
	return []byte(v)
}

// HasPrefix reports whether any parameter starts with prefix (used for
// optional nested structures).
func (d *Decoder) HasPrefix(prefix string) bool {
	for k := range d.vals {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
