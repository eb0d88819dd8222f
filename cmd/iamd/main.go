// Command iamd runs the iamd identity and access management service and
// its operator tools.
//
//	iamd serve [--listen 127.0.0.1:8600] [--data-dir ./iamd-data] [--account-id 123456789012]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/iamd/iamd/internal/iam"
	"github.com/iamd/iamd/internal/server"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "iamd:", err)
		os.Exit(1)
	}
}

const usage = `usage: iamd <command> [flags]

commands:
  serve   run the IAM and STS API on one port
  bench   measure an endpoint with signed requests (loopback only)
`

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "bench":
		return benchCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func serve(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8600", "address to listen on (loopback by default)")
	dataDir := fs.String("data-dir", "iamd-data", "directory holding the store and key files")
	account := fs.String("account-id", "", "12-digit account id, fixed at first start (generated if empty)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	var quotas iam.Quotas
	fs.Func("quota", "raise or lower an adjustable quota, as GetAccountSummary names it: -quota UsersQuota=20000 (repeatable; default AWS's)", func(v string) error {
		name, n, ok := strings.Cut(v, "=")
		if !ok {
			return fmt.Errorf("want Name=N, e.g. UsersQuota=20000")
		}
		count, err := strconv.Atoi(n)
		if err != nil {
			return fmt.Errorf("quota %s: %q is not a number", name, n)
		}
		return quotas.Set(name, count)
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	inst, err := server.Open(ctx, server.Config{
		DataDir:             *dataDir,
		AccountID:           *account,
		RootAccessKeyID:     os.Getenv("IAMD_ROOT_ACCESS_KEY_ID"),
		RootSecretAccessKey: os.Getenv("IAMD_ROOT_SECRET_ACCESS_KEY"),
		Logger:              logger,
		Quotas:              quotas,
	})
	if err != nil {
		return err
	}
	defer inst.Close()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	endpoint := "http://" + ln.Addr().String()
	if inst.FirstStart {
		fmt.Fprintf(stdout, `iamd: first start; account %s. Root credentials (shown once, kept in %s):

  export AWS_ACCESS_KEY_ID=%s
  export AWS_SECRET_ACCESS_KEY=%s
  export AWS_DEFAULT_REGION=us-east-1
  aws --endpoint-url %s iam list-users

`, inst.AccountID, inst.CredentialsFile, inst.Root.AccessKeyID, inst.Root.SecretAccessKey, endpoint)
	}
	logger.Info("iamd serving", "endpoint", endpoint, "account", inst.AccountID, "data_dir", *dataDir)

	srv := &http.Server{
		Handler:           inst.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	logger.Info("iamd stopping")
	return srv.Shutdown(shutdown)
}
