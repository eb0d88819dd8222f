package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/auth/sigv4"
	"github.com/iamd/iamd/internal/wire"
)

// MaxBodyBytes bounds a request body. The largest IAM input (a 131,072
// character policy document, URL-encoded) fits comfortably.
const MaxBodyBytes = 2 << 20

// Authenticator is what the server needs from auth.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, body []byte) (*auth.Principal, *sigv4.Result, error)
}

// Authorizer decides whether the principal may run the operation with the
// decoded input. A nil Authorizer allows everything.
type Authorizer interface {
	Authorize(ctx context.Context, p *auth.Principal, op *Operation, in any) error
}

// Server serves the IAM and STS Query APIs.
type Server struct {
	Table  *Table
	Auth   Authenticator
	Authz  Authorizer
	Now    func() time.Time
	NewID  func() string // request ids
	Logger *slog.Logger
	// Default is the service assumed for a request without Version, by the
	// signing scope's service name ("iam", "sts").
	Services map[string]*Service

	bufs sync.Pool
}

var _ http.Handler = (*Server)(nil)

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.Now()
	reqID := s.NewID()
	ns := "https://iam.amazonaws.com/doc/2010-05-08/"
	var op *Operation
	var principal *auth.Principal
	status := http.StatusOK
	code := ""
	defer func() {
		if rec := recover(); rec != nil {
			s.Logger.Error("panic serving request", "request_id", reqID, "panic", fmt.Sprint(rec))
			status, code = http.StatusInternalServerError, "ServiceFailure"
			s.writeError(w, ns, reqID, apierr.ServiceFailure())
		}
		if !s.Logger.Enabled(r.Context(), slog.LevelDebug) {
			return
		}
		attrs := []any{"request_id", reqID, "method", r.Method, "status", status, "duration", s.Now().Sub(start)}
		if op != nil {
			attrs = append(attrs, "action", op.Action)
		}
		if principal != nil {
			attrs = append(attrs, "principal", principal.ARN)
		}
		if code != "" {
			attrs = append(attrs, "error", code)
		}
		s.Logger.Debug("request", attrs...)
	}()
	fail := func(err error) {
		ae, ok := apierr.As(err)
		if !ok {
			s.Logger.Error("internal error", "request_id", reqID, "err", err)
			ae = apierr.ServiceFailure()
		}
		status, code = ae.Status, ae.Code
		s.writeError(w, ns, reqID, ae)
	}

	form, body, err := readForm(w, r)
	if err != nil {
		fail(err)
		return
	}
	version := form.Get("Version")
	if version == "2011-06-15" {
		ns = "https://sts.amazonaws.com/doc/2011-06-15/"
	}
	action := form.Get("Action")
	if version != "" {
		op = s.Table.Lookup(version, action)
	}

	info := &RequestInfo{ID: reqID, Operation: op, Time: start, Secure: r.TLS != nil, UserAgent: r.UserAgent()}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		info.SourceIP = ap.Addr().Unmap()
	} else if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		info.SourceIP, _ = netip.ParseAddr(host)
	}
	ctx := WithInfo(r.Context(), info)

	if op == nil && s.Table.Unsigned(version, action) {
		// An operation AWS serves unsigned (AssumeRoleWithSAML, …) that
		// iamd lacks: say so rather than ask for a signature.
		fail(apierr.InvalidAction("The operation %s is not implemented by iamd.", action))
		return
	}
	if op == nil || !op.Anonymous {
		p, res, err := s.Auth.Authenticate(ctx, r, body)
		if err != nil {
			fail(err)
			return
		}
		principal = p
		info.Region = res.Region
		ctx = auth.WithPrincipal(ctx, p)
		if version == "" {
			if svc := s.Services[res.Service]; svc != nil {
				ns = svc.Namespace
			}
		}
	}
	if op == nil {
		if action == "" {
			fail(apierr.InvalidAction("The action or operation requested is invalid. Verify that the action is typed correctly."))
			return
		}
		if s.Table.Known(version, action) {
			fail(apierr.InvalidAction("The operation %s is not implemented by iamd.", action))
			return
		}
		v := version
		if v == "" {
			v = "NO_VERSION_SPECIFIED"
		}
		fail(apierr.InvalidAction("Could not find operation %s for version %s", action, v))
		return
	}
	ns = op.Service.Namespace

	d := wire.NewDecoder(form)
	in := op.decode(d)
	if errs := d.Errors(); len(errs) > 0 {
		fail(validationError(errs))
		return
	}
	if s.Authz != nil {
		if err := s.Authz.Authorize(ctx, principal, op, in); err != nil {
			fail(err)
			return
		}
	}
	out, err := op.run(ctx, in)
	if err != nil {
		fail(err)
		return
	}
	s.writeResult(w, op, reqID, out)
}

// validationError joins violations the way AWS does.
func validationError(errs []string) *apierr.Error {
	n := len(errs)
	noun := "errors"
	if n == 1 {
		noun = "error"
	}
	return apierr.ValidationError("%d validation %s detected: %s", n, noun, strings.Join(errs, "; "))
}

// readForm parses the query string and, for POST, the form body.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, []byte, error) {
	var body []byte
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, nil, apierr.New("RequestEntityTooLarge", http.StatusRequestEntityTooLarge, "Request body must be at most %d bytes", MaxBodyBytes)
			}
			return nil, nil, apierr.New("MalformedQueryString", http.StatusBadRequest, "The request body could not be read")
		}
	}
	form, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, nil, malformed(err)
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		ct := r.Header.Get("Content-Type")
		mt, _, _ := mime.ParseMediaType(ct)
		if len(body) > 0 && (mt == "application/x-www-form-urlencoded" || ct == "") {
			bf, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, nil, malformed(err)
			}
			for k, v := range bf {
				form[k] = append(form[k], v...)
			}
		}
	default:
		return nil, nil, apierr.New("InvalidHttpRequest", http.StatusMethodNotAllowed, "The HTTP method %s is not supported; use POST or GET", r.Method)
	}
	return form, body, nil
}

func malformed(err error) error {
	msg := "The query string is malformed"
	var ee url.EscapeError
	if errors.As(err, &ee) {
		msg = "Illegal escape sequence in the query string: %" + strings.TrimPrefix(string(ee), "%")
	}
	return apierr.New("MalformedQueryString", http.StatusNotFound, "%s", msg)
}

func (s *Server) buffer() *wire.XMLWriter {
	if b, ok := s.bufs.Get().(*wire.XMLWriter); ok {
		b.B = b.B[:0]
		return b
	}
	return &wire.XMLWriter{B: make([]byte, 0, 1024)}
}

func (s *Server) release(b *wire.XMLWriter) {
	if cap(b.B) <= 64<<10 {
		s.bufs.Put(b)
	}
}

func (s *Server) writeResult(w http.ResponseWriter, op *Operation, reqID string, out wire.Output) {
	x := s.buffer()
	defer s.release(x)
	x.Raw("<" + op.Name + `Response xmlns="`)
	x.Raw(op.Service.Namespace)
	x.Raw(`">`)
	if out.HasResult() {
		x.Open(op.Name + "Result")
		out.EncodeXML(x)
		x.Close(op.Name + "Result")
	}
	x.Raw("<ResponseMetadata><RequestId>")
	x.Text(reqID)
	x.Raw("</RequestId></ResponseMetadata></")
	x.Raw(op.Name)
	x.Raw("Response>\n")
	h := w.Header()
	h["Content-Type"] = []string{"text/xml"}
	h["X-Amzn-Requestid"] = []string{reqID}
	h["Content-Length"] = []string{strconv.Itoa(len(x.B))}
	w.WriteHeader(http.StatusOK)
	w.Write(x.B)
}

func (s *Server) writeError(w http.ResponseWriter, ns, reqID string, e *apierr.Error) {
	x := s.buffer()
	defer s.release(x)
	x.Raw(`<ErrorResponse xmlns="`)
	x.Raw(ns)
	x.Raw(`"><Error>`)
	x.String("Type", e.Type())
	x.String("Code", e.Code)
	if e.Message != "" { // AWS leaves the element out of message-less errors (ReportNotPresent)
		x.String("Message", e.Message)
	}
	x.Raw("</Error>")
	x.String("RequestId", reqID)
	x.Raw("</ErrorResponse>\n")
	h := w.Header()
	h["Content-Type"] = []string{"text/xml"}
	h["X-Amzn-Requestid"] = []string{reqID}
	h["Content-Length"] = []string{strconv.Itoa(len(x.B))}
	w.WriteHeader(e.Status)
	w.Write(x.B)
}
