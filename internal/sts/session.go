package sts

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/secrets"
)

// tokenContext binds sealed session tokens to their purpose.
var tokenContext = []byte("iamd/sts-session/v1")

// Session is what a session token carries.
type Session struct {
	AccessKeyID string    `json:"k"`
	Secret      string    `json:"s"`
	Kind        auth.Kind `json:"t"`
	AccountID   string    `json:"a"`
	ARN         string    `json:"arn"`
	UserID      string    `json:"u"`
	Name        string    `json:"n,omitempty"`
	// ParentID is the unique id of the long-term identity behind the
	// session (user id or role id), checked on every use so that deleting
	// it ends its sessions.
	ParentID string    `json:"p,omitempty"`
	Issued   time.Time `json:"i"`
	Expires  time.Time `json:"e"`
	MFA      bool      `json:"m,omitempty"`
	MFATime  time.Time `json:"mt,omitzero"`
	// Role sessions: the role's ARN, the session policies (nil: none),
	// session tags and the source identity.
	RoleARN        string            `json:"ra,omitempty"`
	Policies       []string          `json:"sp"`
	Tags           map[string]string `json:"tg,omitempty"`
	Transitive     []string          `json:"tt,omitempty"`
	SourceIdentity string            `json:"si,omitempty"`
}

// seal turns a session into its opaque token.
func seal(s *secrets.Sealer, sess *Session) (string, error) {
	plain, err := json.Marshal(sess)
	if err != nil {
		return "", err
	}
	sealed, err := s.Seal(plain, tokenContext)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sealed), nil
}

// open recovers a session from a token; ok is false for anything that was
// not sealed by this server's key (forged, altered, truncated).
func open(s *secrets.Sealer, token string) (*Session, bool) {
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return nil, false
	}
	plain, err := s.Open(raw, tokenContext)
	if err != nil {
		return nil, false
	}
	var sess Session
	if json.Unmarshal(plain, &sess) != nil {
		return nil, false
	}
	return &sess, true
}
