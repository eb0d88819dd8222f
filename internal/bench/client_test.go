package bench

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestCheckLoopback(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8600", "http://127.9.8.7:1", "http://[::1]:5000", "http://localhost:5000", "http://LOCALHOST", "http://[::ffff:127.0.0.1]:80"} {
		if _, err := CheckLoopback(ok); err != nil {
			t.Errorf("CheckLoopback(%q) = %v, want ok", ok, err)
		}
	}
	for _, bad := range []string{"https://127.0.0.1", "http://10.0.0.1:8600", "http://192.168.1.1", "http://example.com", "http://0.0.0.0:8600", "http://[::]:80", "ftp://127.0.0.1", "127.0.0.1:8600", "http://127.0.0.1.nip.io", "http://u:p@127.0.0.1", "http://128.0.0.1"} {
		if _, err := CheckLoopback(bad); err == nil {
			t.Errorf("CheckLoopback(%q) accepted", bad)
		}
	}
}

func TestLoopbackDialer(t *testing.T) {
	if err := loopbackOnly("tcp", "127.0.0.1:80", nil); err != nil {
		t.Error(err)
	}
	if err := loopbackOnly("tcp", "[::1]:80", nil); err != nil {
		t.Error(err)
	}
	if err := loopbackOnly("tcp", "10.1.2.3:80", nil); err == nil {
		t.Error("dialer accepted 10.1.2.3")
	}
}

func TestHistogram(t *testing.T) {
	var h histogram
	for i := 1; i <= 10000; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 5 * time.Millisecond}, {0.99, 9900 * time.Microsecond}, {0.999, 9990 * time.Microsecond}, {1, 10 * time.Millisecond}} {
		got := h.quantile(c.q)
		if d := float64(got-c.want) / float64(c.want); d < -0.01 || d > 0.01 {
			t.Errorf("quantile(%v) = %v, want %v ±1%%", c.q, got, c.want)
		}
	}
	for _, v := range []int64{0, 1, 255, 256, 257, 1000, 1 << 20, 1<<40 + 12345, 1<<62 + 1} {
		lo, hi := bucketRange(bucketOf(v))
		if v < lo || v > hi {
			t.Errorf("value %d in bucket [%d, %d]", v, lo, hi)
		}
	}
	if bucketOf(1<<63-1) >= histBuckets {
		t.Error("largest value out of range")
	}
}

func TestXMLText(t *testing.T) {
	b := []byte(`<R><Marker>a&amp;b</Marker><IsTruncated>true</IsTruncated></R>`)
	if got := xmlText(b, "Marker"); got != "a&b" {
		t.Errorf("Marker = %q", got)
	}
	if got := xmlText(b, "Nope"); got != "" {
		t.Errorf("Nope = %q", got)
	}
}

// TestClientSigns checks that the requests carry a SigV4 header for the
// right service and the form body unchanged.
func TestClientSigns(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		body = b.Bytes()
		w.Write([]byte("<ok/>"))
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	status, resp, err := c.Do(context.Background(), "sts", aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}, []byte("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil || status != 200 || string(resp) != "<ok/>" {
		t.Fatalf("Do = %d, %v, %q", status, err, resp)
	}
	authz := got.Header.Get("Authorization")
	if !strings.HasPrefix(authz, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(authz, "/us-east-1/sts/aws4_request") {
		t.Errorf("Authorization = %q", authz)
	}
	if string(body) != "Action=GetCallerIdentity&Version=2011-06-15" || got.Header.Get("X-Amz-Date") == "" {
		t.Errorf("body %q, X-Amz-Date %q", body, got.Header.Get("X-Amz-Date"))
	}
}

var benchCreds = aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

// BenchmarkClientSign is the load tool's own cost of one request before it
// is sent: building it and signing it with the SDK's signer.
func BenchmarkClientSign(b *testing.B) {
	c, err := NewClient("http://127.0.0.1:8600", 1)
	if err != nil {
		b.Fatal(err)
	}
	cn := c.Conn()
	body := []byte("Action=GetUser&UserName=bench-user&Version=2010-05-08")
	hash := PayloadHash(body)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cn.sign(ctx, "iam", benchCreds, body, hash, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientFloor is one request of the load tool to the floor server
// in the same process, over one keep-alive connection: the client's and a
// do-nothing server's costs together (allocations of both are counted).
func BenchmarkClientFloor(b *testing.B) {
	f, err := StartFloor(bytes.Repeat([]byte("x"), 463))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	c, err := NewClient(f.URL, 1)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	body := []byte("Action=GetUser&UserName=bench-user&Version=2010-05-08")
	hash := PayloadHash(body)
	ctx := context.Background()
	cn := c.Conn()
	defer cn.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := cn.Do(ctx, "iam", benchCreds, body, hash); err != nil {
			b.Fatal(err)
		}
	}
}
