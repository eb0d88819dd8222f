package policy

import (
	"strings"
	"unicode/utf8"

	"github.com/iamd/iamd/internal/apierr"
)

// MalformedPolicyDocument message texts, exactly as AWS words them
// (see shared/reference/validation-errors.md).
const (
	msgSyntax             = "Syntax errors in policy."
	msgInvalidJSON        = "This policy contains invalid Json"
	msgVersion            = "Policy document must be version 2012-10-17 or greater."
	msgLegacy             = "The policy failed legacy parsing"
	msgSidUnique          = "Statement IDs (SID) in a single policy must be unique."
	msgSidAlnum           = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	msgNoActions          = "Policy statement must contain actions."
	msgNoResources        = "Policy statement must contain resources."
	msgNoVendor           = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgOneColon           = "Actions/Condition can contain only one colon."
	msgVendorQualified    = "Resource vendor must be fully qualified and cannot contain regexes."
	msgIAMPath            = `IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`
	msgPrincipalForbidden = "Policy document should not specify a principal."
	msgTrustResource      = "Has prohibited field Resource"
	msgTrustNotResource   = "Has prohibited field NotResource"
	msgTrustNoPrincipal   = "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!"
	msgTrustActions       = "AssumeRole policy may only specify STS AssumeRole actions."
	msgTrustStar          = `AssumeRolepolicy contained an invalid principal: "STAR":"*".`
)

// iamResourcePrefixes are the resource types an IAM ARN may name.
var iamResourcePrefixes = [...]string{"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/"}

// trustActions are the actions a role trust policy may name (lower case).
var trustActions = [...]string{"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity", "sts:tagsession", "sts:setsourceidentity", "sts:setcontext"}

// rawStmt is a statement after the syntax phase, with presence flags the
// later phases need.
type rawStmt struct {
	node                                     *jvalue
	sid                                      string
	hasSid                                   bool
	effect                                   string
	principal, notPrincipal                  *PrincipalSet
	action, notAction, resource, notResource []string
	hasAction, hasNotAction                  bool
	hasResource, hasNotResource              bool
	conds                                    []Condition
	ops                                      []opInfo // parallel to conds
}

type validator struct {
	doc   string
	kind  Kind
	opts  Options
	root  *jvalue
	stmts []rawStmt
}

// validate runs every check in AWS's order: syntax → version → (principal
// in identity policies) → legacy parsing → SIDs → actions present →
// resource format → resources present (identity and session policies) →
// action prefixes, then the trust-policy rules.
func validate(doc string, kind Kind, opts Options) (*Policy, error) {
	root, err := parseJSON(doc)
	if err != nil {
		if kind == Trust {
			return nil, malformed(msgInvalidJSON)
		}
		return nil, malformed(msgSyntax)
	}
	v := &validator{doc: doc, kind: kind, opts: opts, root: root}
	if !v.syntax() {
		return nil, malformed(msgSyntax)
	}
	version := ""
	if n, ok := root.member("Version"); ok {
		version = n.str
	}
	if opts.RequireVersion2012 && version != Version2012 {
		return nil, malformed(msgVersion)
	}
	if kind == Identity || kind == Session {
		for i := range v.stmts {
			if v.stmts[i].principal != nil || v.stmts[i].notPrincipal != nil {
				return nil, malformed(msgPrincipalForbidden)
			}
		}
	}
	resourceErr, legacyOK := v.legacy()
	if !legacyOK {
		return nil, malformed(msgLegacy)
	}
	if err := v.sids(); err != nil {
		return nil, err
	}
	for i := range v.stmts {
		s := &v.stmts[i]
		if !(s.hasAction && len(s.action) > 0) && !(s.hasNotAction && len(s.notAction) > 0) {
			return nil, malformed(msgNoActions)
		}
	}
	if resourceErr != "" {
		return nil, malformed(resourceErr)
	}
	if kind == Identity || kind == Session {
		for i := range v.stmts {
			s := &v.stmts[i]
			if !(s.hasResource && len(s.resource) > 0) && !(s.hasNotResource && len(s.notResource) > 0) {
				return nil, malformed(msgNoResources)
			}
		}
	}
	if err := v.actionPrefixes(); err != nil {
		return nil, err
	}
	if kind == Trust {
		if err := v.trust(); err != nil {
			return nil, err
		}
	}
	return v.build(version), nil
}

// ---- syntax phase ---------------------------------------------------------

func (v *validator) syntax() bool {
	root := v.root
	if root.kind != jObject {
		return false
	}
	for i, k := range root.keys {
		val := root.vals[i]
		switch k {
		case "Version":
			if val.kind != jString || (val.str != Version2012 && val.str != Version2008) {
				return false
			}
		case "Id":
			if val.kind != jString {
				return false
			}
		case "Statement":
		default:
			return false
		}
	}
	st, ok := root.member("Statement")
	if !ok {
		return false
	}
	var nodes []*jvalue
	switch st.kind {
	case jObject:
		nodes = []*jvalue{st}
	case jArray:
		nodes = st.elems
	default:
		return false
	}
	if len(nodes) == 0 {
		return false
	}
	v.stmts = make([]rawStmt, len(nodes))
	for i, n := range nodes {
		if !v.statementSyntax(n, &v.stmts[i]) {
			return false
		}
	}
	return true
}

func (v *validator) statementSyntax(n *jvalue, s *rawStmt) bool {
	if n.kind != jObject {
		return false
	}
	s.node = n
	for i, k := range n.keys {
		val := n.vals[i]
		var ok bool
		switch k {
		case "Sid":
			s.hasSid, s.sid, ok = true, val.str, val.kind == jString
		case "Effect":
			s.effect = val.str
			ok = val.kind == jString && (strings.EqualFold(val.str, "Allow") || strings.EqualFold(val.str, "Deny"))
		case "Action":
			s.hasAction = true
			s.action, ok = stringOrList(val)
		case "NotAction":
			s.hasNotAction = true
			s.notAction, ok = stringOrList(val)
		case "Resource":
			s.hasResource = true
			s.resource, ok = stringOrList(val)
		case "NotResource":
			s.hasNotResource = true
			s.notResource, ok = stringOrList(val)
		case "Principal":
			s.principal, ok = principalSyntax(val)
		case "NotPrincipal":
			s.notPrincipal, ok = principalSyntax(val)
		case "Condition":
			ok = conditionSyntax(val, s)
		}
		if !ok {
			return false
		}
	}
	if _, ok := n.member("Effect"); !ok {
		return false
	}
	if (s.hasAction && s.hasNotAction) || (s.hasResource && s.hasNotResource) || (s.principal != nil && s.notPrincipal != nil) {
		return false
	}
	return true
}

// stringOrList accepts a string or an array of strings. A bare string comes
// back as a one-element slice; an empty array as a non-nil empty slice.
func stringOrList(v *jvalue) ([]string, bool) {
	switch v.kind {
	case jString:
		return []string{v.str}, true
	case jArray:
		out := make([]string, 0, len(v.elems))
		for _, e := range v.elems {
			if e.kind != jString {
				return nil, false
			}
			out = append(out, e.str)
		}
		return out, true
	}
	return nil, false
}

func principalSyntax(v *jvalue) (*PrincipalSet, bool) {
	switch v.kind {
	case jString:
		if v.str != "*" {
			return nil, false
		}
		return &PrincipalSet{All: true}, true
	case jObject:
		ps := &PrincipalSet{}
		for i, k := range v.keys {
			vals, ok := stringOrList(v.vals[i])
			if !ok {
				return nil, false
			}
			switch k {
			case "AWS":
				ps.AWS = vals
			case "Service":
				ps.Service = vals
			case "Federated":
				ps.Federated = vals
			case "CanonicalUser":
				ps.CanonicalUser = vals
			default:
				return nil, false
			}
		}
		return ps, true
	}
	return nil, false
}

func conditionSyntax(v *jvalue, s *rawStmt) bool {
	if v.kind != jObject {
		return false
	}
	for i, opName := range v.keys {
		body := v.vals[i]
		if body.kind != jObject {
			return false
		}
		info, known := parseOperator(opName)
		if !known {
			if len(body.keys) > 0 {
				return false
			}
			continue
		}
		for j, key := range body.keys {
			vals, ok := conditionValues(body.vals[j])
			if !ok {
				return false
			}
			s.conds = append(s.conds, Condition{Operator: opName, Key: key, Values: vals})
			s.ops = append(s.ops, info)
		}
	}
	return true
}

func scalarText(v *jvalue) (string, bool) {
	switch v.kind {
	case jString, jNumber:
		return v.str, true
	case jBool:
		if v.b {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

func conditionValues(v *jvalue) ([]string, bool) {
	if v.kind == jArray {
		out := make([]string, 0, len(v.elems))
		for _, e := range v.elems {
			t, ok := scalarText(e)
			if !ok {
				return nil, false
			}
			out = append(out, t)
		}
		return out, true
	}
	t, ok := scalarText(v)
	if !ok {
		return nil, false
	}
	return []string{t}, true
}

// ---- legacy-parsing phase --------------------------------------------------

// legacy checks what AWS's legacy parser rejects (Effect case, Date
// condition values, malformed ARNs) and, on the way, finds the first
// resource-format error, which is reported later in the precedence.
func (v *validator) legacy() (resourceErr string, ok bool) {
	for i := range v.stmts {
		s := &v.stmts[i]
		if s.effect != "Allow" && s.effect != "Deny" {
			return "", false
		}
		for j, c := range s.conds {
			if !s.ops[j].base.isDate() {
				continue
			}
			for _, val := range c.Values {
				if _, ok := parsePolicyDate(val); !ok {
					return "", false
				}
			}
		}
	}
	for _, not := range []bool{false, true} {
		for i := range v.stmts {
			s := &v.stmts[i]
			list := s.resource
			if not {
				list = s.notResource
			}
			// Formats first; the legacy ARN checks run only while no
			// format error has been found.
			for _, r := range list {
				if r != "*" && resourceErr == "" {
					resourceErr = resourceFormatError(r)
				}
			}
			if resourceErr != "" {
				continue
			}
			for _, r := range list {
				if r != "*" && !legacyResourceOK(r) {
					return "", false
				}
			}
		}
	}
	return resourceErr, true
}

// legacyResourceOK reproduces the legacy parser's ARN checks: an ARN with an
// empty "::" run must have all six parts, and the service must be present.
func legacyResourceOK(r string) bool {
	if strings.Count(r, ":") < 5 && strings.Contains(r, "::") {
		return false
	}
	parts := strings.SplitN(r, ":", 4)
	return len(parts) >= 3 && parts[2] != ""
}

// resourceFormatError returns the message for a Resource value that is not
// "*" nor a well-formed ARN in the aws partition, or "".
//
// A value with no colon is not an ARN. Otherwise the second part is taken
// as the partition whatever the first part is: AWS answers "a:b:cadfsdf"
// with `Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*".`
// (LocalStack's AWS-recorded test_iam_policies snapshot,
// test_create_policy_invalid_document[invalid-21..24]).
func resourceFormatError(r string) string {
	head, rest, found := strings.Cut(r, ":")
	if !found {
		return `Resource ` + r + ` must be in ARN format or "*".`
	}
	partition, rest, found := strings.Cut(rest, ":")
	if partition != "aws" && partition != "*" {
		parts := strings.Split(rest, ":")
		a1 := "*"
		if parts[0] != "" || len(parts) > 1 {
			a1 = parts[0]
		}
		a2, a3, a4 := "*", "*", "*"
		if len(parts) > 1 {
			a2 = parts[1]
		}
		if len(parts) > 2 {
			a3 = parts[2]
		}
		if len(parts) > 3 {
			a4 = strings.Join(parts[3:], ":")
		}
		return `Partition "` + partition + `" is not valid for resource "arn:` + partition + ":" + a1 + ":" + a2 + ":" + a3 + ":" + a4 + `".`
	}
	if head != "arn" {
		// Not evidenced either way for the aws partition; kept as before.
		return `Resource ` + r + ` must be in ARN format or "*".`
	}
	if !found {
		return msgVendorQualified
	}
	service, rest, found := strings.Cut(rest, ":")
	if service == "iam" || service == "s3" {
		if (!found || !strings.HasPrefix(rest, ":")) && !s3AccessPoint(service, rest) {
			if service == "iam" {
				return "IAM resource " + r + " cannot contain region information."
			}
			return "Resource " + r + " can not contain region information."
		}
	}
	if service == "iam" {
		_, rest, _ = strings.Cut(rest, ":") // region
		_, rest, _ = strings.Cut(rest, ":") // account
		if !iamResourcePathOK(rest) {
			return msgIAMPath
		}
	}
	return ""
}

// s3AccessPoint reports whether the part of an S3 ARN after the service
// ("region:account:resource") names an access point, which, unlike a
// bucket, carries a region: AWS accepts
// "arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point"
// (LocalStack's AWS-recorded test_iam_policies snapshot,
// test_create_policy_valid_document[valid-50]).
func s3AccessPoint(service, rest string) bool {
	if service != "s3" {
		return false
	}
	_, rest, _ = strings.Cut(rest, ":") // region
	_, rest, _ = strings.Cut(rest, ":") // account
	return strings.HasPrefix(rest, "accesspoint/")
}

// iamResourcePathOK reports whether an IAM resource part is "*", "root" or
// can name one of the IAM resource types (wildcards may stand for the
// prefix).
func iamResourcePathOK(path string) bool {
	if path == "*" || path == "root" {
		return true
	}
	for _, pre := range iamResourcePrefixes {
		if globCanStartWith(path, pre) {
			return true
		}
	}
	return false
}

// globCanStartWith reports whether some string matched by the wildcard
// pattern pat starts with prefix.
func globCanStartWith(pat, prefix string) bool {
	for i := 0; i < len(prefix); i++ {
		if i >= len(pat) {
			return false
		}
		switch pat[i] {
		case '*':
			return true
		case '?':
			continue
		default:
			if pat[i] != prefix[i] {
				return false
			}
		}
	}
	return true
}

// ---- SIDs, actions ------------------------------------------------------

func (v *validator) sids() error {
	if v.kind != Resource {
		for i := range v.stmts {
			for _, c := range v.stmts[i].sid {
				if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
					return malformed(msgSidAlnum)
				}
			}
		}
	}
	seen := make(map[string]bool, len(v.stmts))
	for i := range v.stmts {
		sid := v.stmts[i].sid
		if sid == "" {
			continue
		}
		if seen[sid] {
			return malformed(msgSidUnique)
		}
		seen[sid] = true
	}
	return nil
}

func (v *validator) actionPrefixes() error {
	for _, not := range []bool{false, true} {
		for i := range v.stmts {
			list := v.stmts[i].action
			if not {
				list = v.stmts[i].notAction
			}
			for _, a := range list {
				if err := actionPrefixError(a); err != nil {
					return err
				}
			}
		}
	}
	// Condition keys are not checked for a vendor: AWS accepts keys such
	// as "a" (LocalStack's AWS-recorded test_iam_policies snapshot,
	// test_create_policy_valid_document[valid-18, -30, -32..-36]).
	return nil
}

func actionPrefixError(a string) *apierr.Error {
	if a == "*" {
		return nil
	}
	n := strings.Count(a, ":")
	if n == 0 {
		return malformed(msgNoVendor)
	}
	if n > 1 {
		return malformed(msgOneColon)
	}
	vendor := a[:strings.IndexByte(a, ':')]
	if vendor == "*" {
		return nil
	}
	for i := 0; i < len(vendor); i++ {
		c := vendor[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return malformed("Vendor " + vendor + " is not valid")
		}
	}
	return nil
}

// ---- trust policies -------------------------------------------------------

func (v *validator) trust() error {
	for i := range v.stmts {
		if v.stmts[i].hasResource {
			return malformed(msgTrustResource)
		}
		if v.stmts[i].hasNotResource {
			return malformed(msgTrustNotResource)
		}
	}
	for i := range v.stmts {
		s := &v.stmts[i]
		if s.notPrincipal != nil {
			return malformed(msgSyntax)
		}
		if s.principal == nil || (!s.principal.All && len(s.principal.AWS)+len(s.principal.Service)+len(s.principal.Federated)+len(s.principal.CanonicalUser) == 0) {
			return malformed(msgTrustNoPrincipal)
		}
	}
	for i := range v.stmts {
		for _, a := range v.stmts[i].action {
			if !trustActionOK(a) {
				return malformed(msgTrustActions)
			}
		}
	}
	for i := range v.stmts {
		ps := v.stmts[i].principal
		if ps.All {
			return malformed(msgTrustStar)
		}
		for _, a := range ps.AWS {
			if !awsPrincipalOK(a) {
				return InvalidPrincipal("AWS", a)
			}
		}
		for _, s := range ps.Service {
			if !servicePrincipalOK(s) {
				return InvalidPrincipal("SERVICE", s)
			}
		}
		for _, f := range ps.Federated {
			if f == "" || strings.ContainsAny(f, "*? \t") {
				return InvalidPrincipal("FEDERATED", f)
			}
		}
		if len(ps.CanonicalUser) > 0 {
			return InvalidPrincipal("CANONICALUSER", ps.CanonicalUser[0])
		}
	}
	return nil
}

// trustActionOK accepts "*" and any action pattern that names (or can
// match) one of the sts:AssumeRole family.
func trustActionOK(a string) bool {
	if a == "*" {
		return true
	}
	pat := compileAction(a)
	for _, t := range trustActions {
		if pat.match(t) {
			return true
		}
	}
	return false
}

// awsPrincipalOK accepts the principal forms AWS documents for the AWS key:
// "*", an account ID, an account root / user / role ARN, a role session or
// federated-user ARN, or a unique ID (AIDA…, AROA…) that a stored policy
// was rewritten to. Partial wildcards are not allowed.
func awsPrincipalOK(a string) bool {
	if a == "*" {
		return true
	}
	if strings.ContainsAny(a, "*?") {
		return false
	}
	if isAccountID(a) {
		return true
	}
	if len(a) >= 16 && (strings.HasPrefix(a, "AIDA") || strings.HasPrefix(a, "AROA")) {
		for i := 0; i < len(a); i++ {
			c := a[i]
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return false
			}
		}
		return true
	}
	parts := strings.SplitN(a, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] != "aws" || parts[3] != "" || !isAccountID(parts[4]) {
		return false
	}
	res := parts[5]
	switch parts[2] {
	case "iam":
		return res == "root" || (strings.HasPrefix(res, "user/") || strings.HasPrefix(res, "role/")) && !strings.HasSuffix(res, "/")
	case "sts":
		if rest, ok := strings.CutPrefix(res, "assumed-role/"); ok {
			role, session, ok := strings.Cut(rest, "/")
			return ok && role != "" && session != ""
		}
		if rest, ok := strings.CutPrefix(res, "federated-user/"); ok {
			return rest != ""
		}
	}
	return false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// servicePrincipalOK accepts service principal names such as
// "ec2.amazonaws.com" (or the China-region ".amazonaws.com.cn" form).
func servicePrincipalOK(s string) bool {
	l := strings.ToLower(s)
	host, ok := strings.CutSuffix(l, ".amazonaws.com")
	if !ok {
		host, ok = strings.CutSuffix(l, ".amazonaws.com.cn")
	}
	if !ok || host == "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// ---- building the result ------------------------------------------------

func (v *validator) build(version string) *Policy {
	p := &Policy{doc: v.doc, kind: v.kind, version: version}
	if n, ok := v.root.member("Id"); ok {
		p.id = n.str
	}
	lines := lineStarts(v.doc)
	p.statements = make([]Statement, len(v.stmts))
	for i := range v.stmts {
		s := &v.stmts[i]
		st := &p.statements[i]
		st.Sid = s.sid
		st.Effect = EffectAllow
		if s.effect == "Deny" {
			st.Effect = EffectDeny
		}
		st.Principal, st.NotPrincipal = s.principal, s.notPrincipal
		st.Action, st.NotAction = s.action, s.notAction
		st.Resource, st.NotResource = s.resource, s.notResource
		st.Conditions = s.conds
		st.Start = position(v.doc, lines, s.node.start)
		st.End = position(v.doc, lines, s.node.end-1) // the closing brace
	}
	return p
}

func lineStarts(doc string) []int {
	starts := []int{0}
	for i := 0; i < len(doc); i++ {
		if doc[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func position(doc string, lines []int, off int) Position {
	// Last line start <= off.
	lo, hi := 0, len(lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return Position{Line: lo + 1, Column: utf8.RuneCountInString(doc[lines[lo]:off]) + 1}
}
