package wire

import (
	"encoding/base64"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// TimeFormat is how every timestamp goes on the wire: RFC 3339, UTC, "Z".
const TimeFormat = "2006-01-02T15:04:05Z"

// XMLWriter appends XML to a byte slice. It is the encoder the generated
// output types write themselves with.
type XMLWriter struct {
	B []byte
}

// Open writes <name>.
func (w *XMLWriter) Open(name string) {
	w.B = append(w.B, '<')
	w.B = append(w.B, name...)
	w.B = append(w.B, '>')
}

// Close writes </name>.
func (w *XMLWriter) Close(name string) {
	w.B = append(w.B, '<', '/')
	w.B = append(w.B, name...)
	w.B = append(w.B, '>')
}

// Empty writes <name/>.
func (w *XMLWriter) Empty(name string) {
	w.B = append(w.B, '<')
	w.B = append(w.B, name...)
	w.B = append(w.B, '/', '>')
}

// Raw appends bytes as they are.
func (w *XMLWriter) Raw(s string) { w.B = append(w.B, s...) }

// Text appends s with XML escaping.
func (w *XMLWriter) Text(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '<':
				w.B = append(w.B, "&lt;"...)
			case c == '>':
				w.B = append(w.B, "&gt;"...)
			case c == '&':
				w.B = append(w.B, "&amp;"...)
			case c == '"':
				w.B = append(w.B, "&quot;"...)
			case c == '\'':
				w.B = append(w.B, "&apos;"...)
			case c == '\r':
				w.B = append(w.B, "&#xD;"...)
			case c == '\n', c == '\t', c >= 0x20:
				w.B = append(w.B, c)
			default:
				w.B = append(w.B, "\uFFFD"...) // not representable in XML 1.0
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			w.B = append(w.B, "\uFFFD"...)
		} else {
			w.B = append(w.B, s[i:i+size]...)
		}
		i += size
	}
}

// String writes <name>escaped</name>.
func (w *XMLWriter) String(name, v string) {
	w.Open(name)
	w.Text(v)
	w.Close(name)
}

// PolicyDocument writes a policy document URL-encoded, as IAM does.
func (w *XMLWriter) PolicyDocument(name, v string) {
	w.Open(name)
	w.B = AppendURLEncoded(w.B, v)
	w.Close(name)
}

// Int writes an integer element.
func (w *XMLWriter) Int(name string, v int64) {
	w.Open(name)
	w.B = strconv.AppendInt(w.B, v, 10)
	w.Close(name)
}

// Bool writes exactly true or false.
func (w *XMLWriter) Bool(name string, v bool) {
	w.Open(name)
	w.B = strconv.AppendBool(w.B, v)
	w.Close(name)
}

// Time writes a timestamp in TimeFormat.
func (w *XMLWriter) Time(name string, v time.Time) {
	w.Open(name)
	w.B = v.UTC().AppendFormat(w.B, TimeFormat)
	w.Close(name)
}

// Blob writes base64 text.
func (w *XMLWriter) Blob(name string, v []byte) {
	w.Open(name)
	w.B = base64.StdEncoding.AppendEncode(w.B, v)
	w.Close(name)
}

const upperHex = "0123456789ABCDEF"

// AppendURLEncoded percent-encodes s per RFC 3986 (unreserved characters
// kept, space as %20), the form IAM uses for policy documents.
func AppendURLEncoded(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b = append(b, c)
		} else {
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return b
}

// SortedKeys returns a map's keys in order, for deterministic output.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
