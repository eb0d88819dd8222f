package server

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iamd/iamd/internal/api"
	"github.com/iamd/iamd/internal/auth"
	"github.com/iamd/iamd/internal/auth/sigv4"
)

// rootAuth authenticates every request as root, so that fuzzing reaches
// the decoders and handlers behind SigV4.
type rootAuth struct{}

func (rootAuth) Authenticate(context.Context, *http.Request, []byte) (*auth.Principal, *sigv4.Result, error) {
	return &auth.Principal{Kind: auth.Root, AccountID: testAccount, ARN: "arn:aws:iam::" + testAccount + ":root", UserID: testAccount}, &sigv4.Result{Service: "iam", Region: "us-east-1"}, nil
}

// FuzzQueryAPI sends arbitrary form bodies to every operation: the answer
// is always well-formed XML, never a 500, whatever the input.
func FuzzQueryAPI(f *testing.F) {
	h := newHarness(f)
	srv := h.inst.Handler.(*api.Server)
	fuzzed := &api.Server{Table: srv.Table, Auth: rootAuth{}, Authz: srv.Authz, Now: srv.Now, NewID: srv.NewID, Logger: srv.Logger, Services: srv.Services}
	for _, seed := range []string{
		"Action=CreateUser&Version=2010-05-08&UserName=Bob&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"Action=CreatePolicy&Version=2010-05-08&PolicyName=p&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D",
		"Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D",
		"Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1=x&ActionNames.member.1=iam:GetUser&ContextEntries.member.1.ContextKeyName=a",
		"Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=ss",
		"Action=ListUsers&Version=2010-05-08&Marker=%00%01&MaxItems=5",
		"Action=GetAccountAuthorizationDetails&Version=2010-05-08&Filter.member.1=User",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		fuzzed.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body.String())
		}
		var anyXML struct{ XMLName xml.Name }
		if err := xml.Unmarshal(rec.Body.Bytes(), &anyXML); err != nil {
			t.Fatalf("not XML for %q: %v\n%s", body, err, rec.Body.String())
		}
	})
}
