package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// startIamd serves an in-process iamd on a loopback port.
func startIamd(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(openServer(t).Handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestRunAgainstIamd(t *testing.T) {
	var log bytes.Buffer
	rep, err := Run(context.Background(), Config{
		Endpoint: startIamd(t), Compare: startIamd(t), Floor: true,
		AccessKey: benchCreds.AccessKeyID, SecretKey: benchCreds.SecretAccessKey,
		Connections: 4, Duration: time.Minute, Requests: 40, Runs: 2,
		Scenarios: []string{"get-user", "create-user"},
		Log:       &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Scenarios) != 2 {
		t.Fatalf("%d scenarios", len(rep.Scenarios))
	}
	for _, s := range rep.Scenarios {
		if len(s.Targets) != 3 {
			t.Fatalf("%s: %d targets, want endpoint, compare and floor", s.Name, len(s.Targets))
		}
		for _, tr := range s.Targets {
			if tr.Median == nil || len(tr.Runs) != 2 {
				t.Fatalf("%s/%s: not measured twice: %+v", s.Name, tr.Target, tr)
			}
			m := tr.Median
			if m.Errors != 0 || m.Ops != 40 || m.Rate <= 0 || m.P50 <= 0 || m.P99 < m.P50 || m.P999 < m.P99 {
				t.Errorf("%s/%s: %+v", s.Name, tr.Target, m)
			}
		}
		for _, k := range []string{"endpoint/compare", "endpoint/floor", "compare/floor"} {
			if s.Ratios[k] <= 0 {
				t.Errorf("%s: no ratio %s", s.Name, k)
			}
		}
	}
	var text, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil || !json.Valid(js.Bytes()) {
		t.Fatalf("JSON: %v", err)
	}
	for _, want := range []string{"get-user", "create-user", "endpoint/compare", "floor"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, text.String())
		}
	}
}

// TestListWalk walks every page of a user set and checks the count.
func TestListWalk(t *testing.T) {
	c, err := NewClient(startIamd(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	e := &env{c: c, creds: benchCreds, prefix: "bench-t-", conns: 4, cache: map[string]any{}, logf: t.Logf}
	ld, err := setupListAll(250)(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	st := measure(context.Background(), c, ld, Config{Connections: 2, Duration: time.Minute, Requests: 4})
	if st.Errors != 0 || st.Ops != 4 || st.Requests != 12 {
		t.Fatalf("walks: %+v (want 4 walks of 3 pages)", st)
	}
	if !strings.Contains(strings.Join(ld.notes, "\n"), "first page holds 100 users, IsTruncated=true") {
		t.Errorf("notes %q", ld.notes)
	}
}

// TestUnsupported: an endpoint answering InvalidAction makes the scenario
// "unsupported", not a failure of the run.
func TestUnsupported(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation ` + r.Form.Get("Action") + ` for version 2010-05-08</Message></Error></ErrorResponse>`))
	}))
	defer srv.Close()
	rep, err := Run(context.Background(), Config{
		Endpoint: srv.URL, AccessKey: "AKID", SecretKey: "secret",
		Connections: 2, Duration: time.Second,
		Scenarios: []string{"create-role", "attach-user-policy"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Scenarios {
		if u := s.Targets[0].Unsupported; !strings.Contains(u, "unsupported by endpoint") {
			t.Errorf("%s: Unsupported = %q", s.Name, u)
		}
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	if !strings.Contains(text.String(), "CreateRole answers InvalidAction") {
		t.Errorf("report:\n%s", text.String())
	}
}

func TestRunRefusesNonLoopback(t *testing.T) {
	_, err := Run(context.Background(), Config{Endpoint: "http://192.0.2.1:8600", AccessKey: "a", SecretKey: "b"})
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Fatalf("err = %v", err)
	}
	_, err = Run(context.Background(), Config{Endpoint: "http://127.0.0.1:1", Compare: "http://example.com", AccessKey: "a", SecretKey: "b"})
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Fatalf("compare: err = %v", err)
	}
}

// TestClientHTTP covers the answers the hand-written HTTP/1.1 reader must
// handle: chunked bodies, Connection: close, servers closing idle
// connections, and error statuses.
func TestClientHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		switch r.Form.Get("Action") {
		case "Chunked":
			w.Write([]byte("part one "))
			w.(http.Flusher).Flush()
			w.Write([]byte("part two"))
		case "Close":
			w.Header().Set("Connection", "close")
			w.Write([]byte("bye"))
		case "Fail":
			http.Error(w, "no", http.StatusForbidden)
		default:
			w.Write([]byte("plain"))
		}
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, 1)
	if err != nil {
		t.Fatal(err)
	}
	cn := c.Conn()
	defer cn.Close()
	ctx := context.Background()
	for _, tc := range []struct {
		action string
		status int
		body   string
	}{
		{"Plain", 200, "plain"}, {"Chunked", 200, "part one part two"}, {"Plain", 200, "plain"},
		{"Close", 200, "bye"}, {"Plain", 200, "plain"}, {"Fail", 403, "no\n"}, {"Plain", 200, "plain"},
	} {
		status, body, err := cn.Do(ctx, "iam", benchCreds, []byte("Action="+tc.action), "")
		if err != nil || status != tc.status || string(body) != tc.body {
			t.Errorf("%s: %d %q %v, want %d %q", tc.action, status, body, err, tc.status, tc.body)
		}
	}
	srv.CloseClientConnections() // an idle connection closed by the server
	if status, body, err := cn.Do(ctx, "iam", benchCreds, []byte("Action=Plain"), ""); err != nil || status != 200 || string(body) != "plain" {
		t.Errorf("after the server closed the connection: %d %q %v", status, body, err)
	}
}
