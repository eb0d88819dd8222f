// Package schema declares every key family iamd keeps in the store, in one
// place. Keys are plain strings; every account-owned key starts with
// "a/<account-id>/". Names are keyed in lower case so that uniqueness
// ignores case (the stored record keeps the original case). Links between
// entities are keyed by the entities' unique ids, so renames keep them.
package schema

import "strings"

// Meta keys (server-wide).
const (
	// AccountID holds the account id fixed at first start.
	AccountID = "meta/account-id"
	// AccountCreated holds the account's creation time (RFC 3339).
	AccountCreated = "meta/account-created"
)

func acct(account string) string { return "a/" + account + "/" }

// Lower is the case-folded form of a name used in keys.
func Lower(name string) string { return strings.ToLower(name) }

// UserPrefix is the prefix of all user records: a/<acct>/user/<lower-name>.
func UserPrefix(account string) string { return acct(account) + "user/" }

// User is the key of a user record.
func User(account, name string) string { return UserPrefix(account) + Lower(name) }

// UserID maps a user's unique id to its lower-case name.
func UserID(account, id string) string { return acct(account) + "user-id/" + id }

// UserOwned lists the families of things a user owns, keyed by user id:
// DeleteUser answers DeleteConflict while any has a key for the user. The
// message is AWS's for that family.
func UserOwned() []Owned {
	return []Owned{
		{Family: "user-key", Conflict: "Cannot delete entity, must delete access keys first."},
		{Family: "user-login", Conflict: "Cannot delete entity, must delete login profile first."},
		{Family: "user-mfa", Conflict: "Cannot delete entity, must delete MFA device first."},
		{Family: "user-policy", Conflict: "Cannot delete entity, must delete policies first."},
		{Family: "user-attached", Conflict: "Cannot delete entity, must detach all policies first."},
		{Family: "user-group", Conflict: "Cannot delete entity, must remove users from group first."},
		{Family: "user-signing-cert", Conflict: "Cannot delete entity, must delete signing certificates first."},
		{Family: "user-ssh-key", Conflict: "Cannot delete entity, must delete SSH public keys first."},
		{Family: "user-service-cred", Conflict: "Cannot delete entity, must delete service specific credentials first."},
	}
}

// Owned is a family of keys owned by an entity.
type Owned struct {
	Family   string
	Conflict string
}

// OwnedPrefix is the prefix of the family's keys for one owner id:
// a/<acct>/<family>/<owner-id>/.
func OwnedPrefix(account, family, ownerID string) string {
	return acct(account) + family + "/" + ownerID + "/"
}

// AccessKeyIndex maps an access key id to its owner, for authentication:
// akid/<access-key-id>. It is not account-scoped because the key id alone
// identifies the account.
func AccessKeyIndex(accessKeyID string) string { return "akid/" + accessKeyID }

// UserAccessKey is the key of one access key of a user:
// a/<acct>/user-key/<user-id>/<access-key-id>.
func UserAccessKey(account, userID, accessKeyID string) string {
	return OwnedPrefix(account, "user-key", userID) + accessKeyID
}

// GroupPrefix is the prefix of all group records: a/<acct>/group/<lower-name>.
func GroupPrefix(account string) string { return acct(account) + "group/" }

// Group is the key of a group record.
func Group(account, name string) string { return GroupPrefix(account) + Lower(name) }

// GroupID maps a group's unique id to its lower-case name.
func GroupID(account, id string) string { return acct(account) + "group-id/" + id }

// Membership keys: both sides of a user-in-group link, written together.
// a/<acct>/user-group/<user-id>/<group-id> and
// a/<acct>/group-member/<group-id>/<user-id>.
func UserGroup(account, userID, groupID string) string {
	return OwnedPrefix(account, "user-group", userID) + groupID
}

// GroupMember is the group side of a membership link.
func GroupMember(account, groupID, userID string) string {
	return OwnedPrefix(account, "group-member", groupID) + userID
}

// GroupOwned lists what a group owns, for DeleteGroup's DeleteConflict.
func GroupOwned() []Owned {
	return []Owned{
		{Family: "group-member", Conflict: "Cannot delete entity, must remove users from group first."},
		{Family: "group-policy", Conflict: "Cannot delete entity, must delete policies first."},
		{Family: "group-attached", Conflict: "Cannot delete entity, must detach all policies first."},
	}
}

// PolicyPrefix is the prefix of customer managed policy records:
// a/<acct>/policy/<lower-name> (policy names are unique in an account).
func PolicyPrefix(account string) string { return acct(account) + "policy/" }

// Policy is the key of a customer managed policy record.
func Policy(account, name string) string { return PolicyPrefix(account) + Lower(name) }

// Attached is the entity side of a managed policy attachment:
// a/<acct>/<kind>-attached/<entity-id>/<policy-id>, value the policy ARN.
// kind is "user", "group" or "role".
func Attached(account, kind, entityID, policyID string) string {
	return OwnedPrefix(account, kind+"-attached", entityID) + policyID
}

// PolicyEntity is the policy side of an attachment:
// a/<acct>/policy-entity/<policy-id>/<kind>/<entity-id>.
func PolicyEntity(account, policyID, kind, entityID string) string {
	return OwnedPrefix(account, "policy-entity", policyID) + kind + "/" + entityID
}

// PolicyBoundary records that an entity uses the policy as its permissions
// boundary: a/<acct>/policy-boundary/<policy-id>/<kind>/<entity-id>.
func PolicyBoundary(account, policyID, kind, entityID string) string {
	return OwnedPrefix(account, "policy-boundary", policyID) + kind + "/" + entityID
}

// Inline is an inline policy of an entity:
// a/<acct>/<kind>-policy/<entity-id>/<policy-name>.
func Inline(account, kind, entityID, name string) string {
	return OwnedPrefix(account, kind+"-policy", entityID) + name
}

// RolePrefix is the prefix of all role records: a/<acct>/role/<lower-name>.
func RolePrefix(account string) string { return acct(account) + "role/" }

// Role is the key of a role record.
func Role(account, name string) string { return RolePrefix(account) + Lower(name) }

// RoleID maps a role's unique id to its lower-case name.
func RoleID(account, id string) string { return acct(account) + "role-id/" + id }

// RoleOwned lists what a role owns, for DeleteRole's DeleteConflict.
func RoleOwned() []Owned {
	return []Owned{
		{Family: "role-policy", Conflict: "Cannot delete entity, must delete policies first."},
		{Family: "role-attached", Conflict: "Cannot delete entity, must detach all policies first."},
		{Family: "role-instance-profile", Conflict: "Cannot delete entity, must remove roles from instance profile first."},
	}
}

// LoginProfile is the key of a user's console password:
// a/<acct>/user-login/<user-id>/profile.
func LoginProfile(account, userID string) string {
	return OwnedPrefix(account, "user-login", userID) + "profile"
}

// PasswordPolicy is the key of the account password policy.
func PasswordPolicy(account string) string { return acct(account) + "password-policy" }

// VirtualMFAPrefix is the prefix of all virtual MFA devices of an account:
// a/<acct>/mfa/<lower-path-and-name>.
func VirtualMFAPrefix(account string) string { return acct(account) + "mfa/" }

// VirtualMFA is the key of a virtual MFA device; pathName is the device's
// path and name as in its serial number ("/div/name"), compared without
// regard to case.
func VirtualMFA(account, pathName string) string {
	return VirtualMFAPrefix(account) + mfaKey(pathName)
}

// UserMFA is the assignment of an MFA device to a user:
// a/<acct>/user-mfa/<user-id>/<lower-path-and-name>.
func UserMFA(account, userID, pathName string) string {
	return OwnedPrefix(account, "user-mfa", userID) + mfaKey(pathName)
}

func mfaKey(pathName string) string { return Lower(strings.TrimPrefix(pathName, "/")) }

// CredentialReport is the key of the account's latest credential report.
func CredentialReport(account string) string { return acct(account) + "credential-report" }

// InstanceProfilePrefix is the prefix of instance profile records:
// a/<acct>/instance-profile/<lower-name>.
func InstanceProfilePrefix(account string) string { return acct(account) + "instance-profile/" }

// InstanceProfile is the key of an instance profile record.
func InstanceProfile(account, name string) string {
	return InstanceProfilePrefix(account) + Lower(name)
}

// RoleInstanceProfile is the role side of a role-in-instance-profile link:
// a/<acct>/role-instance-profile/<role-id>/<lower-profile-name>.
func RoleInstanceProfile(account, roleID, profileName string) string {
	return OwnedPrefix(account, "role-instance-profile", roleID) + Lower(profileName)
}

// DeletionTask is a service-linked role deletion task:
// a/<acct>/slr-deletion/<task-id>.
func DeletionTask(account, taskID string) string { return acct(account) + "slr-deletion/" + taskID }

// AccountAlias holds the account's alias (at most one).
func AccountAlias(account string) string { return acct(account) + "alias" }

// RootKeys is rewritten with every change to the root user's stored access
// keys (which are kept, like a user's, under the account id as owner), so
// that those changes are serialized and the key quota holds.
func RootKeys(account string) string { return acct(account) + "root-keys" }

// AliasOwner maps an alias to the account using it, so aliases are unique
// across the store: alias/<alias>.
func AliasOwner(alias string) string { return "alias/" + alias }
