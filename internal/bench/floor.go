package bench

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Floor is a do-nothing HTTP server on a loopback port: it reads the
// request and answers a fixed body with the headers iamd sends. Measured
// with the same client, it is the most this machine can do for requests of
// that shape.
type Floor struct {
	URL string
	srv *http.Server
	ln  net.Listener
}

// StartFloor starts a floor server answering body.
func StartFloor(body []byte) (*Floor, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	length := []string{strconv.Itoa(len(body))}
	ctype := []string{"text/xml"}
	reqID := []string{"00000000-0000-4000-8000-000000000000"}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		drain(r.Body)
		hd := w.Header()
		hd["Content-Type"] = ctype
		hd["X-Amzn-Requestid"] = reqID
		hd["Content-Length"] = length
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	f := &Floor{URL: "http://" + ln.Addr().String(), ln: ln,
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}}
	go f.srv.Serve(ln)
	return f, nil
}

// Close stops the server.
func (f *Floor) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return f.srv.Shutdown(ctx)
}
