// Package e2e tests the built iamd binary end to end with the clients
// people actually use: the AWS CLI and boto3 (Python scripts in this
// directory). TestMain builds ./cmd/iamd once; each test starts the binary
// on a free loopback port with a fresh data dir and kills it at the end.
//
// The tests skip (with a message) when `aws` or python3 with boto3 is
// missing, and under -short. IAMD_E2E_BINARY=path tests that binary instead
// of building one.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	accountID  = "123456789012"
	rootKey    = "AKIAIOSFODNN7EXAMPLE"
	rootSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	iamNS      = "https://iam.amazonaws.com/doc/2010-05-08/"
)

var (
	iamdBin string // the built binary

	userIDRe     = regexp.MustCompile(`^AIDA[A-Z0-9]{17}$`)
	accessKeyRe  = regexp.MustCompile(`^AKIA[A-Z0-9]{16}$`)
	sessionKeyRe = regexp.MustCompile(`^ASIA[A-Z0-9]{16}$`)
	requestIDRe  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if testing.Short() {
		return m.Run() // every test skips
	}
	if bin := os.Getenv("IAMD_E2E_BINARY"); bin != "" {
		// Test a binary built elsewhere (e.g. `make build`).
		abs, err := filepath.Abs(bin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
		iamdBin = abs
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "iamd-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	iamdBin = filepath.Join(dir, "iamd")
	// The test runs in <module>/e2e; build from the module root.
	cmd := exec.Command("go", "build", "-o", iamdBin, "./cmd/iamd")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/iamd: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// ---------------------------------------------------------------------------
// Tool availability.

var (
	awsOnce, pyOnce sync.Once
	awsMissing      string
	pyMissing       string
)

func requireAWSCLI(t *testing.T) {
	t.Helper()
	awsOnce.Do(func() {
		out, err := exec.Command("aws", "--version").CombinedOutput()
		if err != nil {
			awsMissing = fmt.Sprintf("the AWS CLI (`aws`) is not usable here (%v: %s); install it (CI: .ci/run installs Debian's awscli)", err, bytes.TrimSpace(out))
		}
	})
	if awsMissing != "" {
		t.Skip(awsMissing)
	}
}

func requireBoto3(t *testing.T) {
	t.Helper()
	pyOnce.Do(func() {
		out, err := exec.Command("python3", "-c", "import boto3, botocore").CombinedOutput()
		if err != nil {
			pyMissing = fmt.Sprintf("python3 with boto3 is not usable here (%v: %s); install python3-boto3", err, bytes.TrimSpace(out))
		}
	})
	if pyMissing != "" {
		t.Skip(pyMissing)
	}
}

func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test of the built binary; skipped with -short")
	}
}

// baseEnv is the test process's environment without anything that would
// change how the AWS tools or iamd behave (profiles, regions, endpoints,
// credentials, root keys).
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "IAMD_") || strings.HasPrefix(kv, "BOTO_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// ---------------------------------------------------------------------------
// The server under test.

type server struct {
	t        *testing.T
	dataDir  string
	logDir   string
	envCreds bool     // start with IAMD_ROOT_* in the environment
	flags    []string // more `iamd serve` flags
	starts   int

	cmd      *exec.Cmd
	done     chan struct{}
	waitErr  error
	addr     string
	endpoint string
	stdout   string // path of the current run's stdout file
	stderr   string
}

// startServer starts iamd with the root credentials in its environment on a
// fresh data dir.
func startServer(t *testing.T) *server {
	t.Helper()
	s := &server{t: t, dataDir: t.TempDir(), logDir: t.TempDir(), envCreds: true}
	s.start()
	t.Cleanup(s.cleanup)
	return s
}

// start runs the binary (again) on s.dataDir and waits until it answers.
func (s *server) start() {
	s.t.Helper()
	if s.cmd != nil {
		s.t.Fatal("e2e: server already running")
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a free port can be taken before we bind it
		s.starts++
		addr, err := freeAddr()
		if err != nil {
			s.t.Fatal(err)
		}
		s.stdout = filepath.Join(s.logDir, fmt.Sprintf("stdout.%d", s.starts))
		s.stderr = filepath.Join(s.logDir, fmt.Sprintf("stderr.%d", s.starts))
		outF, err := os.Create(s.stdout)
		if err != nil {
			s.t.Fatal(err)
		}
		errF, err := os.Create(s.stderr)
		if err != nil {
			s.t.Fatal(err)
		}
		cmd := exec.Command(iamdBin, append([]string{"serve", "--listen", addr, "--data-dir", s.dataDir, "--account-id", accountID}, s.flags...)...)
		cmd.Env = baseEnv()
		if s.envCreds {
			cmd.Env = append(cmd.Env, "IAMD_ROOT_ACCESS_KEY_ID="+rootKey, "IAMD_ROOT_SECRET_ACCESS_KEY="+rootSecret)
		}
		cmd.Stdout, cmd.Stderr = outF, errF
		err = cmd.Start()
		outF.Close()
		errF.Close()
		if err != nil {
			s.t.Fatal(err)
		}
		s.cmd, s.addr, s.endpoint = cmd, addr, "http://"+addr
		s.done = make(chan struct{})
		go func(done chan struct{}) {
			s.waitErr = cmd.Wait()
			close(done)
		}(s.done)
		if lastErr = s.waitReady(15 * time.Second); lastErr == nil {
			return
		}
		s.kill()
		if !strings.Contains(s.readStderr(), "address already in use") {
			break
		}
	}
	s.t.Fatalf("e2e: iamd did not start: %v\nstderr:\n%s", lastErr, s.readStderr())
}

// waitReady polls until the server answers an HTTP request with its
// (unauthenticated) error envelope.
func (s *server) waitReady(limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-s.done:
			return fmt.Errorf("iamd exited: %v", s.waitErr)
		default:
		}
		resp, err := client.Post(s.endpoint+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=ListUsers&Version=2010-05-08"))
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusForbidden && bytes.Contains(b, []byte("MissingAuthenticationToken")) {
				return nil
			}
			return fmt.Errorf("unexpected answer to an unsigned request: %d %s", resp.StatusCode, b)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer within %v: %v", limit, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop() {
	s.t.Helper()
	if s.cmd == nil {
		return
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.kill()
		s.t.Fatalf("iamd did not exit within 15s of SIGTERM\nstderr:\n%s", s.readStderr())
	}
	err := s.waitErr
	s.cmd = nil
	if err != nil {
		s.t.Fatalf("iamd exited with %v after SIGTERM, want a clean exit\nstderr:\n%s", err, s.readStderr())
	}
}

// kill sends SIGKILL and waits for the process to go.
func (s *server) kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

func (s *server) cleanup() {
	if s.t.Failed() {
		s.t.Logf("iamd stderr (last run):\n%s", s.readStderr())
	}
	if s.cmd != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			s.kill()
		}
		s.cmd = nil
	}
}

func (s *server) readStdout() string { b, _ := os.ReadFile(s.stdout); return string(b) }
func (s *server) readStderr() string { b, _ := os.ReadFile(s.stderr); return string(b) }

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// ---------------------------------------------------------------------------
// Clients.

// creds are the credentials a client signs with.
type creds struct{ ID, Secret, Token string }

var root = creds{ID: rootKey, Secret: rootSecret}

func clientEnv(c creds) []string {
	env := append(baseEnv(),
		"AWS_ACCESS_KEY_ID="+c.ID,
		"AWS_SECRET_ACCESS_KEY="+c.Secret,
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=",
		"AWS_EC2_METADATA_DISABLED=true",
		"PYTHONDONTWRITEBYTECODE=1",
	)
	if c.Token != "" {
		env = append(env, "AWS_SESSION_TOKEN="+c.Token)
	}
	return env
}

type cliResult struct {
	stdout, stderr string
	err            error // non-nil when the command failed
}

// run executes a command with a time limit.
func run(t *testing.T, env []string, dir string, name string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: timed out\nstderr:\n%s", name, strings.Join(args, " "), errb.String())
	}
	return cliResult{stdout: out.String(), stderr: errb.String(), err: err}
}

// aws runs `aws --endpoint-url <server> --region us-east-1 --output json
// <args>` signed with c.
func (s *server) aws(t *testing.T, c creds, args ...string) cliResult {
	t.Helper()
	full := append([]string{"--endpoint-url", s.endpoint, "--region", "us-east-1", "--output", "json"}, args...)
	return run(t, clientEnv(c), "", "aws", full...)
}

// awsOK runs the CLI, requires success and decodes its JSON output into out
// (if not nil; commands without output print nothing).
func (s *server) awsOK(t *testing.T, c creds, out any, args ...string) {
	t.Helper()
	r := s.aws(t, c, args...)
	if r.err != nil {
		t.Fatalf("aws %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.err, r.stdout, r.stderr)
	}
	if out == nil {
		if strings.TrimSpace(r.stdout) != "" {
			t.Fatalf("aws %s: unexpected output:\n%s", strings.Join(args, " "), r.stdout)
		}
		return
	}
	if err := json.Unmarshal([]byte(r.stdout), out); err != nil {
		t.Fatalf("aws %s: output is not JSON (%v):\n%s", strings.Join(args, " "), err, r.stdout)
	}
}

// awsErr runs the CLI, requires failure and that the last line of its
// stderr is exactly want (the CLI's "An error occurred (Code) when calling
// the Op operation: message").
func (s *server) awsErr(t *testing.T, c creds, want string, args ...string) {
	t.Helper()
	r := s.aws(t, c, args...)
	if r.err == nil {
		t.Fatalf("aws %s: succeeded, want error %q\nstdout:\n%s", strings.Join(args, " "), want, r.stdout)
	}
	if got := lastLine(r.stderr); got != want {
		t.Fatalf("aws %s:\n got: %s\nwant: %s\nfull stderr:\n%s", strings.Join(args, " "), got, want, r.stderr)
	}
	if strings.TrimSpace(r.stdout) != "" {
		t.Fatalf("aws %s: failed but printed to stdout:\n%s", strings.Join(args, " "), r.stdout)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// python runs `python3 <script>` from this directory against the server
// with c, and decodes the JSON the script prints last into out.
func (s *server) python(t *testing.T, c creds, out any, script string, args ...string) {
	t.Helper()
	env := append(clientEnv(c), "IAMD_ENDPOINT="+s.endpoint, "IAMD_ACCOUNT_ID="+accountID)
	r := run(t, env, ".", "python3", append([]string{script}, args...)...)
	if r.err != nil {
		t.Fatalf("python3 %s: %v\nstdout:\n%s\nstderr:\n%s", script, r.err, r.stdout, r.stderr)
	}
	if err := json.Unmarshal([]byte(lastLine(r.stdout)), out); err != nil {
		t.Fatalf("python3 %s: last line is not JSON (%v)\nstdout:\n%s\nstderr:\n%s", script, err, r.stdout, r.stderr)
	}
}

// ---------------------------------------------------------------------------
// Wire shapes as the CLI prints them.

type user struct {
	Path             string
	UserName         string
	UserId           string
	Arn              string
	CreateDate       string
	PasswordLastUsed string
	Tags             []tag
}

type tag struct{ Key, Value string }

type accessKey struct {
	UserName        string
	AccessKeyId     string
	Status          string
	SecretAccessKey string
	CreateDate      string
}

type callerIdentity struct{ UserId, Account, Arn string }

func checkUser(t *testing.T, u user, path, name string) {
	t.Helper()
	wantArn := "arn:aws:iam::" + accountID + ":user" + path + name
	if u.Path != path || u.UserName != name || u.Arn != wantArn || !userIDRe.MatchString(u.UserId) {
		t.Fatalf("user %+v, want Path %q UserName %q Arn %q and a UserId matching %s", u, path, name, wantArn, userIDRe)
	}
	checkTime(t, "CreateDate", u.CreateDate)
}

// checkTime requires an RFC 3339 timestamp within a day of now (the CLI v1
// prints the wire value, v2 its own ISO 8601 rendering).
func checkTime(t *testing.T, what, v string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, v)
	if err != nil {
		t.Fatalf("%s %q is not an RFC 3339 timestamp: %v", what, v, err)
	}
	if d := time.Since(ts); d > 24*time.Hour || d < -24*time.Hour {
		t.Fatalf("%s %s is not about now", what, v)
	}
	return ts
}

// ---------------------------------------------------------------------------
// 1. The documented CreateUser examples.

func TestCreateUserDocumentedExamples(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireBoto3(t)
	s := startServer(t)

	var res struct {
		Boto3 struct {
			User user
		} `json:"boto3"`
		Raw struct {
			Status    int    `json:"status"`
			RequestID string `json:"request_id_header"`
			Body      string `json:"body"`
		} `json:"raw"`
	}
	s.python(t, root, &res, "create_user_examples.py")

	// client.create_user(UserName='Bob') — the script asserted the types
	// (CreateDate a timezone-aware datetime); check the values here too.
	checkUser(t, res.Boto3.User, "/", "Bob")

	// Action=CreateUser&Path=/division_abc/subdivision_xyz/&UserName=Bob&Version=2010-05-08
	raw := res.Raw
	if raw.Status != http.StatusOK {
		t.Fatalf("Query CreateUser: HTTP %d, want 200\n%s", raw.Status, raw.Body)
	}
	prefix := `<CreateUserResponse xmlns="` + iamNS + `">`
	if !strings.HasPrefix(raw.Body, prefix) {
		t.Errorf("Query CreateUser: the body does not start with %s (as AWS's does); it starts with %q", prefix, raw.Body[:min(len(raw.Body), 80)])
	}
	var env struct {
		XMLName xml.Name `xml:"https://iam.amazonaws.com/doc/2010-05-08/ CreateUserResponse"`
		User    struct {
			Path, UserName, UserId, Arn, CreateDate string
		} `xml:"CreateUserResult>User"`
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal([]byte(raw.Body), &env); err != nil {
		t.Fatalf("Query CreateUser: body is not a CreateUserResponse: %v\n%s", err, raw.Body)
	}
	u := env.User
	checkUser(t, user{Path: u.Path, UserName: u.UserName, UserId: u.UserId, Arn: u.Arn, CreateDate: u.CreateDate},
		"/division_abc/subdivision_xyz/", "Bob")
	if u.Arn != "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob" {
		t.Fatalf("Arn %s", u.Arn)
	}
	if !strings.HasSuffix(u.CreateDate, "Z") {
		t.Errorf("CreateDate %q: want RFC 3339 UTC with Z", u.CreateDate)
	}
	if env.RequestID == "" || env.RequestID != raw.RequestID {
		t.Fatalf("RequestId %q in the body, x-amzn-RequestId header %q: want the same, non-empty", env.RequestID, raw.RequestID)
	}
	if !requestIDRe.MatchString(env.RequestID) {
		t.Errorf("RequestId %q is not a UUID", env.RequestID)
	}
	if u.UserId == res.Boto3.User.UserId {
		t.Errorf("the re-created Bob has the deleted Bob's UserId %s", u.UserId)
	}
}

// ---------------------------------------------------------------------------
// 2. Users through the CLI.

func TestCLIUsers(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireAWSCLI(t)
	s := startServer(t)

	var created struct{ User user }
	s.awsOK(t, root, &created, "iam", "create-user", "--user-name", "bob")
	checkUser(t, created.User, "/", "bob")

	s.awsErr(t, root, "An error occurred (EntityAlreadyExists) when calling the CreateUser operation: User with name bob already exists.",
		"iam", "create-user", "--user-name", "bob")
	// Names are unique without regard to case.
	s.awsErr(t, root, "An error occurred (EntityAlreadyExists) when calling the CreateUser operation: User with name BOB already exists.",
		"iam", "create-user", "--user-name", "BOB")
	long := strings.Repeat("a", 65)
	s.awsErr(t, root, "An error occurred (ValidationError) when calling the CreateUser operation: 1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64",
		"iam", "create-user", "--user-name", long)

	var got struct{ User user }
	s.awsOK(t, root, &got, "iam", "get-user", "--user-name", "bob")
	checkUser(t, got.User, "/", "bob")
	if got.User.UserId != created.User.UserId || got.User.CreateDate != created.User.CreateDate {
		t.Fatalf("get-user %+v, created %+v", got.User, created.User)
	}
	s.awsErr(t, root, "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name nobody cannot be found.",
		"iam", "get-user", "--user-name", "nobody")

	// Rename.
	var carol struct{ User user }
	s.awsOK(t, root, &carol, "iam", "create-user", "--user-name", "carol", "--path", "/team/")
	checkUser(t, carol.User, "/team/", "carol")
	s.awsOK(t, root, nil, "iam", "update-user", "--user-name", "carol", "--new-user-name", "caroline")
	s.awsErr(t, root, "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name carol cannot be found.",
		"iam", "get-user", "--user-name", "carol")
	var renamed struct{ User user }
	s.awsOK(t, root, &renamed, "iam", "get-user", "--user-name", "caroline")
	checkUser(t, renamed.User, "/team/", "caroline")
	if renamed.User.UserId != carol.User.UserId {
		t.Fatalf("rename changed the UserId: %s -> %s", carol.User.UserId, renamed.User.UserId)
	}
	s.awsErr(t, root, "An error occurred (EntityAlreadyExists) when calling the UpdateUser operation: User with name bob already exists.",
		"iam", "update-user", "--user-name", "caroline", "--new-user-name", "bob")
	s.awsErr(t, root, "An error occurred (NoSuchEntity) when calling the UpdateUser operation: The user with name nobody cannot be found.",
		"iam", "update-user", "--user-name", "nobody", "--new-user-name", "somebody")

	// Delete.
	s.awsOK(t, root, nil, "iam", "delete-user", "--user-name", "bob")
	s.awsErr(t, root, "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name bob cannot be found.",
		"iam", "get-user", "--user-name", "bob")
	s.awsErr(t, root, "An error occurred (NoSuchEntity) when calling the DeleteUser operation: The user with name bob cannot be found.",
		"iam", "delete-user", "--user-name", "bob")
	var after struct{ Users []user }
	s.awsOK(t, root, &after, "iam", "list-users")
	if len(after.Users) != 1 || after.Users[0].UserId != renamed.User.UserId || after.Users[0].Arn != renamed.User.Arn {
		t.Fatalf("list-users after delete-user bob: %+v, want only %+v", after.Users, renamed.User)
	}
}

func TestCLIListUsersAndTags(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireAWSCLI(t)
	s := startServer(t)

	// Four users; list them whole and in pages.
	var names []string
	for i, n := range []string{"bob", "carol", "dave", "erin"} {
		path := "/"
		if i > 0 {
			path = "/team/"
		}
		var c struct{ User user }
		s.awsOK(t, root, &c, "iam", "create-user", "--user-name", n, "--path", path)
		checkUser(t, c.User, path, n)
		names = append(names, n)
	}
	type listOut struct {
		Users     []user
		NextToken string
	}
	userNames := func(us []user) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.UserName)
		}
		return out
	}
	var all listOut
	s.awsOK(t, root, &all, "iam", "list-users")
	if got := userNames(all.Users); !sameSet(got, names) || all.NextToken != "" {
		t.Fatalf("list-users: %v (NextToken %q), want %v", got, all.NextToken, names)
	}
	for _, u := range all.Users {
		path := "/team/"
		if u.UserName == "bob" {
			path = "/"
		}
		checkUser(t, u, path, u.UserName)
	}
	// The server pages (MaxItems=2, Marker) and the CLI follows.
	var paged listOut
	s.awsOK(t, root, &paged, "iam", "list-users", "--page-size", "2")
	if got := userNames(paged.Users); !slices.Equal(got, userNames(all.Users)) {
		t.Fatalf("list-users --page-size 2: %v, want %v", got, userNames(all.Users))
	}
	// --max-items: the CLI hands out a NextToken; follow it to the end. The
	// second server page ends exactly at the last user: it must not claim
	// to be truncated (no third, empty page).
	var pages [][]string
	token := ""
	for i := 0; ; i++ {
		if i > 5 {
			t.Fatalf("list-users --max-items 2: no end after %d pages: %v", i, pages)
		}
		args := []string{"iam", "list-users", "--max-items", "2", "--page-size", "2"}
		if token != "" {
			args = append(args, "--starting-token", token)
		}
		var p listOut
		s.awsOK(t, root, &p, args...)
		pages = append(pages, userNames(p.Users))
		if p.NextToken == "" {
			break
		}
		token = p.NextToken
	}
	if len(pages) != 2 || len(pages[0]) != 2 || len(pages[1]) != 2 ||
		!slices.Equal(slices.Concat(pages...), userNames(all.Users)) {
		t.Fatalf("list-users --max-items 2 pages %v, want 2 pages of 2 of %v", pages, userNames(all.Users))
	}
	var prefixed listOut
	s.awsOK(t, root, &prefixed, "iam", "list-users", "--path-prefix", "/team/")
	if got := userNames(prefixed.Users); !sameSet(got, names[1:]) {
		t.Fatalf("list-users --path-prefix /team/: %v, want %v", got, names[1:])
	}

	// Tags.
	s.awsOK(t, root, nil, "iam", "tag-user", "--user-name", "bob", "--tags", "Key=team,Value=blue", "Key=env,Value=prod")
	type tagsOut struct {
		Tags        []tag
		IsTruncated bool
	}
	var tags tagsOut
	s.awsOK(t, root, &tags, "iam", "list-user-tags", "--user-name", "bob")
	if !sameSet(tagStrings(tags.Tags), []string{"team=blue", "env=prod"}) || tags.IsTruncated {
		t.Fatalf("list-user-tags: %+v", tags)
	}
	s.awsOK(t, root, nil, "iam", "untag-user", "--user-name", "bob", "--tag-keys", "env")
	tags = tagsOut{}
	s.awsOK(t, root, &tags, "iam", "list-user-tags", "--user-name", "bob")
	if !slices.Equal(tagStrings(tags.Tags), []string{"team=blue"}) {
		t.Fatalf("list-user-tags after untag-user: %+v", tags)
	}
	s.awsErr(t, root, "An error occurred (NoSuchEntity) when calling the TagUser operation: The user with name nobody cannot be found.",
		"iam", "tag-user", "--user-name", "nobody", "--tags", "Key=a,Value=b")
}

func tagStrings(ts []tag) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Key+"="+t.Value)
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// ---------------------------------------------------------------------------
// 3. boto3's error classes, codes and statuses.

// observedError is what the Python scripts report for a call that failed.
type observedError struct {
	Case      string `json:"case"`
	Exception string `json:"exception"` // class name
	Modeled   bool   `json:"modeled"`   // an instance of the expected client.exceptions class
	Code      string `json:"code"`
	Message   string `json:"message"`
	Status    int    `json:"status"`
	RequestID string `json:"request_id"`
	// The x-amzn-RequestId header, which must equal the body's RequestId.
	RequestIDHeader string `json:"request_id_header"`
	Type            string `json:"type"`  // <Error><Type> of raw envelopes
	Error           string `json:"error"` // a failure other than a ClientError
}

type wantError struct {
	exception string // "" for a plain ClientError check
	code      string
	status    int
	message   string         // exact, unless messageRe is set
	messageRe *regexp.Regexp // when the message contains times
}

func checkErrors(t *testing.T, got []observedError, want map[string]wantError) {
	t.Helper()
	seen := map[string]bool{}
	for _, g := range got {
		seen[g.Case] = true
		w, ok := want[g.Case]
		if !ok {
			t.Errorf("unexpected case %q from the script", g.Case)
			continue
		}
		if g.Error != "" {
			t.Errorf("%s: %s", g.Case, g.Error)
			continue
		}
		var problems []string
		if w.exception != "" && (g.Exception != w.exception || !g.Modeled) {
			problems = append(problems, fmt.Sprintf("exception %s (modeled class: %v), want %s", g.Exception, g.Modeled, w.exception))
		}
		if g.Code != w.code {
			problems = append(problems, fmt.Sprintf("code %q, want %q", g.Code, w.code))
		}
		if g.Status != w.status {
			problems = append(problems, fmt.Sprintf("HTTP %d, want %d", g.Status, w.status))
		}
		if w.messageRe != nil {
			if !w.messageRe.MatchString(g.Message) {
				problems = append(problems, fmt.Sprintf("message %q, want one matching %s", g.Message, w.messageRe))
			}
		} else if g.Message != w.message {
			problems = append(problems, fmt.Sprintf("message %q, want %q", g.Message, w.message))
		}
		if !requestIDRe.MatchString(g.RequestID) || g.RequestIDHeader != g.RequestID {
			problems = append(problems, fmt.Sprintf("request id %q in the body, %q in x-amzn-RequestId: want the same UUID", g.RequestID, g.RequestIDHeader))
		}
		if g.Type != "" && g.Type != "Sender" {
			problems = append(problems, fmt.Sprintf("<Type>%s</Type>, want Sender", g.Type))
		}
		if len(problems) > 0 {
			t.Errorf("%s:\n  %s", g.Case, strings.Join(problems, "\n  "))
		}
	}
	for c := range want {
		if !seen[c] {
			t.Errorf("case %q was not reported by the script", c)
		}
	}
}

func TestBoto3Errors(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireBoto3(t)
	s := startServer(t)
	var res struct {
		Errors []observedError `json:"errors"`
	}
	s.python(t, root, &res, "boto3_errors.py")
	checkErrors(t, res.Errors, map[string]wantError{
		"create-duplicate":            {"EntityAlreadyExistsException", "EntityAlreadyExists", 409, "User with name alice already exists.", nil},
		"create-duplicate-other-case": {"EntityAlreadyExistsException", "EntityAlreadyExists", 409, "User with name ALICE already exists.", nil},
		"get-missing":                 {"NoSuchEntityException", "NoSuchEntity", 404, "The user with name nobody cannot be found.", nil},
		"delete-missing":              {"NoSuchEntityException", "NoSuchEntity", 404, "The user with name nobody cannot be found.", nil},
		"create-too-long": {"", "ValidationError", 400,
			"1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64", nil},
		"create-bad-pattern": {"", "ValidationError", 400,
			`1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`, nil},
		"delete-conflict": {"DeleteConflictException", "DeleteConflict", 409, "Cannot delete entity, must delete access keys first.", nil},
	})
}

// ---------------------------------------------------------------------------
// 4. Authentication failures.

func TestSecurity(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireBoto3(t)
	s := startServer(t)
	var res struct {
		Errors []observedError `json:"errors"`
	}
	s.python(t, root, &res, "security.py")
	checkErrors(t, res.Errors, map[string]wantError{
		"unsigned": {"", "MissingAuthenticationToken", 403, "Request is missing Authentication Token", nil},
		"wrong-secret": {"", "SignatureDoesNotMatch", 403,
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", nil},
		"unknown-key": {"", "InvalidClientTokenId", 403, "The security token included in the request is invalid.", nil},
		"tampered-body": {"", "SignatureDoesNotMatch", 403,
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", nil},
		"expired": {"", "SignatureDoesNotMatch", 403, "",
			regexp.MustCompile(`^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$`)},
	})
	for _, e := range res.Errors {
		if e.Case != "expired" {
			continue
		}
		// The first time is the signing time, 20 minutes before the third (now).
		m := regexp.MustCompile(`(\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z)`).FindStringSubmatch(e.Message)
		if m == nil {
			continue
		}
		var ts [3]time.Time
		for i := range ts {
			ts[i], _ = time.Parse("20060102T150405Z", m[i+1])
		}
		if d := ts[2].Sub(ts[0]); d < 19*time.Minute || d > 21*time.Minute {
			t.Errorf("expired: signed %s, now %s: want 20 minutes apart", m[1], m[3])
		}
		if ts[2].Sub(ts[1]) != 15*time.Minute {
			t.Errorf("expired: %s is not %s - 15 min", m[2], m[3])
		}
	}
	// The server is still fine and nothing was created.
	var list struct{ Users []user }
	s.python(t, root, &list, "security.py", "list-users")
	if len(list.Users) != 0 {
		t.Fatalf("users after refused requests: %+v", list.Users)
	}
}

// ---------------------------------------------------------------------------
// 5. Access keys and STS through the CLI.

func TestCLIAccessKeysAndSTS(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireAWSCLI(t)
	s := startServer(t)

	var id callerIdentity
	s.awsOK(t, root, &id, "sts", "get-caller-identity")
	if id != (callerIdentity{UserId: accountID, Account: accountID, Arn: "arn:aws:iam::" + accountID + ":root"}) {
		t.Fatalf("root get-caller-identity %+v", id)
	}

	var created struct{ User user }
	s.awsOK(t, root, &created, "iam", "create-user", "--user-name", "alice")
	aliceArn := "arn:aws:iam::" + accountID + ":user/alice"

	var k1 struct{ AccessKey accessKey }
	s.awsOK(t, root, &k1, "iam", "create-access-key", "--user-name", "alice")
	ak := k1.AccessKey
	if ak.UserName != "alice" || !accessKeyRe.MatchString(ak.AccessKeyId) || ak.Status != "Active" || len(ak.SecretAccessKey) != 40 {
		t.Fatalf("create-access-key: %+v", ak)
	}
	checkTime(t, "AccessKey.CreateDate", ak.CreateDate)
	alice := creds{ID: ak.AccessKeyId, Secret: ak.SecretAccessKey}

	// The new key signs the very next request.
	id = callerIdentity{}
	s.awsOK(t, alice, &id, "sts", "get-caller-identity")
	if id != (callerIdentity{UserId: created.User.UserId, Account: accountID, Arn: aliceArn}) {
		t.Fatalf("alice's get-caller-identity %+v, want UserId %s Arn %s", id, created.User.UserId, aliceArn)
	}

	var k2 struct{ AccessKey accessKey }
	s.awsOK(t, root, &k2, "iam", "create-access-key", "--user-name", "alice")
	if k2.AccessKey.AccessKeyId == ak.AccessKeyId || len(k2.AccessKey.SecretAccessKey) != 40 {
		t.Fatalf("second key %+v", k2.AccessKey)
	}
	alice2 := creds{ID: k2.AccessKey.AccessKeyId, Secret: k2.AccessKey.SecretAccessKey}
	s.awsErr(t, root, "An error occurred (LimitExceeded) when calling the CreateAccessKey operation: Cannot exceed quota for AccessKeysPerUser: 2",
		"iam", "create-access-key", "--user-name", "alice")

	var keys struct {
		AccessKeyMetadata []accessKey
		IsTruncated       bool
	}
	s.awsOK(t, root, &keys, "iam", "list-access-keys", "--user-name", "alice")
	var ids []string
	for _, k := range keys.AccessKeyMetadata {
		if k.UserName != "alice" || k.Status != "Active" || k.SecretAccessKey != "" {
			t.Fatalf("list-access-keys entry %+v", k)
		}
		ids = append(ids, k.AccessKeyId)
	}
	if !sameSet(ids, []string{ak.AccessKeyId, alice2.ID}) || keys.IsTruncated {
		t.Fatalf("list-access-keys: %+v", keys)
	}

	// A deactivated key no longer authenticates.
	s.awsOK(t, root, nil, "iam", "update-access-key", "--user-name", "alice", "--access-key-id", ak.AccessKeyId, "--status", "Inactive")
	s.awsErr(t, alice, "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.",
		"sts", "get-caller-identity")

	// Session credentials of the other key work with AWS_SESSION_TOKEN.
	var st struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	}
	s.awsOK(t, alice2, &st, "sts", "get-session-token", "--duration-seconds", "900")
	c := st.Credentials
	if !sessionKeyRe.MatchString(c.AccessKeyId) || len(c.SecretAccessKey) != 40 || c.SessionToken == "" {
		t.Fatalf("get-session-token: %+v", c)
	}
	if exp := checkTime(t, "Expiration", c.Expiration); time.Until(exp) > 16*time.Minute || time.Until(exp) < 13*time.Minute {
		t.Fatalf("Expiration %s: want 15 minutes from now", c.Expiration)
	}
	session := creds{ID: c.AccessKeyId, Secret: c.SecretAccessKey, Token: c.SessionToken}
	id = callerIdentity{}
	s.awsOK(t, session, &id, "sts", "get-caller-identity")
	if id != (callerIdentity{UserId: created.User.UserId, Account: accountID, Arn: aliceArn}) {
		t.Fatalf("get-caller-identity with session credentials %+v, want alice", id)
	}
	// Without its token the temporary key is unknown.
	s.awsErr(t, creds{ID: c.AccessKeyId, Secret: c.SecretAccessKey}, "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.",
		"sts", "get-caller-identity")
}

// ---------------------------------------------------------------------------
// 6. Durability across restarts.

func TestRestartKeepsUsers(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireAWSCLI(t)
	s := startServer(t)

	var carol struct{ User user }
	s.awsOK(t, root, &carol, "iam", "create-user", "--user-name", "carol")

	s.stop() // SIGTERM: must exit cleanly
	s.start()
	var got struct{ User user }
	s.awsOK(t, root, &got, "iam", "get-user", "--user-name", "carol")
	checkUser(t, got.User, "/", "carol")
	if got.User.UserId != carol.User.UserId || got.User.CreateDate != carol.User.CreateDate {
		t.Fatalf("after SIGTERM and restart: %+v, before: %+v", got.User, carol.User)
	}

	// An acknowledged write survives kill -9.
	var dave struct{ User user }
	s.awsOK(t, root, &dave, "iam", "create-user", "--user-name", "dave")
	s.kill()
	s.start()
	got.User = user{}
	s.awsOK(t, root, &got, "iam", "get-user", "--user-name", "dave")
	if got.User.UserId != dave.User.UserId {
		t.Fatalf("after kill -9 and restart: %+v, before: %+v", got.User, dave.User)
	}
	var list struct{ Users []user }
	s.awsOK(t, root, &list, "iam", "list-users")
	if len(list.Users) != 2 {
		t.Fatalf("list-users after restarts: %+v", list.Users)
	}
}

// ---------------------------------------------------------------------------
// 7. First start without root credentials in the environment.

func TestFirstStartPrintsCredentials(t *testing.T) {
	t.Parallel()
	skipShort(t)
	requireAWSCLI(t)
	s := &server{t: t, dataDir: t.TempDir(), logDir: t.TempDir()}
	t.Cleanup(s.cleanup)
	s.start()

	out := s.readStdout()
	keyM := regexp.MustCompile(`(?m)^\s*export AWS_ACCESS_KEY_ID=(\S+)$`).FindAllStringSubmatch(out, -1)
	secM := regexp.MustCompile(`(?m)^\s*export AWS_SECRET_ACCESS_KEY=(\S+)$`).FindAllStringSubmatch(out, -1)
	exM := regexp.MustCompile(`(?m)^\s*(aws --endpoint-url (\S+) .*)$`).FindAllStringSubmatch(out, -1)
	if len(keyM) != 1 || len(secM) != 1 || len(exM) != 1 {
		t.Fatalf("first start should print the root credentials and an aws --endpoint-url example once; stdout:\n%s", out)
	}
	printed := creds{ID: keyM[0][1], Secret: secM[0][1]}
	if !accessKeyRe.MatchString(printed.ID) || len(printed.Secret) != 40 {
		t.Fatalf("printed credentials %q / %q do not look like an access key", printed.ID, printed.Secret)
	}
	if strings.Count(out, printed.Secret) != 1 {
		t.Fatalf("the secret is printed %d times, want once:\n%s", strings.Count(out, printed.Secret), out)
	}
	if exM[0][2] != s.endpoint {
		t.Fatalf("the example uses endpoint %s, the server listens on %s", exM[0][2], s.endpoint)
	}
	if strings.Contains(s.readStderr(), printed.Secret) {
		t.Fatalf("the root secret appears in the log (stderr):\n%s", s.readStderr())
	}

	credFile := filepath.Join(s.dataDir, "root-credentials.json")
	checkCredFile := func() {
		t.Helper()
		fi, err := os.Stat(credFile)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s has mode %v, want 0600", credFile, fi.Mode().Perm())
		}
		b, err := os.ReadFile(credFile)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(printed.ID)) || !bytes.Contains(b, []byte(printed.Secret)) {
			t.Fatalf("%s does not hold the printed credentials:\n%s", credFile, b)
		}
	}
	checkCredFile()

	// Paste the printed lines (the exports and the example) into a shell.
	var pasted []string
	for _, line := range strings.Split(out, "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "export ") || strings.HasPrefix(l, "aws ") {
			pasted = append(pasted, l)
		}
	}
	env := append(baseEnv(), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	r := run(t, env, "", "sh", "-ec", strings.Join(pasted, "\n"))
	if r.err != nil {
		t.Fatalf("the printed lines failed in sh: %v\n%s\nstderr:\n%s", r.err, strings.Join(pasted, "\n"), r.stderr)
	}
	var list struct{ Users []user }
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || list.Users == nil || len(list.Users) != 0 {
		t.Fatalf("the printed example printed %q (%v), want an empty Users list", r.stdout, err)
	}

	// A second start keeps the credentials and does not print them again.
	s.stop()
	s.start()
	out2 := s.readStdout()
	if strings.Contains(out2, printed.Secret) || strings.Contains(out2, "AWS_SECRET_ACCESS_KEY") {
		t.Fatalf("the second start printed the secret again:\n%s", out2)
	}
	if strings.Contains(s.readStderr(), printed.Secret) {
		t.Fatalf("the root secret appears in the log of the second start:\n%s", s.readStderr())
	}
	checkCredFile()
	list.Users = nil
	s.awsOK(t, printed, &list, "iam", "list-users")
	if list.Users == nil || len(list.Users) != 0 {
		t.Fatalf("list-users with the printed credentials after a restart: %+v", list.Users)
	}
}
