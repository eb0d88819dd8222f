package iam

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// Console passwords are stored only as argon2id hashes (RFC 9106) with a
// random salt; the parameters are kept with each hash so they can change
// without invalidating stored passwords. The password itself is never
// stored or logged.
const (
	argonAlg     = "argon2id"
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB (OWASP's argon2id baseline)
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// passwordHash is one hashed password.
type passwordHash struct {
	Alg     string `json:"a"`
	Version int    `json:"v"`
	Time    uint32 `json:"t"`
	Memory  uint32 `json:"m"`
	Threads uint8  `json:"p"`
	Salt    []byte `json:"s"`
	Key     []byte `json:"k"`
}

// hashPassword hashes pw with a fresh salt from the service's random
// source.
func (s *Service) hashPassword(pw string) (passwordHash, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := io.ReadFull(s.rand, salt); err != nil {
		return passwordHash{}, err
	}
	return passwordHash{
		Alg: argonAlg, Version: argon2.Version, Time: argonTime, Memory: argonMemory, Threads: argonThreads,
		Salt: salt,
		Key:  argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen),
	}, nil
}

// matches tells, in constant time, whether pw is the hashed password.
func (h *passwordHash) matches(pw string) bool {
	if h.Alg != argonAlg || h.Version != argon2.Version || len(h.Key) == 0 || h.Threads == 0 {
		return false
	}
	k := argon2.IDKey([]byte(pw), h.Salt, h.Time, h.Memory, h.Threads, uint32(len(h.Key)))
	return subtle.ConstantTimeCompare(k, h.Key) == 1
}

// burnHash spends the time of one verification, so that unknown users
// take as long to refuse as wrong passwords.
func burnHash(pw string) {
	argon2.IDKey([]byte(pw), make([]byte, argonSaltLen), argonTime, argonMemory, argonThreads, argonKeyLen)
}

// loginRecord is a user's login profile (console password) as stored.
type loginRecord struct {
	Created       time.Time    `json:"c"`
	Changed       time.Time    `json:"ch"`
	ResetRequired bool         `json:"r,omitempty"`
	Hash          passwordHash `json:"h"`
	// History holds the previous passwords a reuse-prevention policy
	// remembers, newest first (the current one is Hash).
	History []passwordHash `json:"hist,omitempty"`
}

// passwordLastUsedGranularity: a password used more than once in this span
// records only the first use, as the credential report documents.
const passwordLastUsedGranularity = 5 * time.Minute

func noSuchLogin(userName string) error {
	return apierr.NoSuchEntity("Login Profile for User %s cannot be found.", userName)
}

// getLogin reads a user's login profile.
func (s *Service) getLogin(ctx context.Context, u *userRecord) (*loginRecord, int64, error) {
	var l loginRecord
	rev, ok, err := s.getJSON(ctx, schema.LoginProfile(s.account, u.ID), &l)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, noSuchLogin(u.Name)
	}
	return &l, rev, nil
}

func (s *Service) wireLogin(u *userRecord, l *loginRecord) iamwire.LoginProfile {
	return iamwire.LoginProfile{UserName: u.Name, CreateDate: l.Created, PasswordResetRequired: ptr(l.ResetRequired)}
}

// checkReuse refuses a password that is one of the last n the user had
// (the current one counts).
func checkReuse(l *loginRecord, n int, pw string) error {
	if n <= 0 {
		return nil
	}
	used := l.Hash.matches(pw)
	for i := 0; i < n-1 && i < len(l.History); i++ {
		used = l.History[i].matches(pw) || used
	}
	if used {
		return passwordPolicyViolation("Password should not be one of your previous " + strconv.Itoa(n) + " passwords")
	}
	return nil
}

// setPassword makes h the current password, remembering as many previous
// ones as the policy's reuse prevention needs.
func (l *loginRecord) setPassword(h passwordHash, keep int, now time.Time) {
	hist := append([]passwordHash{l.Hash}, l.History...)
	hist = hist[:min(max(keep-1, 0), len(hist))]
	if len(hist) == 0 {
		hist = nil
	}
	l.Hash, l.History, l.Changed = h, hist, now
}

func nullPassword() error {
	return apierr.ValidationError("1 validation error detected: Value at 'password' failed to satisfy constraint: Member must not be null")
}

// CreateLoginProfile gives a user a console password.
func (s *Service) CreateLoginProfile(ctx context.Context, in *iamwire.CreateLoginProfileInput) (*iamwire.CreateLoginProfileOutput, error) {
	name, err := callerUserName(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	if in.Password == nil {
		return nil, nullPassword()
	}
	if _, _, err := s.getUser(ctx, name); err != nil {
		return nil, err
	}
	policy, _, err := s.getPasswordPolicy(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkPasswordRules(policy, *in.Password); err != nil {
		return nil, err
	}
	h, err := s.hashPassword(*in.Password)
	if err != nil {
		return nil, err
	}
	var out *iamwire.CreateLoginProfileOutput
	err = s.retry(ctx, func() error {
		u, rev, err := s.getUser(ctx, name)
		if err != nil {
			return err
		}
		key := schema.LoginProfile(s.account, u.ID)
		if _, ok, err := s.getJSON(ctx, key, &loginRecord{}); err != nil {
			return err
		} else if ok {
			return apierr.EntityAlreadyExists("Login Profile for user %s already exists.", u.Name)
		}
		now := s.now().UTC().Truncate(time.Second)
		l := &loginRecord{Created: now, Changed: now, ResetRequired: deref(in.PasswordResetRequired, false), Hash: h}
		userKey := schema.User(s.account, u.Name)
		// Rewriting the user under its revision orders this against
		// DeleteUser's ownership probe.
		_, err = s.st.Apply(ctx,
			[]store.Cond{{Key: userKey, ModRevision: rev}, {Key: key}},
			[]store.Op{{Key: userKey, Value: mustJSON(u)}, {Key: key, Value: mustJSON(l)}})
		if err != nil {
			return err
		}
		out = &iamwire.CreateLoginProfileOutput{LoginProfile: s.wireLogin(u, l)}
		return nil
	})
	return out, err
}

// GetLoginProfile tells whether a user has a console password (never the
// password).
func (s *Service) GetLoginProfile(ctx context.Context, in *iamwire.GetLoginProfileInput) (*iamwire.GetLoginProfileOutput, error) {
	name, err := callerUserName(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	u, _, err := s.getUser(ctx, name)
	if err != nil {
		return nil, err
	}
	l, _, err := s.getLogin(ctx, u)
	if err != nil {
		return nil, err
	}
	return &iamwire.GetLoginProfileOutput{LoginProfile: s.wireLogin(u, l)}, nil
}

// UpdateLoginProfile sets a user's password and/or whether it must be
// reset at the next sign-in.
func (s *Service) UpdateLoginProfile(ctx context.Context, in *iamwire.UpdateLoginProfileInput) (*iamwire.UpdateLoginProfileOutput, error) {
	var policy *passwordPolicy
	var h passwordHash
	if in.Password != nil {
		var err error
		if policy, _, err = s.getPasswordPolicy(ctx); err != nil {
			return nil, err
		}
		if err := checkPasswordRules(policy, *in.Password); err != nil {
			return nil, err
		}
		if h, err = s.hashPassword(*in.Password); err != nil {
			return nil, err
		}
	}
	err := s.retry(ctx, func() error {
		u, _, err := s.getUser(ctx, in.UserName)
		if err != nil {
			return err
		}
		l, rev, err := s.getLogin(ctx, u)
		if err != nil {
			return err
		}
		if in.Password != nil {
			if err := checkReuse(l, policy.history(), *in.Password); err != nil {
				return err
			}
			l.setPassword(h, policy.history(), s.now().UTC().Truncate(time.Second))
		}
		if in.PasswordResetRequired != nil {
			l.ResetRequired = *in.PasswordResetRequired
		}
		key := schema.LoginProfile(s.account, u.ID)
		_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: rev}}, []store.Op{{Key: key, Value: mustJSON(l)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UpdateLoginProfileOutput{}, nil
}

// DeleteLoginProfile removes a user's console password.
func (s *Service) DeleteLoginProfile(ctx context.Context, in *iamwire.DeleteLoginProfileInput) (*iamwire.DeleteLoginProfileOutput, error) {
	name, err := callerUserName(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	err = s.retry(ctx, func() error {
		u, _, err := s.getUser(ctx, name)
		if err != nil {
			return err
		}
		_, rev, err := s.getLogin(ctx, u)
		if err != nil {
			return err
		}
		key := schema.LoginProfile(s.account, u.ID)
		_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: rev}}, []store.Op{{Key: key, Delete: true}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteLoginProfileOutput{}, nil
}

// ChangePassword changes the calling IAM user's own password. The old
// password must match; the new one must satisfy the password policy. A
// successful change clears PasswordResetRequired. Whether the user may call
// it at all is the authorizer's decision: an identity policy allowing
// iam:ChangePassword, or the account policy's AllowUsersToChangePassword
// (see UsersMayChangePassword), as AWS documents.
func (s *Service) ChangePassword(ctx context.Context, in *iamwire.ChangePasswordInput) (*iamwire.ChangePasswordOutput, error) {
	p := auth.PrincipalFrom(ctx)
	if p == nil || p.Kind != auth.User || p.AccountID != s.account {
		return nil, apierr.New("InvalidUserType", http.StatusBadRequest, "Only IAM users can change their own password with ChangePassword.")
	}
	policy, _, err := s.getPasswordPolicy(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.userByID(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, noSuchUser(p.Name)
	}
	l, _, err := s.getLogin(ctx, u)
	if err != nil {
		return nil, err
	}
	if !l.Hash.matches(in.OldPassword) {
		return nil, apierr.AccessDenied("The old password is incorrect.")
	}
	if exp, ok := policy.expires(l.Changed); ok && !s.now().Before(exp) && policy.hardExpiry() {
		return nil, apierr.AccessDenied("The password has expired and the account password policy prevents setting a new one; an administrator must reset it.")
	}
	if err := checkPasswordRules(policy, in.NewPassword); err != nil {
		return nil, err
	}
	h, err := s.hashPassword(in.NewPassword)
	if err != nil {
		return nil, err
	}
	err = s.retry(ctx, func() error {
		u, err := s.userByID(ctx, p.UserID)
		if err != nil {
			return err
		}
		if u == nil {
			return noSuchUser(p.Name)
		}
		l, rev, err := s.getLogin(ctx, u)
		if err != nil {
			return err
		}
		if err := checkReuse(l, policy.history(), in.NewPassword); err != nil {
			return err
		}
		l.setPassword(h, policy.history(), s.now().UTC().Truncate(time.Second))
		l.ResetRequired = false
		key := schema.LoginProfile(s.account, u.ID)
		_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: rev}}, []store.Op{{Key: key, Value: mustJSON(l)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.ChangePasswordOutput{}, nil
}

// CheckPassword verifies a console sign-in: ok when the user has a login
// profile and the password is its current one. resetRequired tells the
// caller to make the user choose a new password before going on: it was
// asked for (PasswordResetRequired) or the password is older than the
// policy's MaxPasswordAge. An expired password under a HardExpiry policy
// does not sign in at all (ok false, resetRequired true): an administrator
// must reset it. Unknown users and wrong passwords are both just !ok, and
// take as long. A successful check records the user's PasswordLastUsed.
func (s *Service) CheckPassword(ctx context.Context, userName, password string) (ok bool, resetRequired bool, err error) {
	u, _, err := s.getUser(ctx, userName)
	if err != nil {
		if _, isAPI := apierr.As(err); isAPI {
			burnHash(password)
			return false, false, nil
		}
		return false, false, err
	}
	l, _, err := s.getLogin(ctx, u)
	if err != nil {
		if _, isAPI := apierr.As(err); isAPI {
			burnHash(password)
			return false, false, nil
		}
		return false, false, err
	}
	if !l.Hash.matches(password) {
		return false, false, nil
	}
	policy, _, err := s.getPasswordPolicy(ctx)
	if err != nil {
		return false, false, err
	}
	now := s.now().UTC()
	exp, expires := policy.expires(l.Changed)
	expired := expires && !now.Before(exp)
	if expired && policy.hardExpiry() {
		return false, true, nil
	}
	if err := s.recordPasswordUse(ctx, u.Name, now); err != nil {
		return false, false, err
	}
	return true, l.ResetRequired || expired, nil
}

// recordPasswordUse sets the user's PasswordLastUsed, at most once per
// passwordLastUseGranularity.
func (s *Service) recordPasswordUse(ctx context.Context, name string, now time.Time) error {
	u, rev, err := s.getUser(ctx, name)
	if err != nil {
		if _, ok := apierr.As(err); ok {
			return nil // deleted meanwhile
		}
		return err
	}
	if u.PasswordLastUsed != nil && now.Sub(*u.PasswordLastUsed) < passwordLastUsedGranularity {
		return nil
	}
	u.PasswordLastUsed = ptr(now.Truncate(time.Second))
	key := schema.User(s.account, u.Name)
	_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: rev}}, []store.Op{{Key: key, Value: mustJSON(u)}})
	if errors.Is(err, store.ErrConflict) {
		return nil // the user changed meanwhile; the use is not worth a retry
	}
	return err
}
