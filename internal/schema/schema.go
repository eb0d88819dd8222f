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
