package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// scenario is one kind of load. setup prepares it on one endpoint through
// the API, with names under the endpoint's unique prefix, and returns the
// operation to repeat; it fails with errUnsupported when the endpoint lacks
// an operation it needs.
type scenario struct {
	name  string
	desc  string
	walk  bool // one operation is a walk over every page
	setup func(ctx context.Context, e *env) (*load, error)
}

// load is a prepared scenario: op performs one operation (one request, or
// one walk) with the worker's connection and returns its error.
type load struct {
	op    func(w *worker) error
	notes []string
}

// Scenarios lists the scenario names in their default order.
func Scenarios() []string {
	names := make([]string, len(scenarios))
	for i, s := range scenarios {
		names[i] = s.name
	}
	return names
}

var scenarios = []scenario{
	{name: "get-user", desc: "GetUser of one user, signed by the given (root) key", setup: setupGetUser},
	{name: "get-user-authorized", desc: "GetUser of a user by itself, signed with its own key; it has 10 attached customer managed policies", setup: setupGetUserAuthorized},
	{name: "create-user", desc: "CreateUser, a distinct name each time", setup: setupCreateUser},
	{name: "attach-user-policy", desc: "AttachUserPolicy and DetachUserPolicy in turn, one user per connection, one customer managed policy", setup: setupAttachUserPolicy},
	{name: "create-role", desc: "CreateRole with a trust policy, a distinct name each time", setup: setupCreateRole},
	{name: "assume-role", desc: "sts AssumeRole of one role by a user named in its trust policy (with the account root), signed with the user's key", setup: setupAssumeRole},
	{name: "list-users-1000", desc: "ListUsers MaxItems=100, first page, over 1,000 users under one path prefix", setup: setupListFirst(1000)},
	{name: "list-users-5000", desc: "ListUsers MaxItems=100, first page, over 5,000 users under one path prefix", setup: setupListFirst(5000)},
	{name: "list-users-5000-all", desc: "ListUsers MaxItems=100 over 5,000 users, every page following Marker; one operation is the whole walk", walk: true, setup: setupListAll(5000)},
}

// pick returns the named scenarios (all of them for none or "all").
func pick(names []string) ([]scenario, error) {
	if len(names) == 0 || (len(names) == 1 && names[0] == "all") {
		return scenarios, nil
	}
	var out []scenario
	for _, n := range names {
		i := -1
		for j := range scenarios {
			if scenarios[j].name == n {
				i = j
			}
		}
		if i < 0 {
			return nil, fmt.Errorf("bench: unknown scenario %q (have %s)", n, strings.Join(Scenarios(), ", "))
		}
		out = append(out, scenarios[i])
	}
	return out, nil
}

// env is one endpoint as the set-up code sees it.
type env struct {
	c      *Client
	creds  aws.Credentials
	prefix string // unique to this run and endpoint, e.g. "bench-k3x9qae-"
	conns  int
	cache  map[string]any // what scenarios of this run share (user sets)
	logf   func(format string, args ...any)
}

// formOf builds a form from name/value pairs.
func formOf(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// iam calls an IAM action with the given credentials; an InvalidAction
// answer becomes errUnsupported.
func (e *env) iam(ctx context.Context, creds aws.Credentials, kv ...string) ([]byte, error) {
	b, err := e.c.Call(ctx, "iam", creds, formOf(kv...))
	return b, unsupported(err)
}

// parallel runs fn(0..n-1) over the connections; the first error stops it.
func (e *env) parallel(ctx context.Context, n int, fn func(i int) error) error {
	var next atomic.Int64
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range min(e.conns, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					next.Store(int64(n)) // stop the others
					return
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// fixed is a request sent unchanged: body and payload hash computed once.
type fixed struct {
	service string
	creds   aws.Credentials
	body    []byte
	hash    string
}

func newFixed(service string, creds aws.Credentials, kv ...string) *fixed {
	f := formOf(kv...)
	if service == "sts" {
		f.Set("Version", stsVersion)
	} else {
		f.Set("Version", iamVersion)
	}
	body := []byte(f.Encode())
	return &fixed{service: service, creds: creds, body: body, hash: PayloadHash(body)}
}

func (f *fixed) send(w *worker) error {
	_, err := w.post(f.service, f.creds, f.body, f.hash)
	return err
}

// accountID asks STS whom the given key belongs to.
func (e *env) accountID(ctx context.Context) (string, error) {
	if v, ok := e.cache["account"].(string); ok {
		return v, nil
	}
	b, err := e.c.Call(ctx, "sts", e.creds, formOf("Action", "GetCallerIdentity"))
	if err != nil {
		return "", unsupported(err)
	}
	acct := xmlText(b, "Account")
	if acct == "" {
		return "", fmt.Errorf("GetCallerIdentity: no Account in %s", truncate(b, 300))
	}
	e.cache["account"] = acct
	return acct, nil
}

// userWithKey creates a user and an access key for it.
func (e *env) userWithKey(ctx context.Context, name string) (arn string, creds aws.Credentials, err error) {
	b, err := e.iam(ctx, e.creds, "Action", "CreateUser", "UserName", name)
	if err != nil {
		return "", creds, err
	}
	arn = xmlText(b, "Arn")
	b, err = e.iam(ctx, e.creds, "Action", "CreateAccessKey", "UserName", name)
	if err != nil {
		return "", creds, err
	}
	creds = aws.Credentials{AccessKeyID: xmlText(b, "AccessKeyId"), SecretAccessKey: xmlText(b, "SecretAccessKey"), Source: "bench"}
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return "", creds, fmt.Errorf("CreateAccessKey: no key in %s", truncate(b, 300))
	}
	return arn, creds, nil
}

func setupGetUser(ctx context.Context, e *env) (*load, error) {
	name := e.prefix + "gu"
	if _, err := e.iam(ctx, e.creds, "Action", "CreateUser", "UserName", name); err != nil {
		return nil, err
	}
	req := newFixed("iam", e.creds, "Action", "GetUser", "UserName", name)
	return &load{op: req.send}, nil
}

// authorizedPolicies are the 10 customer managed policies of the user of
// get-user-authorized: nine about other things (one of them a Deny), the
// last one allowing iam:GetUser, so an evaluator has to look at all.
func authorizedPolicies(account string) []string {
	docs := make([]string, 0, 10)
	for i := range 8 {
		docs = append(docs, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S3Read%d","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bench-bucket-%d","arn:aws:s3:::bench-bucket-%d/*"]},{"Sid":"Ec2Describe%d","Effect":"Allow","Action":"ec2:Describe*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}]}`, i, i, i, i))
	}
	docs = append(docs, `{"Version":"2012-10-17","Statement":[{"Sid":"NoDeletes","Effect":"Deny","Action":["iam:DeleteUser","iam:DeleteRole"],"Resource":"*"}]}`)
	docs = append(docs, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"ReadUsers","Effect":"Allow","Action":["iam:GetUser","iam:ListUsers"],"Resource":"arn:aws:iam::%s:user/*"}]}`, account))
	return docs
}

func setupGetUserAuthorized(ctx context.Context, e *env) (*load, error) {
	name, creds, err := e.authorizedUser(ctx)
	if err != nil {
		return nil, err
	}
	req := newFixed("iam", creds, "Action", "GetUser", "UserName", name)
	// One call now, so that a refusal shows up as a set-up error.
	if _, err := e.c.Call(ctx, "iam", creds, formOf("Action", "GetUser", "UserName", name)); err != nil {
		return nil, err
	}
	return &load{op: req.send}, nil
}

// authorizedUser creates the user of get-user-authorized, attaches its 10
// policies and gives it an access key.
func (e *env) authorizedUser(ctx context.Context) (string, aws.Credentials, error) {
	var creds aws.Credentials
	account, err := e.accountID(ctx)
	if err != nil {
		return "", creds, err
	}
	name := e.prefix + "ga"
	if _, err := e.iam(ctx, e.creds, "Action", "CreateUser", "UserName", name); err != nil {
		return "", creds, err
	}
	for i, doc := range authorizedPolicies(account) {
		b, err := e.iam(ctx, e.creds, "Action", "CreatePolicy", "PolicyName", fmt.Sprintf("%sga-p%d", e.prefix, i), "PolicyDocument", doc)
		if err != nil {
			return "", creds, err
		}
		if _, err := e.iam(ctx, e.creds, "Action", "AttachUserPolicy", "UserName", name, "PolicyArn", xmlText(b, "Arn")); err != nil {
			return "", creds, err
		}
	}
	b, err := e.iam(ctx, e.creds, "Action", "CreateAccessKey", "UserName", name)
	if err != nil {
		return "", creds, err
	}
	creds = aws.Credentials{AccessKeyID: xmlText(b, "AccessKeyId"), SecretAccessKey: xmlText(b, "SecretAccessKey"), Source: "bench"}
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return "", creds, fmt.Errorf("CreateAccessKey: no key in %s", truncate(b, 300))
	}
	return name, creds, nil
}

func setupCreateUser(ctx context.Context, e *env) (*load, error) {
	prefix := e.prefix + "cu-"
	var n atomic.Int64
	return &load{op: func(w *worker) error {
		b := make([]byte, 0, 96)
		b = append(b, "Action=CreateUser&Version="+iamVersion+"&UserName="...)
		b = append(b, prefix...) // letters, digits and '-': nothing to escape
		b = strconv.AppendInt(b, n.Add(1), 10)
		_, err := w.post("iam", e.creds, b, "")
		return err
	}}, nil
}

func setupAttachUserPolicy(ctx context.Context, e *env) (*load, error) {
	b, err := e.iam(ctx, e.creds, "Action", "CreatePolicy", "PolicyName", e.prefix+"ap",
		"PolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bench-bucket/*"}]}`)
	if err != nil {
		return nil, err
	}
	arn := xmlText(b, "Arn")
	attach := make([]*fixed, e.conns)
	detach := make([]*fixed, e.conns)
	err = e.parallel(ctx, e.conns, func(i int) error {
		name := fmt.Sprintf("%sap-%d", e.prefix, i)
		if _, err := e.iam(ctx, e.creds, "Action", "CreateUser", "UserName", name); err != nil {
			return err
		}
		attach[i] = newFixed("iam", e.creds, "Action", "AttachUserPolicy", "UserName", name, "PolicyArn", arn)
		detach[i] = newFixed("iam", e.creds, "Action", "DetachUserPolicy", "UserName", name, "PolicyArn", arn)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Both operations once, so that a missing one shows now.
	for _, action := range []string{"AttachUserPolicy", "DetachUserPolicy"} {
		if _, err := e.iam(ctx, e.creds, "Action", action, "UserName", e.prefix+"ap-0", "PolicyArn", arn); err != nil {
			return nil, err
		}
	}
	return &load{op: func(w *worker) error {
		i := w.id % len(attach)
		if w.seq%2 == 1 {
			return attach[i].send(w)
		}
		return detach[i].send(w)
	}, notes: []string{"half the operations are AttachUserPolicy, half DetachUserPolicy"}}, nil
}

const serviceTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func setupCreateRole(ctx context.Context, e *env) (*load, error) {
	if _, err := e.iam(ctx, e.creds, "Action", "CreateRole", "RoleName", e.prefix+"cr-probe", "AssumeRolePolicyDocument", serviceTrust); err != nil {
		return nil, err
	}
	prefix := e.prefix + "cr-"
	tail := "&AssumeRolePolicyDocument=" + url.QueryEscape(serviceTrust)
	var n atomic.Int64
	return &load{op: func(w *worker) error {
		b := make([]byte, 0, 256)
		b = append(b, "Action=CreateRole&Version="+iamVersion+"&RoleName="...)
		b = append(b, prefix...)
		b = strconv.AppendInt(b, n.Add(1), 10)
		b = append(b, tail...)
		_, err := w.post("iam", e.creds, b, "")
		return err
	}}, nil
}

func setupAssumeRole(ctx context.Context, e *env) (*load, error) {
	account, err := e.accountID(ctx)
	if err != nil {
		return nil, err
	}
	// AWS refuses AssumeRole to the root user, so a user calls it: the
	// trust policy names it (and the account root, which would delegate to
	// identity policies).
	userARN, creds, err := e.userWithKey(ctx, e.prefix+"ar-user")
	if err != nil {
		return nil, err
	}
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::%s:root","%s"]},"Action":"sts:AssumeRole"}]}`, account, userARN)
	b, err := e.iam(ctx, e.creds, "Action", "CreateRole", "RoleName", e.prefix+"ar-role", "AssumeRolePolicyDocument", trust)
	if err != nil {
		return nil, err
	}
	roleARN := xmlText(b, "Arn")
	reqs := make([]*fixed, e.conns)
	for i := range reqs {
		reqs[i] = newFixed("sts", creds, "Action", "AssumeRole", "RoleArn", roleARN, "RoleSessionName", fmt.Sprintf("bench-%d", i))
	}
	if _, err := e.c.Call(ctx, "sts", creds, formOf("Action", "AssumeRole", "RoleArn", roleARN, "RoleSessionName", "probe")); err != nil {
		return nil, unsupported(err)
	}
	return &load{op: func(w *worker) error { return reqs[w.id%len(reqs)].send(w) }}, nil
}

// userSet creates n users under a path of their own (once per run and
// endpoint) and returns the path.
func (e *env) userSet(ctx context.Context, n int) (string, error) {
	key := "users/" + strconv.Itoa(n)
	if p, ok := e.cache[key].(string); ok {
		return p, nil
	}
	path := "/" + strings.TrimSuffix(e.prefix, "-") + "/l" + strconv.Itoa(n) + "/"
	e.logf("creating %d users under %s on %s", n, path, e.c.endpoint)
	err := e.parallel(ctx, n, func(i int) error {
		_, err := e.iam(ctx, e.creds, "Action", "CreateUser", "UserName", fmt.Sprintf("%sl%d-%05d", e.prefix, n, i), "Path", path)
		return err
	})
	if err != nil {
		return "", err
	}
	e.cache[key] = path
	return path, nil
}

var userNameTag = []byte("<UserName>")

// countUsers counts every user of the account (up to a bound).
func (e *env) countUsers(ctx context.Context) (int, bool, error) {
	total, marker := 0, ""
	for range 500 {
		kv := []string{"Action", "ListUsers", "MaxItems", "1000"}
		if marker != "" {
			kv = append(kv, "Marker", marker)
		}
		b, err := e.iam(ctx, e.creds, kv...)
		if err != nil {
			return 0, false, err
		}
		total += bytes.Count(b, userNameTag)
		if xmlText(b, "IsTruncated") != "true" {
			return total, true, nil
		}
		if marker = xmlText(b, "Marker"); marker == "" {
			return 0, false, errors.New("ListUsers: IsTruncated without a Marker")
		}
	}
	return total, false, nil
}

// listNotes describes what the endpoint answers and holds.
func (e *env) listNotes(ctx context.Context, path string, n int) ([]string, error) {
	b, err := e.iam(ctx, e.creds, "Action", "ListUsers", "PathPrefix", path, "MaxItems", "100")
	if err != nil {
		return nil, err
	}
	notes := []string{fmt.Sprintf("first page holds %d users, IsTruncated=%s", bytes.Count(b, userNameTag), xmlText(b, "IsTruncated"))}
	total, complete, err := e.countUsers(ctx)
	if err != nil {
		return nil, err
	}
	if total > n {
		more := ""
		if !complete {
			more = " at least"
		}
		notes = append(notes, fmt.Sprintf("the account holds%s %d users in all; PathPrefix selects the %d", more, total, n))
	}
	return notes, nil
}

func setupListFirst(n int) func(context.Context, *env) (*load, error) {
	return func(ctx context.Context, e *env) (*load, error) {
		path, err := e.userSet(ctx, n)
		if err != nil {
			return nil, err
		}
		notes, err := e.listNotes(ctx, path, n)
		if err != nil {
			return nil, err
		}
		req := newFixed("iam", e.creds, "Action", "ListUsers", "PathPrefix", path, "MaxItems", "100")
		return &load{op: req.send, notes: notes}, nil
	}
}

func setupListAll(n int) func(context.Context, *env) (*load, error) {
	return func(ctx context.Context, e *env) (*load, error) {
		path, err := e.userSet(ctx, n)
		if err != nil {
			return nil, err
		}
		notes, err := e.listNotes(ctx, path, n)
		if err != nil {
			return nil, err
		}
		first := newFixed("iam", e.creds, "Action", "ListUsers", "PathPrefix", path, "MaxItems", "100")
		return &load{op: func(w *worker) error {
			b, err := w.post("iam", e.creds, first.body, first.hash)
			seen := 0
			for pages := 1; ; pages++ {
				if err != nil {
					return err
				}
				seen += bytes.Count(b, userNameTag)
				if xmlText(b, "IsTruncated") != "true" {
					break
				}
				marker := xmlText(b, "Marker")
				if marker == "" || pages > n {
					return fmt.Errorf("ListUsers: page %d is truncated without a usable Marker", pages)
				}
				next := append(bytes.Clone(first.body), "&Marker="...)
				next = append(next, url.QueryEscape(marker)...)
				b, err = w.post("iam", e.creds, next, "")
			}
			if seen != n {
				return fmt.Errorf("ListUsers walk saw %d users, want %d", seen, n)
			}
			return nil
		}, notes: notes}, nil
	}
}
