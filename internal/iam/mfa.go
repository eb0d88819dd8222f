package iam

import (
	"bytes"
	"context"
	"encoding/base32"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/boombuler/barcode/qr"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// Virtual MFA devices live in the account's "mfa" family, keyed by their
// path and name (without regard to case), so ListVirtualMFADevices reads
// one prefix. A device assigned to a user also has an entry under the
// user's "user-mfa/<user-id>/" prefix, written in the same transaction:
// ListMFADevices reads it and DeleteUser conflicts with it. The seed is
// sealed at rest, bound to the serial number.
type mfaRecord struct {
	Serial  string     `json:"s"`
	Sealed  []byte     `json:"k"`
	Created time.Time  `json:"c"`
	UserID  string     `json:"u,omitempty"`
	Enabled *time.Time `json:"e,omitempty"`
	// LastStep is the last TOTP time step accepted: a code is good once.
	LastStep int64 `json:"ls,omitempty"`
	// Offset is the device's clock drift in steps, found by ResyncMFADevice.
	Offset int64 `json:"o,omitempty"`
	Tags   []tag `json:"t,omitempty"`
}

// mfaAssignment is the user-side entry of an assigned device.
type mfaAssignment struct {
	Serial  string    `json:"s"`
	Enabled time.Time `json:"e"`
}

const (
	// maxMFADevicesPerUser is AWS's quota of MFA devices in use by a user.
	maxMFADevicesPerUser = 8
	// mfaSeedLen is the size of a virtual device's secret: 320 bits, whose
	// base32 form is the 64 characters AWS's seeds have (as in the AWS
	// CLI's CreateVirtualMFADevice test fixture), without padding.
	mfaSeedLen = 40
	// mfaIssuer names this service in authenticator apps.
	mfaIssuer = "iamd"
)

func (s *Service) mfaSerial(pathName string) string {
	return "arn:aws:iam::" + s.account + ":mfa" + pathName
}

// mfaPathName extracts "/path/name" from a serial number of this account.
func (s *Service) mfaPathName(serial string) (string, bool) {
	prefix := "arn:aws:iam::" + s.account + ":mfa/"
	if !strings.HasPrefix(serial, prefix) || len(serial) == len(prefix) {
		return "", false
	}
	return serial[len(prefix)-1:], true
}

func noSuchMFA(serial string) error {
	return apierr.NoSuchEntity("MFA Device with serial number %s does not exist.", serial)
}

func noSuchUserMFA(serial string) error {
	return apierr.NoSuchEntity("MFA Device with serial number %s does not exist.", serial)
}

func invalidAuthCode() error {
	return apierr.New("InvalidAuthenticationCode", http.StatusForbidden, "Authentication code for device is not valid.")
}

// getMFA reads a virtual MFA device by serial number.
func (s *Service) getMFA(ctx context.Context, serial string) (*mfaRecord, string, int64, error) {
	pathName, ok := s.mfaPathName(serial)
	if !ok {
		return nil, "", 0, noSuchMFA(serial)
	}
	key := schema.VirtualMFA(s.account, pathName)
	var d mfaRecord
	rev, ok, err := s.getJSON(ctx, key, &d)
	if err != nil {
		return nil, "", 0, err
	}
	if !ok {
		return nil, "", 0, noSuchMFA(serial)
	}
	return &d, key, rev, nil
}

// seed opens a device's sealed secret.
func (s *Service) seed(d *mfaRecord) ([]byte, error) {
	if s.sealer == nil {
		return nil, errors.New("iam: no sealer configured for MFA seeds")
	}
	return s.sealer.Open(d.Sealed, []byte(d.Serial))
}

// qrPNG renders content as a QR code (error correction level M) in a PNG,
// with the standard four-module quiet zone.
func qrPNG(content string) ([]byte, error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return nil, err
	}
	const quiet, scale = 4, 6
	b := code.Bounds()
	n := b.Dx()
	size := (n + 2*quiet) * scale
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if r, _, _, _ := code.At(b.Min.X+x, b.Min.Y+y).RGBA(); r >= 0x8000 {
				continue
			}
			for dy := 0; dy < scale; dy++ {
				for dx := 0; dx < scale; dx++ {
					img.SetColorIndex((quiet+x)*scale+dx, (quiet+y)*scale+dy, 1)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// otpauthURI is the Key URI authenticator apps read from the QR code.
func otpauthURI(label, secret string) string {
	return "otpauth://totp/" + url.PathEscape(mfaIssuer) + ":" + url.PathEscape(label) +
		"?secret=" + secret + "&issuer=" + url.QueryEscape(mfaIssuer)
}

// CreateVirtualMFADevice creates an unassigned virtual MFA device. Its seed
// is returned only here, as base32 text and as a QR code.
func (s *Service) CreateVirtualMFADevice(ctx context.Context, in *iamwire.CreateVirtualMFADeviceInput) (*iamwire.CreateVirtualMFADeviceOutput, error) {
	if err := checkPath(in.Path); err != nil {
		return nil, err
	}
	if s.sealer == nil {
		return nil, errors.New("iam: no sealer configured for MFA seeds")
	}
	tags, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	pathName := deref(in.Path, "/") + in.VirtualMFADeviceName
	serial := s.mfaSerial(pathName)
	seed := make([]byte, mfaSeedLen)
	if _, err := io.ReadFull(s.rand, seed); err != nil {
		return nil, err
	}
	sealed, err := s.sealer.Seal(seed, []byte(serial))
	if err != nil {
		return nil, err
	}
	secret := base32.StdEncoding.EncodeToString(seed)
	qrCode, err := qrPNG(otpauthURI(in.VirtualMFADeviceName+"@"+s.account, secret))
	if err != nil {
		return nil, err
	}
	d := mfaRecord{Serial: serial, Sealed: sealed, Created: s.now().UTC().Truncate(time.Second), Tags: tags}
	key := schema.VirtualMFA(s.account, pathName)
	if err := s.applyCreate(ctx, kindVirtualMFA, []store.Cond{{Key: key}}, []store.Op{{Key: key, Value: mustJSON(d)}}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, apierr.EntityAlreadyExists("MFA device already exists.")
		}
		return nil, err
	}
	out := iamwire.VirtualMFADevice{SerialNumber: serial, Base32StringSeed: []byte(secret), QRCodePNG: qrCode}
	if len(tags) > 0 {
		out.Tags = wireTags(tags)
	}
	return &iamwire.CreateVirtualMFADeviceOutput{VirtualMFADevice: out}, nil
}

// EnableMFADevice assigns a virtual MFA device to a user once two
// consecutive codes from it prove the user holds the seed.
func (s *Service) EnableMFADevice(ctx context.Context, in *iamwire.EnableMFADeviceInput) (*iamwire.EnableMFADeviceOutput, error) {
	err := s.retry(ctx, func() error {
		u, urev, err := s.getUser(ctx, in.UserName)
		if err != nil {
			return err
		}
		d, devKey, drev, err := s.getMFA(ctx, in.SerialNumber)
		if err != nil {
			return err
		}
		if d.UserID != "" {
			return apierr.EntityAlreadyExists("MFA Device is already in use.")
		}
		assigned, _, err := s.st.Range(ctx, schema.OwnedPrefix(s.account, "user-mfa", u.ID), "", maxMFADevicesPerUser)
		if err != nil {
			return err
		}
		if len(assigned) >= maxMFADevicesPerUser {
			return apierr.LimitExceeded("Cannot exceed quota for MFADevicesPerUser: %d", maxMFADevicesPerUser)
		}
		seed, err := s.seed(d)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		step, ok := matchConsecutive(seed, in.AuthenticationCode1, in.AuthenticationCode2, totpStep(now), d.LastStep, totpSkew)
		if !ok {
			return invalidAuthCode()
		}
		enabled := now.Truncate(time.Second)
		d.UserID, d.Enabled, d.LastStep, d.Offset = u.ID, &enabled, step, 0
		pathName, _ := s.mfaPathName(d.Serial)
		userKey := schema.User(s.account, u.Name)
		assignKey := schema.UserMFA(s.account, u.ID, pathName)
		_, err = s.st.Apply(ctx,
			[]store.Cond{{Key: userKey, ModRevision: urev}, {Key: devKey, ModRevision: drev}, {Key: assignKey}},
			[]store.Op{
				{Key: userKey, Value: mustJSON(u)},
				{Key: devKey, Value: mustJSON(d)},
				{Key: assignKey, Value: mustJSON(mfaAssignment{Serial: d.Serial, Enabled: enabled})},
			})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.EnableMFADeviceOutput{}, nil
}

// userDevice reads a device that must be assigned to the user.
func (s *Service) userDevice(ctx context.Context, u *userRecord, serial string) (*mfaRecord, string, int64, error) {
	d, key, rev, err := s.getMFA(ctx, serial)
	if err != nil {
		return nil, "", 0, err
	}
	if d.UserID != u.ID {
		return nil, "", 0, noSuchUserMFA(serial)
	}
	return d, key, rev, nil
}

// DeactivateMFADevice unassigns a device from its user; the virtual device
// remains and can be deleted or enabled again.
func (s *Service) DeactivateMFADevice(ctx context.Context, in *iamwire.DeactivateMFADeviceInput) (*iamwire.DeactivateMFADeviceOutput, error) {
	name, err := callerUserName(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	err = s.retry(ctx, func() error {
		u, _, err := s.getUser(ctx, name)
		if err != nil {
			return err
		}
		d, devKey, rev, err := s.userDevice(ctx, u, in.SerialNumber)
		if err != nil {
			return err
		}
		pathName, _ := s.mfaPathName(d.Serial)
		d.UserID, d.Enabled = "", nil
		_, err = s.st.Apply(ctx, []store.Cond{{Key: devKey, ModRevision: rev}}, []store.Op{
			{Key: devKey, Value: mustJSON(d)},
			{Key: schema.UserMFA(s.account, u.ID, pathName), Delete: true},
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeactivateMFADeviceOutput{}, nil
}

// ResyncMFADevice finds the device's clock from two consecutive codes,
// looking up to resyncWindow steps either way, and remembers the drift.
func (s *Service) ResyncMFADevice(ctx context.Context, in *iamwire.ResyncMFADeviceInput) (*iamwire.ResyncMFADeviceOutput, error) {
	err := s.retry(ctx, func() error {
		u, _, err := s.getUser(ctx, in.UserName)
		if err != nil {
			return err
		}
		d, devKey, rev, err := s.userDevice(ctx, u, in.SerialNumber)
		if err != nil {
			return err
		}
		seed, err := s.seed(d)
		if err != nil {
			return err
		}
		now := totpStep(s.now())
		step, ok := matchConsecutive(seed, in.AuthenticationCode1, in.AuthenticationCode2, now, d.LastStep, resyncWindow)
		if !ok {
			return invalidAuthCode()
		}
		d.LastStep, d.Offset = step, step-now
		_, err = s.st.Apply(ctx, []store.Cond{{Key: devKey, ModRevision: rev}}, []store.Op{{Key: devKey, Value: mustJSON(d)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.ResyncMFADeviceOutput{}, nil
}

// GetMFADevice describes a device assigned to a user (the named one, or
// the calling user; for other callers, whoever it is assigned to).
func (s *Service) GetMFADevice(ctx context.Context, in *iamwire.GetMFADeviceInput) (*iamwire.GetMFADeviceOutput, error) {
	d, _, _, err := s.getMFA(ctx, in.SerialNumber)
	if err != nil {
		return nil, err
	}
	name := deref(in.UserName, "")
	if name == "" {
		if p := auth.PrincipalFrom(ctx); p != nil && p.Kind == auth.User {
			name = p.Name
		}
	}
	var u *userRecord
	if name != "" {
		if u, _, err = s.getUser(ctx, name); err != nil {
			return nil, err
		}
	} else if d.UserID != "" {
		if u, err = s.userByID(ctx, d.UserID); err != nil {
			return nil, err
		}
	}
	if u == nil || d.UserID != u.ID {
		return nil, noSuchUserMFA(in.SerialNumber)
	}
	return &iamwire.GetMFADeviceOutput{UserName: ptr(u.Name), SerialNumber: d.Serial, EnableDate: d.Enabled}, nil
}

// ListMFADevices lists the devices assigned to a user (the named one or the
// caller; the root user has none here).
func (s *Service) ListMFADevices(ctx context.Context, in *iamwire.ListMFADevicesInput) (*iamwire.ListMFADevicesOutput, error) {
	if in.UserName == nil {
		if p := auth.PrincipalFrom(ctx); p != nil && p.Kind == auth.Root {
			return &iamwire.ListMFADevicesOutput{MFADevices: []iamwire.MFADevice{}, IsTruncated: ptr(false)}, nil
		}
	}
	name, err := callerUserName(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	u, _, err := s.getUser(ctx, name)
	if err != nil {
		return nil, err
	}
	devs, page, err := scanPage(ctx, s.st, schema.OwnedPrefix(s.account, "user-mfa", u.ID), in.Marker, in.MaxItems, func(kv store.KV) (iamwire.MFADevice, bool, error) {
		var a mfaAssignment
		if err := decodeJSON(kv, &a); err != nil {
			return iamwire.MFADevice{}, false, err
		}
		return iamwire.MFADevice{UserName: u.Name, SerialNumber: a.Serial, EnableDate: a.Enabled}, true, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.ListMFADevicesOutput{MFADevices: devs, IsTruncated: ptr(page.truncated), Marker: page.marker}, nil
}

// ListVirtualMFADevices lists the account's virtual devices, filtered by
// assignment status (Assigned, Unassigned or Any); assigned ones carry
// their user and enable date.
func (s *Service) ListVirtualMFADevices(ctx context.Context, in *iamwire.ListVirtualMFADevicesInput) (*iamwire.ListVirtualMFADevicesOutput, error) {
	status := deref(in.AssignmentStatus, "Any")
	devs, page, err := scanPage(ctx, s.st, schema.VirtualMFAPrefix(s.account), in.Marker, in.MaxItems, func(kv store.KV) (iamwire.VirtualMFADevice, bool, error) {
		var d mfaRecord
		if err := decodeJSON(kv, &d); err != nil {
			return iamwire.VirtualMFADevice{}, false, err
		}
		var u *userRecord
		if d.UserID != "" {
			var err error
			if u, err = s.userByID(ctx, d.UserID); err != nil {
				return iamwire.VirtualMFADevice{}, false, err
			}
		}
		if (status == "Assigned" && u == nil) || (status == "Unassigned" && u != nil) {
			return iamwire.VirtualMFADevice{}, false, nil
		}
		out := iamwire.VirtualMFADevice{SerialNumber: d.Serial}
		if u != nil {
			out.User = &iamwire.User{
				Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: s.userARN(u.Path, u.Name),
				CreateDate: u.Created, PasswordLastUsed: u.PasswordLastUsed,
			}
			out.EnableDate = d.Enabled
		}
		return out, true, nil
	})
	if ae, ok := apierr.As(err); ok && ae.Message == "Invalid Marker." {
		// Recorded for ListVirtualMFADevices as a ValidationError (the
		// other listings' code for a bad marker is not on record).
		return nil, apierr.ValidationError("Invalid Marker.")
	}
	if err != nil {
		return nil, err
	}
	return &iamwire.ListVirtualMFADevicesOutput{VirtualMFADevices: devs, IsTruncated: ptr(page.truncated), Marker: page.marker}, nil
}

// DeleteVirtualMFADevice deletes an unassigned virtual device.
func (s *Service) DeleteVirtualMFADevice(ctx context.Context, in *iamwire.DeleteVirtualMFADeviceInput) (*iamwire.DeleteVirtualMFADeviceOutput, error) {
	err := s.retry(ctx, func() error {
		d, key, rev, err := s.getMFA(ctx, in.SerialNumber)
		if err != nil {
			return err
		}
		if d.UserID != "" {
			return apierr.DeleteConflict("Cannot delete entity, must deactivate MFA device first.")
		}
		return s.applyRemoval(ctx, kindVirtualMFA, []store.Cond{{Key: key, ModRevision: rev}}, []store.Op{{Key: key, Delete: true}})
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.DeleteVirtualMFADeviceOutput{}, nil
}

// updateMFA applies f to a stored device under optimistic concurrency.
func (s *Service) updateMFA(ctx context.Context, serial string, f func(d *mfaRecord) error) error {
	return s.retry(ctx, func() error {
		d, key, rev, err := s.getMFA(ctx, serial)
		if err != nil {
			return err
		}
		if err := f(d); err != nil {
			return err
		}
		_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: rev}}, []store.Op{{Key: key, Value: mustJSON(d)}})
		return err
	})
}

// TagMFADevice adds or overwrites tags on a virtual MFA device.
func (s *Service) TagMFADevice(ctx context.Context, in *iamwire.TagMFADeviceInput) (*iamwire.TagMFADeviceOutput, error) {
	add, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	err = s.updateMFA(ctx, in.SerialNumber, func(d *mfaRecord) error {
		merged, err := mergeTags(d.Tags, add)
		d.Tags = merged
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.TagMFADeviceOutput{}, nil
}

// UntagMFADevice removes tags from a virtual MFA device.
func (s *Service) UntagMFADevice(ctx context.Context, in *iamwire.UntagMFADeviceInput) (*iamwire.UntagMFADeviceOutput, error) {
	err := s.updateMFA(ctx, in.SerialNumber, func(d *mfaRecord) error {
		d.Tags = removeTags(d.Tags, in.TagKeys)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamwire.UntagMFADeviceOutput{}, nil
}

// ListMFADeviceTags lists a virtual MFA device's tags, a page at a time.
func (s *Service) ListMFADeviceTags(ctx context.Context, in *iamwire.ListMFADeviceTagsInput) (*iamwire.ListMFADeviceTagsOutput, error) {
	d, _, _, err := s.getMFA(ctx, in.SerialNumber)
	if err != nil {
		return nil, err
	}
	tags, truncated, marker, err := pageSlice(wireTags(d.Tags), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamwire.ListMFADeviceTagsOutput{Tags: tags, IsTruncated: ptr(truncated), Marker: marker}, nil
}

// CheckMFA verifies a code of an MFA device assigned to the principal, for
// STS (GetSessionToken, AssumeRole): it implements sts.MFAChecker. The code
// may be one step early or late (after any drift ResyncMFADevice found);
// each time step is accepted once per device, so a code cannot be
// replayed.
func (s *Service) CheckMFA(ctx context.Context, p *auth.Principal, serialNumber, code string) error {
	unable := apierr.AccessDenied("MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.")
	if p == nil || p.Kind != auth.User || p.AccountID != s.account {
		return unable
	}
	return s.retry(ctx, func() error {
		d, key, rev, err := s.getMFA(ctx, serialNumber)
		if err != nil {
			if _, ok := apierr.As(err); ok {
				return unable
			}
			return err
		}
		if d.UserID == "" || d.UserID != p.UserID {
			return unable
		}
		seed, err := s.seed(d)
		if err != nil {
			return err
		}
		step, ok := matchCode(seed, code, totpStep(s.now())+d.Offset, d.LastStep, totpSkew)
		if !ok {
			return apierr.AccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. ")
		}
		d.LastStep = step
		_, err = s.st.Apply(ctx, []store.Cond{{Key: key, ModRevision: rev}}, []store.Op{{Key: key, Value: mustJSON(d)}})
		return err
	})
}
