package server

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/api"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/auth/sigv4"
	"github.com/iamd/iamd/internal/iam"
	"github.com/iamd/iamd/internal/iam/managed"
	"github.com/iamd/iamd/internal/ids"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/secrets"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/store/bolt"
	"github.com/iamd/iamd/internal/sts"
	"github.com/iamd/iamd/internal/wire/iamwire"
	"github.com/iamd/iamd/internal/wire/stswire"
)

// Config is what an iamd instance is built from.
type Config struct {
	DataDir   string
	AccountID string // fixed at first start; must match afterwards if given
	// Root credentials; when empty they are loaded from, or created in,
	// DataDir/root-credentials.json.
	RootAccessKeyID     string
	RootSecretAccessKey string
	Now                 func() time.Time // default time.Now
	Rand                io.Reader        // default crypto/rand
	Logger              *slog.Logger     // default discards
	Quotas              iam.Quotas       // zero fields: AWS's defaults
}

// Instance is an opened iamd: its handler and what it was built from.
type Instance struct {
	Handler   http.Handler
	Store     store.Store
	AccountID string
	Root      RootCredentials
	// FirstStart is true when the root credentials were generated now.
	FirstStart      bool
	CredentialsFile string
}

// RootCredentials are the account's root access key.
type RootCredentials struct {
	AccessKeyID     string `json:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key"`
}

// Close releases the store.
func (in *Instance) Close() error { return in.Store.Close() }

// Open builds an instance.
func Open(ctx context.Context, cfg Config) (*Instance, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.DataDir == "" {
		return nil, errors.New("server: a data dir is required")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("server: create data dir: %w", err)
	}
	st, err := bolt.Open(filepath.Join(cfg.DataDir, "iamd.db"), bolt.Options{})
	if err != nil {
		return nil, fmt.Errorf("server: open store: %w", err)
	}
	inst, err := open(ctx, cfg, st)
	if err != nil {
		st.Close()
		return nil, err
	}
	return inst, nil
}

func open(ctx context.Context, cfg Config, st store.Store) (*Instance, error) {
	account, err := fixAccount(ctx, st, cfg)
	if err != nil {
		return nil, err
	}
	inst := &Instance{Store: st, AccountID: account}
	if cfg.RootAccessKeyID != "" || cfg.RootSecretAccessKey != "" {
		if cfg.RootAccessKeyID == "" || cfg.RootSecretAccessKey == "" {
			return nil, errors.New("server: both the root access key id and secret access key must be given")
		}
		inst.Root = RootCredentials{AccessKeyID: cfg.RootAccessKeyID, SecretAccessKey: cfg.RootSecretAccessKey}
	} else {
		inst.CredentialsFile = filepath.Join(cfg.DataDir, "root-credentials.json")
		inst.Root, inst.FirstStart, err = loadOrCreateRoot(inst.CredentialsFile, account, cfg.Rand)
		if err != nil {
			return nil, err
		}
	}

	key, err := secrets.LoadOrCreateKey(filepath.Join(cfg.DataDir, "master.key"), cfg.Rand)
	if err != nil {
		return nil, err
	}
	sealer, err := secrets.New(key, cfg.Rand)
	if err != nil {
		return nil, err
	}
	catalogue, err := managed.Load()
	if err != nil {
		return nil, err
	}
	iamSvc := iam.New(iam.Config{Store: st, AccountID: account, Now: cfg.Now, Rand: cfg.Rand, Sealer: sealer, Catalogue: catalogue, Quotas: cfg.Quotas, RootAccessKeyID: inst.Root.AccessKeyID})
	stsSvc := sts.New(sts.Config{
		AccountID:  account,
		Sealer:     sealer,
		Now:        cfg.Now,
		Rand:       cfg.Rand,
		Identities: iamSvc,
		Roles:      iamSvc,
		MFA:        iamSvc,
		KeyOwner: func(ctx context.Context, akid string) (string, error) {
			if akid == inst.Root.AccessKeyID {
				return account, nil
			}
			return iamSvc.KeyAccount(ctx, akid)
		},
	})
	iamAPI, stsAPI := iam.API(), sts.API()
	table := api.NewTable()
	table.Declare(iamAPI, iamwire.Operations, iamwire.UnsignedOperations)
	table.Declare(stsAPI, stswire.Operations, stswire.UnsignedOperations)
	table.Add(iamSvc.Operations(iamAPI)...)
	table.Add(stsSvc.Operations(stsAPI)...)

	authn := &auth.Authenticator{
		Verifier: sigv4.NewVerifier(cfg.Now, "iam", "sts"),
		Resolvers: []auth.Resolver{
			&auth.RootResolver{AccountID: account, AccessKeyID: inst.Root.AccessKeyID, SecretAccessKey: inst.Root.SecretAccessKey},
			iamSvc,
			stsSvc,
		},
		Observers: []auth.Observer{stsSvc, iamSvc},
	}
	inst.Handler = &api.Server{
		Table:    table,
		Auth:     authn,
		Authz:    iam.NewAuthorizer(iamSvc),
		Now:      cfg.Now,
		NewID:    requestIDs(cfg.Rand),
		Logger:   cfg.Logger,
		Services: map[string]*api.Service{"iam": iamAPI, "sts": stsAPI},
	}
	return inst, nil
}

// fixAccount returns the account id kept in the store, storing it (from
// the config, or generated) at first start.
func fixAccount(ctx context.Context, st store.Store, cfg Config) (string, error) {
	kv, err := st.Get(ctx, schema.AccountID)
	switch {
	case err == nil:
		have := string(kv.Value)
		if cfg.AccountID != "" && cfg.AccountID != have {
			return "", fmt.Errorf("server: the data dir belongs to account %s, not %s", have, cfg.AccountID)
		}
		return have, nil
	case !errors.Is(err, store.ErrNotFound):
		return "", err
	}
	account := cfg.AccountID
	if account == "" {
		if account, err = randomDigits(cfg.Rand, 12); err != nil {
			return "", err
		}
	}
	if len(account) != 12 || strings.Trim(account, "0123456789") != "" {
		return "", fmt.Errorf("server: account id %q must be 12 digits", account)
	}
	_, err = st.Apply(ctx,
		[]store.Cond{{Key: schema.AccountID}},
		[]store.Op{
			{Key: schema.AccountID, Value: []byte(account)},
			{Key: schema.AccountCreated, Value: []byte(cfg.Now().UTC().Format(time.RFC3339))},
		})
	if err != nil {
		return "", err
	}
	return account, nil
}

func randomDigits(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b), nil
}

// loadOrCreateRoot reads the root credentials file, creating it (owner-only)
// with fresh credentials if it does not exist.
func loadOrCreateRoot(path, account string, r io.Reader) (RootCredentials, bool, error) {
	var rc RootCredentials
	data, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(data, &rc); err != nil || rc.AccessKeyID == "" || rc.SecretAccessKey == "" {
			return rc, false, fmt.Errorf("server: %s is not a valid credentials file", path)
		}
		return rc, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return rc, false, err
	}
	if rc.AccessKeyID, err = ids.AccessKeyID(r, "AKIA", account); err != nil {
		return rc, false, err
	}
	if rc.SecretAccessKey, err = ids.String(r, ids.Secret, 40); err != nil {
		return rc, false, err
	}
	data, _ = json.MarshalIndent(rc, "", "  ")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return rc, false, err
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return rc, false, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return rc, false, err
	}
	return rc, true, f.Close()
}

// requestIDs returns a generator of UUID v4 request ids.
func requestIDs(r io.Reader) func() string {
	return func() string {
		id, err := ids.UUID(r)
		if err != nil {
			panic(err) // the system random source does not fail
		}
		return id
	}
}
