package wire

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
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
}

// Decoder reads one request's form parameters and records every constraint
// violation in AWS's ValidationError wording.
type Decoder struct {
	vals     map[string]string
	prefixes map[string]struct{}
	errs     []string
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

// Errors returns the violations found so far.
func (d *Decoder) Errors() []string { return d.errs }

// Has reports whether the parameter is present.
func (d *Decoder) Has(key string) bool {
	_, ok := d.vals[key]
	return ok
}

func (d *Decoder) fail(path, value string, quoted bool, constraint string) {
	var b strings.Builder
	b.WriteString("Value ")
	if quoted {
		b.WriteByte('\'')
		b.WriteString(value)
		b.WriteString("' ")
	} else if value != "" {
		b.WriteString(value)
		b.WriteByte(' ')
	}
	b.WriteString("at '")
	b.WriteString(path)
	b.WriteString("' failed to satisfy constraint: ")
	b.WriteString(constraint)
	d.errs = append(d.errs, b.String())
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
	n := utf8.RuneCountInString(v)
	if s.HasMin && n < s.Min {
		d.fail(path, shown, quoted, "Member must have length greater than or equal to "+strconv.Itoa(s.Min))
	}
	if s.Max > 0 && n > s.Max {
		d.fail(path, shown, quoted, "Member must have length less than or equal to "+strconv.Itoa(s.Max))
	}
	if s.Pattern != nil && !s.Pattern.MatchString(v) {
		d.fail(path, shown, quoted, "Member must satisfy regular expression pattern: "+s.PatternSrc)
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
			d.fail(path, shown, quoted, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]")
		}
	}
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
	out := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		k := MemberKey(key, i)
		v, present := d.vals[k]
		if !present {
			d.missing(MemberPath(path, i))
		}
		d.checkString(MemberPath(path, i), v, s)
		out = append(out, v)
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
