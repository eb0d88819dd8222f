package policy

import (
	"strconv"
	"strings"
)

// instant is a point in time as seconds and nanoseconds since the Unix
// epoch. It covers the whole range IAM accepts (years up to nine digits,
// epoch seconds up to 2^63-1), which time.Time arithmetic would overflow.
type instant struct {
	sec  int64
	nsec int64
}

func (a instant) cmp(b instant) int {
	switch {
	case a.sec < b.sec:
		return -1
	case a.sec > b.sec:
		return 1
	case a.nsec < b.nsec:
		return -1
	case a.nsec > b.nsec:
		return 1
	}
	return 0
}

// parsePolicyDate parses a Date condition value as IAM's legacy parser
// accepts it: a W3C/ISO 8601 date-time (any value holding 't', 'T' or '-')
// or whole epoch seconds in [0, 2^63-1].
func parsePolicyDate(s string) (instant, bool) {
	if strings.ContainsAny(s, "tT-") {
		return parseISODate(s)
	}
	n, err := strconv.ParseUint(s, 10, 63)
	if err != nil {
		return instant{}, false
	}
	return instant{sec: int64(n)}, true
}

// parseRequestDate parses a date from the request context: the policy forms
// plus fractional epoch seconds (aws:EpochTime may carry them).
func parseRequestDate(s string) (instant, bool) {
	if t, ok := parsePolicyDate(s); ok {
		return t, true
	}
	if strings.ContainsAny(s, "tT-") {
		return instant{}, false
	}
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || frac == "" || len(frac) > 9 {
		return instant{}, false
	}
	w, err := strconv.ParseUint(whole, 10, 63)
	if err != nil {
		return instant{}, false
	}
	f, err := strconv.ParseUint(frac, 10, 32)
	if err != nil {
		return instant{}, false
	}
	for i := len(frac); i < 9; i++ {
		f *= 10
	}
	return instant{sec: int64(w), nsec: int64(f)}, true
}

// parseISODate accepts [-]YYYY[-MM[-DD]][Thh[:mm[:ss[.fff]]][Z|±hh[:mm]]],
// with 'T' in either case. Missing parts default to the start of the
// period; no zone means UTC.
func parseISODate(s string) (instant, bool) {
	date, tm, hasT := strings.Cut(s, "T")
	if !hasT {
		date, tm, hasT = strings.Cut(s, "t")
	}
	// The year may be negative: AWS accepts "-292275054" (LocalStack's
	// AWS-recorded test_iam_policies snapshot,
	// test_create_policy_valid_document[valid-37]).
	negative := strings.HasPrefix(date, "-")
	if negative {
		date = date[1:]
	}
	var partsBuf [3]string
	parts, ok := splitN(date, '-', partsBuf[:0])
	if !ok {
		return instant{}, false
	}
	year, ok := num(parts[0], 1, 9)
	if !ok {
		return instant{}, false
	}
	if negative {
		year = -year
	}
	month, day := int64(1), int64(1)
	if len(parts) > 1 {
		if month, ok = num(parts[1], 1, 2); !ok || month < 1 || month > 12 {
			return instant{}, false
		}
	}
	if len(parts) > 2 {
		if day, ok = num(parts[2], 1, 2); !ok || day < 1 || day > 31 {
			return instant{}, false
		}
	}
	secs := daysFromCivil(year, month, day) * 86400
	var nsec int64
	if hasT && tm != "" {
		// Split off the zone designator.
		zone := ""
		if i := strings.IndexAny(tm, "Zz+-"); i >= 0 {
			tm, zone = tm[:i], tm[i:]
		}
		var hmsBuf [3]string
		hms, ok := splitN(tm, ':', hmsBuf[:0])
		if !ok {
			return instant{}, false
		}
		limits := [3]int64{23, 59, 59}
		for i, f := range hms {
			if i == 2 {
				whole, frac, hasFrac := strings.Cut(f, ".")
				f = whole
				if hasFrac {
					if frac == "" || len(frac) > 9 {
						return instant{}, false
					}
					n, ok := num(frac, 1, 9)
					if !ok {
						return instant{}, false
					}
					for k := len(frac); k < 9; k++ {
						n *= 10
					}
					nsec = n
				}
			}
			n, ok := num(f, 1, 2)
			if !ok || n > limits[i] {
				return instant{}, false
			}
			secs += n * [3]int64{3600, 60, 1}[i]
		}
		off, ok := zoneOffset(zone)
		if !ok {
			return instant{}, false
		}
		secs -= off
	} else if hasT && tm == "" && len(parts) > 1 {
		// "2020-01-01T" with nothing after: reject; a bare year with "T"
		// (legacy quirk, e.g. "01T") is accepted.
		return instant{}, false
	}
	return instant{sec: secs, nsec: nsec}, true
}

// splitN splits s at sep into at most cap(out) parts, without allocating;
// ok is false when there are more.
func splitN(s string, sep byte, out []string) ([]string, bool) {
	for {
		i := strings.IndexByte(s, sep)
		if i < 0 {
			break
		}
		if len(out) == cap(out)-1 {
			return nil, false
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
	return append(out, s), true
}

func zoneOffset(z string) (int64, bool) {
	switch {
	case z == "":
		return 0, true
	case z == "Z" || z == "z":
		return 0, true
	}
	sign := int64(1)
	if z[0] == '-' {
		sign = -1
	}
	z = z[1:]
	var hh, mm string
	switch {
	case len(z) == 2:
		hh = z
	case len(z) == 4:
		hh, mm = z[:2], z[2:]
	case len(z) == 5 && z[2] == ':':
		hh, mm = z[:2], z[3:]
	default:
		return 0, false
	}
	h, ok := num(hh, 2, 2)
	if !ok || h > 23 {
		return 0, false
	}
	var m int64
	if mm != "" {
		if m, ok = num(mm, 2, 2); !ok || m > 59 {
			return 0, false
		}
	}
	return sign * (h*3600 + m*60), true
}

// num parses a run of minLen..maxLen ASCII digits.
func num(s string, minLen, maxLen int) (int64, bool) {
	if len(s) < minLen || len(s) > maxLen {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (H. Hinnant's algorithm). Out-of-range days roll over.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
