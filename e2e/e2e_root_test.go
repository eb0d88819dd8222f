package e2e

import "testing"

// TestCLIRootAccessKeys: root's own keys through the AWS CLI, without
// --user-name, as the CLI's documentation describes for the root user.
func TestCLIRootAccessKeys(t *testing.T) {
	requireAWSCLI(t)
	s := startServer(t)
	type meta struct{ AccessKeyId, Status string }
	var list struct{ AccessKeyMetadata []meta }
	s.awsOK(t, root, &list, "iam", "list-access-keys")
	if len(list.AccessKeyMetadata) != 1 || list.AccessKeyMetadata[0] != (meta{rootKey, "Active"}) {
		t.Fatalf("root's keys %+v", list)
	}
	var created struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	s.awsOK(t, root, &created, "iam", "create-access-key")
	second := creds{ID: created.AccessKey.AccessKeyId, Secret: created.AccessKey.SecretAccessKey}
	var id callerIdentity
	s.awsOK(t, second, &id, "sts", "get-caller-identity")
	if id.Arn != "arn:aws:iam::"+accountID+":root" {
		t.Fatalf("new root key signs as %+v", id)
	}
	s.awsErr(t, root, "An error occurred (LimitExceeded) when calling the CreateAccessKey operation: Cannot exceed quota for AccessKeysPerUser: 2",
		"iam", "create-access-key")
	s.awsOK(t, second, nil, "iam", "delete-access-key", "--access-key-id", second.ID)
	s.awsOK(t, root, &list, "iam", "list-access-keys")
	if len(list.AccessKeyMetadata) != 1 {
		t.Fatalf("after delete %+v", list)
	}
}
