package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/iamd/iamd/internal/iam"
	"github.com/iamd/iamd/internal/server"
)

// The benchmarks below drive iamd's handler in process, without a network:
// what one request costs the server (SigV4 verification, form decoding,
// the store, XML encoding), allocations included.

func openServer(tb testing.TB) *server.Instance {
	tb.Helper()
	inst, err := server.Open(context.Background(), server.Config{
		DataDir:             tb.TempDir(),
		AccountID:           "123456789012",
		RootAccessKeyID:     benchCreds.AccessKeyID,
		RootSecretAccessKey: benchCreds.SecretAccessKey,
		// b.N creates must not meet AWS's default account quotas.
		Quotas: iam.Quotas{Users: 1 << 30, Groups: 1 << 30, Roles: 1 << 30, Policies: 1 << 30, InstanceProfiles: 1 << 30},
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { inst.Close() })
	return inst
}

// presigned is a request as net/http's server hands it to the handler,
// signed now by the root key (valid for the 15 minutes SigV4 allows).
type presigned struct {
	r    *http.Request
	body []byte
}

func presign(tb testing.TB, cn *Conn, service, body string) presigned {
	return presignAs(tb, cn, benchCreds, service, body)
}

func presignAs(tb testing.TB, cn *Conn, creds aws.Credentials, service, body string) presigned {
	signed, err := cn.sign(context.Background(), service, creds, []byte(body), "", time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8600/", nil)
	r.Header = signed.Header.Clone()
	r.Header["Content-Length"] = []string{strconv.Itoa(len(body))}
	r.ContentLength = int64(len(body))
	r.RemoteAddr = "127.0.0.1:40000"
	return presigned{r: r, body: []byte(body)}
}

// sink is a ResponseWriter that keeps only the status, reused across
// iterations so the harness adds next to nothing to the allocations.
type sink struct {
	h      http.Header
	status int
	n      int
}

func (s *sink) Header() http.Header         { return s.h }
func (s *sink) WriteHeader(code int)        { s.status = code }
func (s *sink) Write(p []byte) (int, error) { s.n += len(p); return len(p), nil }
func (s *sink) reset()                      { clear(s.h); s.status, s.n = 200, 0 }

// signingConn is a connection used only to sign (it never dials).
func signingConn(tb testing.TB) *Conn {
	c, err := NewClient("http://127.0.0.1:8600", 1)
	if err != nil {
		tb.Fatal(err)
	}
	return c.Conn()
}

func (p presigned) serve(h http.Handler, w *sink) {
	r := *p.r
	r.Body = io.NopCloser(bytes.NewReader(p.body))
	w.reset()
	h.ServeHTTP(w, &r)
}

func mustServe(tb testing.TB, h http.Handler, p presigned) {
	tb.Helper()
	rec := httptest.NewRecorder()
	r := *p.r
	r.Body = io.NopCloser(bytes.NewReader(p.body))
	h.ServeHTTP(rec, &r)
	if rec.Code != http.StatusOK {
		tb.Fatalf("HTTP %d: %s", rec.Code, rec.Body.String())
	}
}

// BenchmarkServerGetUser is GetUser of one user by root, in process.
func BenchmarkServerGetUser(b *testing.B) {
	inst := openServer(b)
	cn := signingConn(b)
	mustServe(b, inst.Handler, presign(b, cn, "iam", "Action=CreateUser&Version=2010-05-08&UserName=bench-user"))
	req := presign(b, cn, "iam", "Action=GetUser&Version=2010-05-08&UserName=bench-user")
	w := &sink{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		req.serve(inst.Handler, w)
		if w.status != http.StatusOK {
			b.Fatalf("HTTP %d", w.status)
		}
	}
}

// BenchmarkServerGetUserParallel is the same from GOMAXPROCS goroutines.
func BenchmarkServerGetUserParallel(b *testing.B) {
	inst := openServer(b)
	cn := signingConn(b)
	mustServe(b, inst.Handler, presign(b, cn, "iam", "Action=CreateUser&Version=2010-05-08&UserName=bench-user"))
	req := presign(b, cn, "iam", "Action=GetUser&Version=2010-05-08&UserName=bench-user")
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &sink{h: http.Header{}}
		for pb.Next() {
			req.serve(inst.Handler, w)
			if w.status != http.StatusOK {
				b.Errorf("HTTP %d", w.status)
				return
			}
		}
	})
}

// createUsers signs n CreateUser requests of distinct names before the
// timer starts (signing is the client's cost, not the server's).
func createUsers(b *testing.B, n int) []presigned {
	cn := signingConn(b)
	reqs := make([]presigned, n)
	for i := range reqs {
		reqs[i] = presign(b, cn, "iam", "Action=CreateUser&Version=2010-05-08&UserName=bench-"+strconv.Itoa(i))
	}
	return reqs
}

// BenchmarkServerCreateUser is CreateUser, one at a time: every request
// waits for its own fsync'd commit.
func BenchmarkServerCreateUser(b *testing.B) {
	inst := openServer(b)
	reqs := createUsers(b, b.N)
	w := &sink{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		reqs[i].serve(inst.Handler, w)
		if w.status != http.StatusOK {
			b.Fatalf("HTTP %d", w.status)
		}
	}
}

// BenchmarkServerCreateUserParallel is CreateUser from 16 goroutines per
// CPU, like the load tool's connections: commits are grouped.
func BenchmarkServerCreateUserParallel(b *testing.B) {
	inst := openServer(b)
	reqs := createUsers(b, b.N)
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &sink{h: http.Header{}}
		for pb.Next() {
			reqs[next.Add(1)-1].serve(inst.Handler, w)
			if w.status != http.StatusOK {
				b.Errorf("HTTP %d", w.status)
				return
			}
		}
	})
}

// apiEnv serves inst on a loopback port for set-up through the API.
func apiEnv(tb testing.TB, inst *server.Instance) *env {
	h := httptest.NewServer(inst.Handler)
	tb.Cleanup(h.Close)
	c, err := NewClient(h.URL, 16)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return &env{c: c, creds: benchCreds, prefix: "b-", conns: 16, cache: map[string]any{}, logf: func(string, ...any) {}}
}

// BenchmarkServerGetUserAuthorized is BenchmarkServerGetUser signed by a
// user with 10 attached customer managed policies instead of root: the
// cost of resolving a user's key and authorizing the call.
func BenchmarkServerGetUserAuthorized(b *testing.B) {
	inst := openServer(b)
	name, creds, err := apiEnv(b, inst).authorizedUser(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	req := presignAs(b, signingConn(b), creds, "iam", "Action=GetUser&Version=2010-05-08&UserName="+name)
	mustServe(b, inst.Handler, req)
	w := &sink{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req.serve(inst.Handler, w)
		if w.status != http.StatusOK {
			b.Fatalf("HTTP %d", w.status)
		}
	}
}

// BenchmarkServerListUsers is ListUsers MaxItems=100, first page, over
// 5,000 users.
func BenchmarkServerListUsers(b *testing.B) {
	inst := openServer(b)
	cn := signingConn(b)
	path, err := apiEnv(b, inst).userSet(context.Background(), 5000)
	if err != nil {
		b.Fatal(err)
	}
	req := presign(b, cn, "iam", "Action=ListUsers&Version=2010-05-08&MaxItems=100&PathPrefix="+strings.ReplaceAll(path, "/", "%2F"))
	w := &sink{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req.serve(inst.Handler, w)
		if w.status != http.StatusOK {
			b.Fatalf("HTTP %d", w.status)
		}
	}
}
