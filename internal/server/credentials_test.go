package server

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd/iamd/internal/ids"
)

func TestAccessKeysAuthenticate(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")}); err != nil {
		t.Fatal(err)
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Bob")})
	if err != nil {
		t.Fatal(err)
	}
	// Bob may manage himself: an inline policy with a policy variable.
	selfManage := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:*AccessKey*"],"Resource":"arn:aws:iam::*:user/${aws:username}"}]}`
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Bob"), PolicyName: aws.String("self"), PolicyDocument: aws.String(selfManage)}); err != nil {
		t.Fatal(err)
	}
	ak := k.AccessKey
	if !strings.HasPrefix(*ak.AccessKeyId, "AKIA") || len(*ak.AccessKeyId) != 20 || len(*ak.SecretAccessKey) != 40 || ak.Status != types.StatusTypeActive {
		t.Fatalf("key %+v", ak)
	}
	// The new key signs the very next request.
	id, err := h.sts(*ak.AccessKeyId, *ak.SecretAccessKey).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *id.Arn != "arn:aws:iam::"+testAccount+":user/Bob" || *id.Account != testAccount || !strings.HasPrefix(*id.UserId, "AIDA") {
		t.Fatalf("caller %+v", id)
	}
	// Without UserName the key calls act on the caller.
	bob := h.iam(*ak.AccessKeyId, *ak.SecretAccessKey)
	me, err := bob.GetUser(ctx, &iam.GetUserInput{})
	if err != nil || *me.User.UserName != "Bob" {
		t.Fatal(me, err)
	}
	k2, err := bob.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	if err != nil || *k2.AccessKey.UserName != "Bob" {
		t.Fatal(err)
	}
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Bob")})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")
	l, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("Bob")})
	if err != nil || len(l.AccessKeyMetadata) != 2 {
		t.Fatal(l, err)
	}
	used, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: ak.AccessKeyId})
	if err != nil {
		t.Fatal(err)
	}
	if used.AccessKeyLastUsed.LastUsedDate == nil || *used.AccessKeyLastUsed.Region != "eu-west-1" || *used.UserName != "Bob" {
		t.Fatalf("last used %+v", used.AccessKeyLastUsed)
	}
	// Inactive keys are refused; reactivated ones work again.
	if _, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("Bob"), AccessKeyId: ak.AccessKeyId, Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = bob.GetUser(ctx, &iam.GetUserInput{})
	wantErr(t, err, "InvalidClientTokenId", 403, "The security token included in the request is invalid.")
	// The user owns keys: DeleteUser conflicts.
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Bob")})
	wantErr(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete access keys first.")
	c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("Bob"), PolicyName: aws.String("self")})
	for _, id := range []*string{ak.AccessKeyId, k2.AccessKey.AccessKeyId} {
		if _, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("Bob"), AccessKeyId: id}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("Bob"), AccessKeyId: ak.AccessKeyId})
	wantErr(t, err, "NoSuchEntity", 404, "The Access Key with id "+*ak.AccessKeyId+" cannot be found.")
	_, err = h.iam(*k2.AccessKey.AccessKeyId, *k2.AccessKey.SecretAccessKey).GetUser(ctx, &iam.GetUserInput{})
	wantErr(t, err, "InvalidClientTokenId", 403, "")
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Bob")}); err != nil {
		t.Fatal(err)
	}
}

func TestSecretsNotInClearOnDisk(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")}); err != nil {
		t.Fatal(err)
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Bob")})
	if err != nil {
		t.Fatal(err)
	}
	h.stop()
	db, err := os.ReadFile(filepath.Join(h.dir, "iamd.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(db, []byte(*k.AccessKey.SecretAccessKey)) {
		t.Fatal("secret access key stored in clear text")
	}
	if !bytes.Contains(db, []byte(*k.AccessKey.AccessKeyId)) {
		t.Fatal("sanity: the key id should be in the store")
	}
	fi, err := os.Stat(filepath.Join(h.dir, "master.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("master key file: %v %v", fi, err)
	}
}

func TestSessionTokens(t *testing.T) {
	h := &harness{t: t, dir: t.TempDir(), clock: &fakeClock{t: time.Now().UTC()}}
	h.start()
	c := h.iam()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")}); err != nil {
		t.Fatal(err)
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Bob")})
	if err != nil {
		t.Fatal(err)
	}
	bobSTS := h.sts(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey)
	st, err := bobSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	cr := st.Credentials
	if !strings.HasPrefix(*cr.AccessKeyId, "ASIA") || len(*cr.SecretAccessKey) != 40 || cr.Expiration.Sub(h.clock.Now()) > 15*time.Minute || cr.Expiration.Sub(h.clock.Now()) < 15*time.Minute-time.Second {
		t.Fatalf("credentials %+v", cr)
	}
	id, err := h.sts(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Arn != "arn:aws:iam::"+testAccount+":user/Bob" {
		t.Fatal(id, err)
	}
	_, err = h.sts(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantErr(t, err, "AccessDenied", 403, "Cannot call GetSessionToken with session credentials")
	// Without MFA, GetSessionToken's credentials cannot call IAM at all.
	_, err = h.iam(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken).GetUser(ctx, &iam.GetUserInput{})
	wantErr(t, err, "InvalidClientTokenId", 403, "The security token included in the request is invalid")
	// An altered token is refused.
	tok := []byte(*cr.SessionToken)
	tok[10] ^= 1
	_, err = h.sts(*cr.AccessKeyId, *cr.SecretAccessKey, string(tok)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "InvalidClientTokenId", 403, "The security token included in the request is invalid")
	// A token with another key id is refused.
	_, err = h.sts("ASIAAAAAAAAAAAAAAAAA", *cr.SecretAccessKey, *cr.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "InvalidClientTokenId", 403, "")
	// After expiry (server clock and signing clock both moved on).
	h.clock.Advance(16 * time.Minute)
	r := h.postToken(url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}, *cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken, h.clock.Now())
	wantEnvelope(t, r, 403, "ExpiredToken", "The security token included in the request is expired")
	// Root sessions are capped at one hour.
	rs, err := h.sts().GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
	if err == nil {
		t.Fatalf("signing with real time against a moved clock should fail, got %+v", rs)
	}
}

func TestRootSessionCapped(t *testing.T) {
	h := newHarness(t)
	rs, err := h.sts().GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(*rs.Credentials.Expiration); d > time.Hour || d < 59*time.Minute {
		t.Fatalf("root session lasts %v", d)
	}
	_, err = h.sts().GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(899)})
	wantErr(t, err, "ValidationError", 400, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
	info, err := h.sts().GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(rootKey)})
	if err != nil || *info.Account != testAccount {
		t.Fatal(info, err)
	}
}

// TestAccessKeyIDsCarryTheAccount: key ids carry the account number as
// AWS's do, so GetAccessKeyInfo names the account of any key id, even one
// this service does not hold.
func TestAccessKeyIDsCarryTheAccount(t *testing.T) {
	h := newHarness(t)
	_, bob := userWithKey(t, h, "Bob")
	st, err := h.sts(bob...).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{
		bob[0]:                      testAccount,
		*st.Credentials.AccessKeyId: testAccount,
		"ASIAQNZGKIQY56JQ7WML":      "029608264753", // another account's key, as published with the decoding
	} {
		if got, ok := ids.AccountOfAccessKeyID(id); id != "ASIAQNZGKIQY56JQ7WML" && (!ok || got != testAccount) {
			t.Errorf("%s carries account %q", id, got)
		}
		info, err := h.sts().GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(id)})
		if err != nil || *info.Account != want {
			t.Errorf("GetAccessKeyInfo(%s) = %v, %v; want %s", id, info, err, want)
		}
	}
}

// TestRootAccessKeys: without UserName, root's calls act on root's own
// keys, as AWS documents: the key iamd was started with is listed, root
// may hold one more (two in all), and that one signs as root at once.
func TestRootAccessKeys(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	l, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil || len(l.AccessKeyMetadata) != 1 || *l.AccessKeyMetadata[0].AccessKeyId != rootKey || l.AccessKeyMetadata[0].Status != types.StatusTypeActive {
		t.Fatalf("root's keys %+v %v", l, err)
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	second := k.AccessKey
	if a, ok := ids.AccountOfAccessKeyID(*second.AccessKeyId); !ok || a != testAccount {
		t.Fatalf("key %s", *second.AccessKeyId)
	}
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	wantErr(t, err, "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")
	id, err := h.sts(*second.AccessKeyId, *second.SecretAccessKey).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Arn != "arn:aws:iam::"+testAccount+":root" || *id.UserId != testAccount {
		t.Fatalf("caller %+v %v", id, err)
	}
	// Root's new key is root: it needs no policy.
	if _, err := h.iam(*second.AccessKeyId, *second.SecretAccessKey).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("made-by-root-key")}); err != nil {
		t.Fatal(err)
	}
	lu, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: second.AccessKeyId})
	if err != nil || *lu.AccessKeyLastUsed.ServiceName != "iam" {
		t.Fatalf("last used %+v %v", lu, err)
	}
	l, _ = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if len(l.AccessKeyMetadata) != 2 {
		t.Fatalf("root's keys %+v", l.AccessKeyMetadata)
	}
	if _, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: second.AccessKeyId, Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = h.sts(*second.AccessKeyId, *second.SecretAccessKey).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "InvalidClientTokenId", 403, "")
	if _, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: second.AccessKeyId}); err != nil {
		t.Fatal(err)
	}
	// The key iamd was started with is configuration, not store state.
	_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(rootKey)})
	wantErr(t, err, "InvalidInput", 400, "")
	// Temporary credentials still need UserName.
	st, err := h.sts().GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.iam(*st.Credentials.AccessKeyId, *st.Credentials.SecretAccessKey, *st.Credentials.SessionToken).ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	wantErr(t, err, "InvalidClientTokenId", 403, "") // and without MFA they cannot call IAM at all
}
