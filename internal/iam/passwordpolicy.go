package iam

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// passwordPolicy is the account password policy as stored. UpdateAccount-
// PasswordPolicy replaces the whole policy: a parameter left out takes its
// documented default (6 characters, nothing required, no expiry, no reuse
// prevention).
type passwordPolicy struct {
	MinLength   int32 `json:"min"`
	Symbols     bool  `json:"sym,omitempty"`
	Numbers     bool  `json:"num,omitempty"`
	Upper       bool  `json:"up,omitempty"`
	Lower       bool  `json:"low,omitempty"`
	AllowChange bool  `json:"chg,omitempty"`
	MaxAge      int32 `json:"age,omitempty"`   // days; 0: passwords never expire
	Reuse       int32 `json:"reuse,omitempty"` // previous passwords remembered; 0: none
	// HardExpiry is kept as given (nil when the request left it out), so
	// GetAccountPasswordPolicy shows it only when it was set.
	HardExpiry *bool `json:"hard,omitempty"`
}

// defaultMinPasswordLength is UpdateAccountPasswordPolicy's default for
// MinimumPasswordLength.
const defaultMinPasswordLength = 6

// maxPasswordHistory is the largest PasswordReusePrevention.
const maxPasswordHistory = 24

// passwordSymbols are the characters RequireSymbols accepts, as the API
// reference lists them: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '
const passwordSymbols = "!@#$%^&*()_+-=[]{}|'"

// Rule messages of PasswordPolicyViolation.
const (
	msgNeedSymbol = "Password should have at least one symbol"
	msgNeedNumber = "Password should have at least one number"
	msgNeedUpper  = "Password should have at least one uppercase letter"
	msgNeedLower  = "Password should have at least one lowercase letter"
)

func msgMinLength(n int32) string {
	return "Password should have a minimum length of " + strconv.Itoa(int(n))
}

func passwordPolicyViolation(msg string) *apierr.Error {
	return apierr.New("PasswordPolicyViolation", http.StatusBadRequest, "%s", msg)
}

// expires reports whether passwords expire under the policy, and when one
// set at changed does.
func (p *passwordPolicy) expires(changed time.Time) (time.Time, bool) {
	if p == nil || p.MaxAge <= 0 {
		return time.Time{}, false
	}
	return changed.AddDate(0, 0, int(p.MaxAge)), true
}

// hardExpiry reports whether expired passwords may not be changed by their
// users (an administrator must reset them).
func (p *passwordPolicy) hardExpiry() bool {
	return p != nil && p.HardExpiry != nil && *p.HardExpiry
}

// history is how many passwords (the current one included) a user may not
// set again.
func (p *passwordPolicy) history() int {
	if p == nil {
		return 0
	}
	return int(min(p.Reuse, maxPasswordHistory))
}

type charClasses struct{ upper, lower, number, symbol, other bool }

func classify(pw string) charClasses {
	var c charClasses
	for i := 0; i < len(pw); i++ {
		b := pw[i]
		switch {
		case b >= 'A' && b <= 'Z':
			c.upper = true
		case b >= 'a' && b <= 'z':
			c.lower = true
		case b >= '0' && b <= '9':
			c.number = true
		case strings.IndexByte(passwordSymbols, b) >= 0:
			c.symbol = true
		default:
			c.other = true
		}
	}
	return c
}

// passwordViolations checks a new password against the account policy, or
// against AWS's default policy when the account has none (p == nil): at
// least 8 characters and at least three of upper case, lower case, numbers
// and non-alphanumeric characters. It returns one message per violated
// rule; none means the password is acceptable. Lengths count characters,
// as the Query API carries text.
func passwordViolations(p *passwordPolicy, pw string) []string {
	n := int32(len([]rune(pw)))
	c := classify(pw)
	var out []string
	if p == nil {
		const defaultMin = 8
		if n < defaultMin {
			out = append(out, msgMinLength(defaultMin))
		}
		var missing []string
		if !c.upper {
			missing = append(missing, msgNeedUpper)
		}
		if !c.lower {
			missing = append(missing, msgNeedLower)
		}
		if !c.number {
			missing = append(missing, msgNeedNumber)
		}
		if !c.symbol && !c.other {
			missing = append(missing, msgNeedSymbol)
		}
		if have := 4 - len(missing); have < 3 {
			out = append(out, "Password should meet "+strconv.Itoa(3-have)+" more of the following requirements: "+strings.Join(missing, ", "))
		}
		return out
	}
	if n < p.MinLength {
		out = append(out, msgMinLength(p.MinLength))
	}
	if p.Upper && !c.upper {
		out = append(out, msgNeedUpper)
	}
	if p.Lower && !c.lower {
		out = append(out, msgNeedLower)
	}
	if p.Numbers && !c.number {
		out = append(out, msgNeedNumber)
	}
	if p.Symbols && !c.symbol {
		out = append(out, msgNeedSymbol)
	}
	return out
}

// checkPasswordRules answers PasswordPolicyViolation naming every rule the
// password breaks.
func checkPasswordRules(p *passwordPolicy, pw string) error {
	if v := passwordViolations(p, pw); len(v) > 0 {
		return passwordPolicyViolation(strings.Join(v, ", "))
	}
	return nil
}

// getPasswordPolicy reads the account policy; nil when there is none.
func (s *Service) getPasswordPolicy(ctx context.Context) (*passwordPolicy, int64, error) {
	var p passwordPolicy
	rev, ok, err := s.getJSON(ctx, schema.PasswordPolicy(s.account), &p)
	if err != nil || !ok {
		return nil, 0, err
	}
	return &p, rev, nil
}

// noSuchPasswordPolicy is GetAccountPasswordPolicy's answer when the
// account has no policy.
func (s *Service) noSuchPasswordPolicy() error {
	return apierr.NoSuchEntity("The Password Policy with domain name %s cannot be found.", s.account)
}

// noPasswordPolicyToDelete is DeleteAccountPasswordPolicy's answer when the
// account has no policy: AWS words it differently from the Get case.
func noPasswordPolicyToDelete() error {
	return apierr.NoSuchEntity("The account policy with name PasswordPolicy cannot be found.")
}

// UsersMayChangePassword reports whether the account password policy lets
// every IAM user change their own password (AllowUsersToChangePassword).
// AWS treats it as an implicit allow, for a user acting on itself, of
// iam:ChangePassword and iam:GetAccountPasswordPolicy; without it a user
// needs an identity policy that allows iam:ChangePassword. For the
// authorizer.
func (s *Service) UsersMayChangePassword(ctx context.Context) (bool, error) {
	p, _, err := s.getPasswordPolicy(ctx)
	if err != nil || p == nil {
		return false, err
	}
	return p.AllowChange, nil
}

// UpdateAccountPasswordPolicy sets the account password policy. Every
// parameter left out takes its default; the ranges were checked by the
// input's validation.
func (s *Service) UpdateAccountPasswordPolicy(ctx context.Context, in *iamwire.UpdateAccountPasswordPolicyInput) (*iamwire.UpdateAccountPasswordPolicyOutput, error) {
	p := passwordPolicy{
		MinLength:   deref(in.MinimumPasswordLength, defaultMinPasswordLength),
		Symbols:     deref(in.RequireSymbols, false),
		Numbers:     deref(in.RequireNumbers, false),
		Upper:       deref(in.RequireUppercaseCharacters, false),
		Lower:       deref(in.RequireLowercaseCharacters, false),
		AllowChange: deref(in.AllowUsersToChangePassword, false),
		MaxAge:      deref(in.MaxPasswordAge, 0),
		Reuse:       deref(in.PasswordReusePrevention, 0),
		HardExpiry:  in.HardExpiry,
	}
	_, err := s.st.Apply(ctx, nil, []store.Op{{Key: schema.PasswordPolicy(s.account), Value: mustJSON(p)}})
	if err != nil {
		return nil, err
	}
	return &iamwire.UpdateAccountPasswordPolicyOutput{}, nil
}

// GetAccountPasswordPolicy describes the account password policy.
func (s *Service) GetAccountPasswordPolicy(ctx context.Context, _ *iamwire.GetAccountPasswordPolicyInput) (*iamwire.GetAccountPasswordPolicyOutput, error) {
	p, _, err := s.getPasswordPolicy(ctx)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, s.noSuchPasswordPolicy()
	}
	out := iamwire.PasswordPolicy{
		MinimumPasswordLength:      ptr(p.MinLength),
		RequireSymbols:             ptr(p.Symbols),
		RequireNumbers:             ptr(p.Numbers),
		RequireUppercaseCharacters: ptr(p.Upper),
		RequireLowercaseCharacters: ptr(p.Lower),
		AllowUsersToChangePassword: ptr(p.AllowChange),
		ExpirePasswords:            ptr(p.MaxAge > 0),
		HardExpiry:                 p.HardExpiry,
	}
	if p.MaxAge > 0 {
		out.MaxPasswordAge = ptr(p.MaxAge)
	}
	if p.Reuse > 0 {
		out.PasswordReusePrevention = ptr(p.Reuse)
	}
	return &iamwire.GetAccountPasswordPolicyOutput{PasswordPolicy: out}, nil
}

// DeleteAccountPasswordPolicy removes the policy; AWS's default policy
// applies again.
func (s *Service) DeleteAccountPasswordPolicy(ctx context.Context, _ *iamwire.DeleteAccountPasswordPolicyInput) (*iamwire.DeleteAccountPasswordPolicyOutput, error) {
	err := s.retry(ctx, func() error {
		p, rev, err := s.getPasswordPolicy(ctx)
		if err != nil {
			return err
		}
		if p == nil {
			return noPasswordPolicyToDelete()
		}
		key := schema.PasswordPolicy(s.account)
		_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: rev}}, []store.Op{{Key: key, Delete: true}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteAccountPasswordPolicyOutput{}, nil
}
