package iam

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// credentialReportHeader is the report's first line: AWS's columns, in
// AWS's order.
const credentialReportHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed," +
	"password_next_rotation,mfa_active," +
	"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
	"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
	"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

// reportLifetime: a report younger than this is served again rather than
// rebuilt; an older one has expired.
const reportLifetime = 4 * time.Hour

// reportRecord is the latest credential report as stored.
type reportRecord struct {
	Generated time.Time `json:"g"`
	CSV       []byte    `json:"csv"`
}

const (
	notApplicable = "N/A"
	notSupported  = "not_supported"
	noInformation = "no_information"
)

// reportTime formats a time as the report does (ISO 8601, UTC offset).
func reportTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

func reportBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func (s *Service) getReport(ctx context.Context) (*reportRecord, error) {
	var r reportRecord
	_, ok, err := s.getJSON(ctx, schema.CredentialReport(s.account), &r)
	if err != nil || !ok {
		return nil, err
	}
	return &r, nil
}

// GenerateCredentialReport builds the account's credential report unless
// one younger than four hours exists. The report is built before the call
// returns, but the first call answers STARTED, as AWS's asynchronous
// generation does; calls while the report is fresh answer COMPLETE.
func (s *Service) GenerateCredentialReport(ctx context.Context, _ *iamwire.GenerateCredentialReportInput) (*iamwire.GenerateCredentialReportOutput, error) {
	have, err := s.getReport(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if have != nil && now.Sub(have.Generated) < reportLifetime {
		return &iamwire.GenerateCredentialReportOutput{State: ptr("COMPLETE")}, nil
	}
	content, err := s.buildCredentialReport(ctx, now)
	if err != nil {
		return nil, err
	}
	r := reportRecord{Generated: now.Truncate(time.Second), CSV: content}
	if _, err := s.st.Apply(ctx, nil, []store.Op{{Key: schema.CredentialReport(s.account), Value: mustJSON(r)}}); err != nil {
		return nil, err
	}
	out := &iamwire.GenerateCredentialReportOutput{State: ptr("STARTED")}
	if have == nil {
		out.Description = ptr("No report exists. Starting a new report generation task")
	}
	return out, nil
}

// GetCredentialReport returns the latest report as CSV.
func (s *Service) GetCredentialReport(ctx context.Context, _ *iamwire.GetCredentialReportInput) (*iamwire.GetCredentialReportOutput, error) {
	r, err := s.getReport(ctx)
	if err != nil {
		return nil, err
	}
	if r == nil {
		// AWS's answer has no message at all.
		return nil, apierr.New("ReportNotPresent", http.StatusGone, "")
	}
	if s.now().Sub(r.Generated) >= reportLifetime {
		return nil, apierr.New("ReportExpired", http.StatusGone, "The credential report has expired. Use GenerateCredentialReport to generate a new one.")
	}
	return &iamwire.GetCredentialReportOutput{Content: r.CSV, ReportFormat: ptr("text/csv"), GeneratedTime: ptr(r.Generated)}, nil
}

// buildCredentialReport writes the report: the root account first, then
// every user in name order.
func (s *Service) buildCredentialReport(ctx context.Context, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(strings.Split(credentialReportHeader, ",")); err != nil {
		return nil, err
	}
	created, err := s.accountCreated(ctx)
	if err != nil {
		return nil, err
	}
	// The root user has no console password here, and always has its
	// access key (configured or generated when the account was set up).
	root := []string{
		"<root_account>", "arn:aws:iam::" + s.account + ":root", reportTime(created),
		notSupported, noInformation, notSupported, notSupported, "false",
		"true", reportTime(created), notApplicable, notApplicable, notApplicable,
		"false", notApplicable, notApplicable, notApplicable, notApplicable,
		"false", notApplicable, "false", notApplicable,
	}
	if err := w.Write(root); err != nil {
		return nil, err
	}
	policy, _, err := s.getPasswordPolicy(ctx)
	if err != nil {
		return nil, err
	}
	after := ""
	for {
		kvs, more, err := s.st.Range(ctx, schema.UserPrefix(s.account), after, 256)
		if err != nil {
			return nil, err
		}
		for _, kv := range kvs {
			after = kv.Key
			var u userRecord
			if err := decodeJSON(kv, &u); err != nil {
				return nil, err
			}
			row, err := s.credentialRow(ctx, &u, policy)
			if err != nil {
				return nil, err
			}
			if err := w.Write(row); err != nil {
				return nil, err
			}
		}
		if !more {
			break
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// credentialRow is one user's line of the report.
func (s *Service) credentialRow(ctx context.Context, u *userRecord, policy *passwordPolicy) ([]string, error) {
	row := []string{u.Name, s.userARN(u.Path, u.Name), reportTime(u.Created)}
	var l loginRecord
	_, hasPassword, err := s.getJSON(ctx, schema.LoginProfile(s.account, u.ID), &l)
	if err != nil {
		return nil, err
	}
	if hasPassword {
		lastUsed := noInformation
		if u.PasswordLastUsed != nil {
			lastUsed = reportTime(*u.PasswordLastUsed)
		}
		next := notApplicable
		if exp, ok := policy.expires(l.Changed); ok {
			next = reportTime(exp)
		}
		row = append(row, "true", lastUsed, reportTime(l.Changed), next)
	} else {
		row = append(row, "false", notApplicable, notApplicable, notApplicable)
	}
	mfa, err := s.hasAny(ctx, schema.OwnedPrefix(s.account, "user-mfa", u.ID))
	if err != nil {
		return nil, err
	}
	row = append(row, reportBool(mfa))
	keys, err := s.listKeys(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	// access_key_1 is the older key.
	slices.SortFunc(keys, func(a, b accessKeyRecord) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for i := range 2 {
		if i >= len(keys) {
			row = append(row, "false", notApplicable, notApplicable, notApplicable, notApplicable)
			continue
		}
		k := keys[i]
		used, region, service := notApplicable, notApplicable, notApplicable
		if k.LastUse != nil {
			used, region, service = reportTime(k.LastUse.Date), k.LastUse.Region, k.LastUse.Service
		}
		row = append(row, reportBool(k.Status == "Active"), reportTime(k.Created), used, region, service)
	}
	// Signing certificates are not supported yet: none is ever active.
	return append(row, "false", notApplicable, "false", notApplicable), nil
}
