package bench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// API versions of the Query protocol.
const (
	iamVersion = "2010-05-08"
	stsVersion = "2011-06-15"
	region     = "us-east-1"
)

// CheckLoopback refuses an endpoint that is not HTTP on a loopback
// host (127.0.0.0/8, ::1, localhost): the load tool sends traffic nowhere
// else. The dialer checks the address again on every connection.
func CheckLoopback(endpoint string) (*url.URL, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", endpoint, err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("endpoint %q: scheme must be http (the load tool speaks plain HTTP/1.1)", endpoint)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("endpoint %q: give scheme, host and port only", endpoint)
	}
	host := u.Hostname()
	if !strings.EqualFold(host, "localhost") {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Unmap().IsLoopback() {
			return nil, fmt.Errorf("endpoint %q: host %q is not a loopback address (127.0.0.0/8, ::1, localhost); the load tool targets only this machine", endpoint, host)
		}
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// loopbackOnly is a dialer Control function refusing any non-loopback
// address (a "localhost" that resolves elsewhere, say).
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().Unmap().IsLoopback() {
		return fmt.Errorf("bench: refusing to connect to non-loopback address %s", address)
	}
	return nil
}

// Client signs Query-protocol POSTs with SigV4 and sends them as plain
// HTTP/1.1 over keep-alive connections to one endpoint. It writes requests
// and reads answers itself (no net/http transport on the hot path) so that
// the load tool spends as little CPU per request as it can: with client and
// server on one machine, what the client burns the server does not get.
type Client struct {
	URL      *url.URL
	endpoint string
	host     string // Host header (and signed host)
	path     string
	dialer   *net.Dialer
	signer   *v4.Signer
	idle     chan *Conn // connections of the set-up calls
}

// NewClient returns a client for a loopback endpoint; set-up calls keep up
// to conns connections open.
func NewClient(endpoint string, conns int) (*Client, error) {
	u, err := CheckLoopback(endpoint)
	if err != nil {
		return nil, err
	}
	return &Client{
		URL: u, endpoint: u.String(), host: u.Host, path: u.EscapedPath(),
		dialer: &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackOnly},
		signer: v4.NewSigner(),
		idle:   make(chan *Conn, max(conns, 1)),
	}, nil
}

// Close closes the idle connections of the set-up calls.
func (c *Client) Close() {
	for {
		select {
		case cn := <-c.idle:
			cn.Close()
		default:
			return
		}
	}
}

// Conn is one keep-alive connection of a Client, dialled when first used
// and again after an error. It is not safe for concurrent use.
type Conn struct {
	c    *Client
	nc   net.Conn
	br   *bufio.Reader
	wb   []byte
	req  http.Request // reused for signing only
	u    url.URL
	hdr  http.Header
	resp []byte
}

// Conn returns a new connection (dialled on first use).
func (c *Client) Conn() *Conn {
	return &Conn{c: c, hdr: make(http.Header, 4)}
}

// Close closes the connection.
func (cn *Conn) Close() {
	if cn.nc != nil {
		cn.nc.Close()
		cn.nc = nil
	}
}

// requestTimeout bounds one request and its answer, so that a run ends by
// itself even if a server stops answering.
const requestTimeout = 60 * time.Second

var formContentType = []string{"application/x-www-form-urlencoded; charset=utf-8"}

// PayloadHash is the hex SHA-256 of a body, as SigV4 signs it.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// sign signs a POST of a body of n bytes at now and returns the request
// whose headers were set. payloadHash may be "" to have it computed.
func (cn *Conn) sign(ctx context.Context, service string, creds aws.Credentials, body []byte, payloadHash string, now time.Time) (*http.Request, error) {
	if payloadHash == "" {
		payloadHash = PayloadHash(body)
	}
	cn.u = *cn.c.URL
	clear(cn.hdr)
	cn.hdr["Content-Type"] = formContentType
	cn.req = http.Request{Method: http.MethodPost, URL: &cn.u, Host: cn.c.host, Header: cn.hdr, ContentLength: int64(len(body))}
	if err := cn.c.signer.SignHTTP(ctx, creds, &cn.req, payloadHash, service, region, now); err != nil {
		return nil, err
	}
	return &cn.req, nil
}

// Do sends a signed POST of body and reads the whole answer. It returns the
// HTTP status and the body, valid until the next Do; err is a transport or
// protocol error, after which the connection is dialled anew.
func (cn *Conn) Do(ctx context.Context, service string, creds aws.Credentials, body []byte, payloadHash string) (int, []byte, error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	req, err := cn.sign(ctx, service, creds, body, payloadHash, time.Now())
	if err != nil {
		return 0, nil, err
	}
	b := append(cn.wb[:0], "POST "...)
	b = append(b, cn.c.path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, req.Host...)
	b = append(b, "\r\nUser-Agent: iamd-bench\r\n"...)
	for k, vs := range req.Header {
		for _, v := range vs {
			b = append(append(append(append(b, k...), ": "...), v...), "\r\n"...)
		}
	}
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, body...)
	cn.wb = b

	status, err := cn.roundTrip(ctx, b)
	if err != nil {
		cn.Close()
		return 0, nil, err
	}
	return status, cn.resp, nil
}

func (cn *Conn) roundTrip(ctx context.Context, msg []byte) (int, error) {
	fresh := false
	if cn.nc == nil {
		nc, err := cn.c.dialer.DialContext(ctx, "tcp", cn.c.host)
		if err != nil {
			return 0, err
		}
		cn.nc = nc
		if cn.br == nil {
			cn.br = bufio.NewReaderSize(nc, 32<<10)
		} else {
			cn.br.Reset(nc)
		}
		fresh = true
	}
	cn.nc.SetDeadline(time.Now().Add(requestTimeout))
	if _, err := cn.nc.Write(msg); err != nil {
		return 0, err
	}
	status, err := cn.readResponse()
	if err != nil && !fresh && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)) {
		// The server closed an idle keep-alive connection: once more on
		// a new one.
		cn.Close()
		return cn.roundTrip(ctx, msg)
	}
	return status, err
}

var errProtocol = errors.New("malformed HTTP answer")

// readResponse reads one HTTP/1.x answer into cn.resp.
func (cn *Conn) readResponse() (int, error) {
	line, err := cn.line()
	if err != nil {
		return 0, err
	}
	// HTTP/1.1 200 OK
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, fmt.Errorf("%w: status line %q", errProtocol, line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("%w: status line %q", errProtocol, line)
	}
	closeAfter := line[7] == '0' // HTTP/1.0 closes unless told otherwise
	length, chunked := int64(-1), false
	for {
		line, err := cn.line()
		if err != nil {
			return 0, err
		}
		if len(line) == 0 {
			break
		}
		i := bytes.IndexByte(line, ':')
		if i < 0 {
			return 0, fmt.Errorf("%w: header line %q", errProtocol, line)
		}
		name, value := line[:i], bytes.TrimSpace(line[i+1:])
		switch {
		case asciiEqualFold(name, "Content-Length"):
			if length, err = strconv.ParseInt(string(value), 10, 64); err != nil || length < 0 {
				return 0, fmt.Errorf("%w: Content-Length %q", errProtocol, value)
			}
		case asciiEqualFold(name, "Transfer-Encoding"):
			chunked = asciiEqualFold(value, "chunked")
		case asciiEqualFold(name, "Connection"):
			if asciiEqualFold(value, "close") {
				closeAfter = true
			} else if asciiEqualFold(value, "keep-alive") {
				closeAfter = false
			}
		}
	}
	cn.resp = cn.resp[:0]
	switch {
	case status/100 == 1 || status == 204 || status == 304:
	case chunked:
		err = cn.readChunked()
	case length >= 0:
		err = cn.readN(length)
	default:
		closeAfter = true
		cn.resp, err = appendAll(cn.resp, cn.br)
	}
	if err != nil {
		return 0, err
	}
	if closeAfter {
		cn.Close()
	}
	return status, nil
}

// line reads one CRLF-terminated line (without it).
func (cn *Conn) line() ([]byte, error) {
	line, err := cn.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%w: line too long", errProtocol)
		}
		return nil, err
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

// readN appends n bytes of the answer to cn.resp.
func (cn *Conn) readN(n int64) error {
	if n > 1<<30 {
		return fmt.Errorf("%w: body of %d bytes", errProtocol, n)
	}
	start := len(cn.resp)
	cn.resp = slices.Grow(cn.resp, int(n))[:start+int(n)]
	_, err := io.ReadFull(cn.br, cn.resp[start:])
	return err
}

func (cn *Conn) readChunked() error {
	for {
		line, err := cn.line()
		if err != nil {
			return err
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: chunk size %q", errProtocol, line)
		}
		if n == 0 {
			for { // trailers, up to the empty line
				line, err := cn.line()
				if err != nil {
					return err
				}
				if len(line) == 0 {
					return nil
				}
			}
		}
		if err := cn.readN(n); err != nil {
			return err
		}
		if line, err := cn.line(); err != nil || len(line) != 0 {
			return fmt.Errorf("%w: chunk not followed by CRLF", errProtocol)
		}
	}
}

func appendAll(b []byte, r io.Reader) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Do sends one request over an idle connection of the client's (for the
// set-up phase, which may call it concurrently); the body returned is a
// copy.
func (c *Client) Do(ctx context.Context, service string, creds aws.Credentials, body []byte) (int, []byte, error) {
	var cn *Conn
	select {
	case cn = <-c.idle:
	default:
		cn = c.Conn()
	}
	status, resp, err := cn.Do(ctx, service, creds, body, "")
	resp = bytes.Clone(resp)
	select {
	case c.idle <- cn:
	default:
		cn.Close()
	}
	return status, resp, err
}

// APIError is an error response of the endpoint.
type APIError struct {
	Action  string
	Status  int
	Code    string
	Message string
	Body    string
}

func (e *APIError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("%s: HTTP %d: %s", e.Action, e.Status, e.Body)
	}
	return fmt.Sprintf("%s: HTTP %d %s: %s", e.Action, e.Status, e.Code, e.Message)
}

// Call sends one request of the set-up phase: form is encoded with the
// service's Version added. A non-2xx answer is an *APIError.
func (c *Client) Call(ctx context.Context, service string, creds aws.Credentials, form url.Values) ([]byte, error) {
	version := iamVersion
	if service == "sts" {
		version = stsVersion
	}
	form.Set("Version", version)
	status, b, err := c.Do(ctx, service, creds, []byte(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", form.Get("Action"), err)
	}
	if status/100 != 2 {
		return nil, &APIError{Action: form.Get("Action"), Status: status, Code: xmlText(b, "Code"), Message: xmlText(b, "Message"), Body: truncate(b, 500)}
	}
	return b, nil
}

// errUnsupported marks a scenario whose set-up needs an operation the
// endpoint does not implement (it answered InvalidAction).
type errUnsupported struct{ action string }

func (e *errUnsupported) Error() string {
	return "unsupported by endpoint (" + e.action + " answers InvalidAction)"
}

// unsupported turns an InvalidAction answer into errUnsupported.
func unsupported(err error) error {
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == "InvalidAction" {
		return &errUnsupported{action: ae.Action}
	}
	return err
}

// xmlText returns the text of the first <name> element of b (no nesting,
// entities left as they are: enough for ids, ARNs, keys and markers), or "".
func xmlText(b []byte, name string) string {
	open := "<" + name + ">"
	i := bytes.Index(b, []byte(open))
	if i < 0 {
		return ""
	}
	rest := b[i+len(open):]
	j := bytes.Index(rest, []byte("</"+name+">"))
	if j < 0 {
		return ""
	}
	return xmlUnescape(string(rest[:j]))
}

var xmlUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&#39;", "'", "&#34;", `"`, "&amp;", "&")

func xmlUnescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return xmlUnescaper.Replace(s)
}

func truncate(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// drain reads and closes a body (for servers written here).
func drain(r io.ReadCloser) {
	io.Copy(io.Discard, r)
	r.Close()
}
