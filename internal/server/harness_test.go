package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	iamsvc "github.com/iamd/iamd/internal/iam"
)

const (
	testAccount = "123456789012"
	rootKey     = "AKIAIOSFODNN7EXAMPLE"
	rootSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// fakeClock is a settable clock for tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

type harness struct {
	t    testing.TB
	inst *Instance
	srv  *httptest.Server
	// transport carries every SDK client's requests; stop closes its idle
	// connections.
	transport *http.Transport
	dir       string
	clock     *fakeClock
	// quotas are the adjustable quotas the server starts with.
	quotas iamsvc.Quotas
}

// newHarness starts an in-process iamd on a fresh data dir. The clock is
// real unless the test sets h.clock.
func newHarness(t testing.TB) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir()}
	h.start()
	return h
}

func (h *harness) start() {
	h.t.Helper()
	now := time.Now
	if h.clock != nil {
		now = h.clock.Now
	}
	inst, err := Open(context.Background(), Config{
		DataDir:             h.dir,
		AccountID:           testAccount,
		RootAccessKeyID:     rootKey,
		RootSecretAccessKey: rootSecret,
		Now:                 now,
		Quotas:              h.quotas,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.inst = inst
	h.srv = httptest.NewServer(inst.Handler)
	h.transport = http.DefaultTransport.(*http.Transport).Clone()
	h.t.Cleanup(h.stop)
}

func (h *harness) stop() {
	if h.transport != nil {
		h.transport.CloseIdleConnections()
	}
	if h.srv != nil {
		h.srv.Close()
		h.srv = nil
	}
	if h.inst != nil {
		h.inst.Close()
		h.inst = nil
	}
}

func (h *harness) restart() {
	h.stop()
	h.start()
}

// bufferedBody is the test clients' transport. It hands net/http the
// request body as an in-memory reader, so headers and body leave in one
// write. Without it, aws-sdk-go-v2 on loopback loses a race of its own:
// net/http flushes the headers of a streamed body, sends the body, and
// then reads the body once more to check for excess bytes; when iamd has
// answered before that last read, smithy-go has already closed its body
// wrapper, whose WriteTo then reports io.EOF, and net/http closes the
// connection under the response still being read ("use of closed network
// connection" on any response larger than the client's 4 KiB buffer).
// Real AWS is far enough away that the race is rarely lost; the server
// cannot prevent it.
type bufferedBody struct{ next http.RoundTripper }

func (b bufferedBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		data, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(data))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	}
	return b.next.RoundTrip(r)
}

func (h *harness) awsConfig(key, secret, token string) aws.Config {
	return aws.Config{
		HTTPClient:       &http.Client{Transport: bufferedBody{h.transport}},
		Region:           "eu-west-1",
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, token),
		BaseEndpoint:     aws.String(h.srv.URL),
		RetryMaxAttempts: 1,
	}
}

// iam returns an IAM client signed with the given key (root by default).
func (h *harness) iam(creds ...string) *iam.Client {
	key, secret, token := rootKey, rootSecret, ""
	if len(creds) >= 2 {
		key, secret = creds[0], creds[1]
	}
	if len(creds) == 3 {
		token = creds[2]
	}
	return iam.NewFromConfig(h.awsConfig(key, secret, token))
}

// sts returns an STS client signed with the given key (root by default).
func (h *harness) sts(creds ...string) *sts.Client {
	key, secret, token := rootKey, rootSecret, ""
	if len(creds) >= 2 {
		key, secret = creds[0], creds[1]
	}
	if len(creds) == 3 {
		token = creds[2]
	}
	return sts.NewFromConfig(h.awsConfig(key, secret, token))
}
